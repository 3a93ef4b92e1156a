//! Recruitment's pages: the talent hub (`/talents`), job offers (`/talents/offres`) and calls
//! for challenges (`/talents/appels`) with their application forms, the candidate's page
//! (`/talents/candidature?jeton=…`), and the reviewers' lists and application pages.
//! Every write goes through the API's checks (`api::recruitment`).

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::identity::{Action, Principal};
use pilote_domain::portfolio::Domaine;
use pilote_domain::talent::recruitment::{
    Application, ApplicationEvent, Call, Candidate, ChallengeProposal, ContractType, Criterion,
    JobOffer, RemotePolicy,
};
use serde::Deserialize;

use super::form_state::{FormState, page_number, text};
use super::{Layout, PAGE_SIZE, PageError, Pagination, page};
use crate::api::recruitment::applications::{
    ApplicationJson, ApplicationQuery, EventBody, readable, reviewed, with_history,
};
use crate::api::recruitment::apply::{Receipt, submit_to_challenge, submit_to_offer};
use crate::api::recruitment::calls::call_json;
use crate::api::recruitment::offers::{OfferQuery, OfferSort, matching_offers, visible_offer};
use crate::api::recruitment::proposals::{
    Decision, Marks, NewProposal, ProposalJson, decide, propose, score, scored,
};
use crate::api::recruitment::{call_at, call_target, organisation_target};
use crate::auth::limits::ClientIp;
use crate::auth::{Visitor, secret};
use crate::{ApiError, AppState};

fn label(field: &str) -> &str {
    match field {
        "name" => "Nom et prénom",
        "email" => "Adresse électronique",
        "profile" => "Parcours",
        "skills" => "Compétences",
        "motivation" => "Motivation",
        "event" => "Décision",
        "message" => "Message au candidat",
        other => other,
    }
}

/// One option of a filter.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices<'a>(
    all: impl Iterator<Item = (&'a str, &'a str)>,
    chosen: Option<&String>,
) -> Vec<Choice> {
    all.map(|(value, label)| Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected: chosen.is_some_and(|c| c == value),
    })
    .collect()
}

#[derive(Template)]
#[template(path = "talents.html")]
struct TalentsPage {
    layout: Layout,
    offers: usize,
    calls: usize,
}

/// `GET /talents`: the hub of the talent pages.
pub async fn hub(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let offers = matching_offers(&state, None, &OfferQuery::default())
        .await?
        .len();
    let today = chrono::Utc::now().date_naive();
    let calls = state
        .store()
        .calls()
        .await
        .map_err(ApiError::from)?
        .iter()
        .filter(|call| call.is_open(today))
        .count();
    page(&TalentsPage {
        layout: Layout::new("", &[("", "Talents")]),
        offers,
        calls,
    })
}

#[derive(Template)]
#[template(path = "job_offers.html")]
struct OffersPage {
    layout: Layout,
    offers: Vec<JobOffer>,
    total: usize,
    domaines: Vec<Choice>,
    contracts: Vec<Choice>,
    remotes: Vec<Choice>,
    sorts: Vec<Choice>,
    pagination: Pagination,
    /// Filters are checked before the page is drawn: none is ever in error here.
    no_error: Option<String>,
}

/// `GET /talents/offres`: the open offers, filtered, sorted and paged.
pub async fn offers(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
    Query(query): Query<OfferQuery>,
) -> Result<Html<String>, PageError> {
    let offers = matching_offers(&state, visitor.principal.as_ref(), &query).await?;
    let total = offers.len();
    let number = page_number(raw.as_deref());
    let base: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            [
                ("domaine", &query.domaine),
                ("contract", &query.contract),
                ("remote", &query.remote),
                ("sort", &query.sort),
            ]
            .into_iter()
            .filter_map(|(key, value)| value.as_deref().map(|v| (key, v)))
            .filter(|(_, value)| !value.is_empty()),
        )
        .finish();
    let pagination = Pagination::new("/talents/offres", &base, number, total);
    let sort = query.order()?.as_str().to_owned();
    page(&OffersPage {
        layout: Layout::new("", &[("/talents", "Talents"), ("", "Offres d’emploi")])
            .creation(Action::ManageJobOffers),
        offers: offers
            .into_iter()
            .skip((number - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect(),
        total,
        domaines: choices(
            Domaine::ALL.iter().map(|d| (d.label(), d.label())),
            query.domaine.as_ref(),
        ),
        contracts: choices(
            ContractType::ALL.iter().map(|c| (c.as_str(), c.label())),
            query.contract.as_ref(),
        ),
        remotes: choices(
            RemotePolicy::ALL.iter().map(|r| (r.as_str(), r.label())),
            query.remote.as_ref(),
        ),
        sorts: choices(
            OfferSort::ALL.iter().map(|s| (s.as_str(), s.label())),
            Some(&sort),
        ),
        pagination,
        no_error: None,
    })
}

#[derive(Template)]
#[template(path = "job_offer.html")]
struct OfferPage {
    layout: Layout,
    /// Where the application form posts.
    action: String,
    offer: JobOffer,
    organisation: String,
    open: bool,
    reviews: bool,
    /// Whether the visitor may change it.
    manage: bool,
    form: FormState,
}

fn reviews(principal: Option<&Principal>, target: &pilote_domain::identity::Target) -> bool {
    principal.is_some_and(|p| p.may(Action::ReadApplications, target))
}

async fn offer_page(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    form: FormState,
) -> Result<OfferPage, PageError> {
    let offer = visible_offer(state, visitor.principal.as_ref(), slug).await?;
    let organisation = state
        .model()
        .organisation(&offer.organisation)
        .map_or_else(|| offer.organisation.to_string(), |o| o.name.clone());
    let mut layout = Layout::new(
        "",
        &[
            ("/talents", "Talents"),
            ("/talents/offres", "Offres d’emploi"),
            ("", &offer.title),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    Ok(OfferPage {
        action: format!("/talents/offres/{}/candidature", offer.slug),
        open: offer.takes_applications(chrono::Utc::now().date_naive()),
        reviews: reviews(
            visitor.principal.as_ref(),
            &organisation_target(&offer.organisation),
        ),
        manage: visitor.principal.as_ref().is_some_and(|p| {
            p.may(
                Action::ManageJobOffers,
                &organisation_target(&offer.organisation),
            )
        }),
        layout,
        organisation,
        offer,
        form,
    })
}

/// `GET /talents/offres/{slug}`.
pub async fn offer(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    page(&offer_page(&state, &visitor, &slug, FormState::new(label)).await?)
}

/// The candidate of an application form.
fn candidate_of(fields: &BTreeMap<String, String>) -> Candidate {
    Candidate {
        name: text(fields, "name"),
        email: text(fields, "email"),
        profile: text(fields, "profile"),
        skills: text(fields, "skills")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        motivation: text(fields, "motivation"),
    }
}

#[derive(Template)]
#[template(path = "application_sent.html")]
struct SentPage {
    layout: Layout,
    title: String,
    receipt: Receipt,
}

fn sent(title: &str, back: (&str, &str), receipt: Receipt) -> Result<Response, PageError> {
    let mut response = page(&SentPage {
        layout: Layout::new(
            "",
            &[("/talents", "Talents"), back, ("", "Candidature reçue")],
        ),
        title: title.to_owned(),
        receipt,
    })?
    .into_response();
    *response.status_mut() = StatusCode::ACCEPTED;
    Ok(response)
}

/// `POST /talents/offres/{slug}/candidature`.
pub async fn apply_to_offer(
    State(state): State<AppState>,
    visitor: Visitor,
    client: ClientIp,
    Path(slug): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    match submit_to_offer(&state, client, &slug, candidate_of(&fields)).await {
        Ok(receipt) => {
            let offer = visible_offer(&state, None, &slug).await?;
            sent(
                &offer.title,
                ("/talents/offres", "Offres d’emploi"),
                receipt,
            )
        }
        Err(error @ ApiError::Unprocessable(_)) => {
            let form = FormState::from_error(fields, error, label)?;
            let mut response =
                page(&offer_page(&state, &visitor, &slug, form).await?)?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage {
    layout: Layout,
    calls: Vec<(Call, bool)>,
}

/// `GET /talents/appels`.
pub async fn calls(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let today = chrono::Utc::now().date_naive();
    let calls = state
        .store()
        .calls()
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|call| {
            let open = call.is_open(today);
            (call, open)
        })
        .collect();
    page(&CallsPage {
        layout: Layout::new("", &[("/talents", "Talents"), ("", "Appels à défis")]),
        calls,
    })
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    layout: Layout,
    call: Call,
    open: bool,
    criteria: Vec<Criterion>,
    challenges: Vec<ChallengeProposal>,
    panel: bool,
}

/// `GET /talents/appels/{slug}`.
pub async fn call(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let json = call_json(&state, call_at(&state, &slug).await?).await?;
    page(&CallPage {
        layout: Layout::new(
            "",
            &[
                ("/talents", "Talents"),
                ("/talents/appels", "Appels à défis"),
                ("", &json.call.title),
            ],
        )
        .creation(Action::ProposeChallenges),
        panel: reviews(visitor.principal.as_ref(), &call_target(&json.call.slug)),
        open: json.open,
        criteria: json.criteria,
        challenges: json.challenges,
        call: json.call,
    })
}

#[derive(Template)]
#[template(path = "challenge.html")]
struct ChallengePage {
    layout: Layout,
    /// Where the application form posts.
    action: String,
    call: Call,
    challenge: ChallengeProposal,
    open: bool,
    form: FormState,
}

async fn challenge_page(
    state: &AppState,
    slug: &str,
    id: &str,
    form: FormState,
) -> Result<ChallengePage, PageError> {
    let json = call_json(state, call_at(state, slug).await?).await?;
    let number = crate::api::indicators::path_id(id)?;
    let challenge = json
        .challenges
        .into_iter()
        .find(|c| c.id == number)
        .ok_or(ApiError::NotFound)?;
    let call_link = format!("/talents/appels/{}", json.call.slug);
    let mut layout = Layout::new(
        "",
        &[
            ("/talents", "Talents"),
            ("/talents/appels", "Appels à défis"),
            (&call_link, &json.call.title),
            ("", &challenge.title),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    Ok(ChallengePage {
        action: format!(
            "/talents/appels/{}/defis/{}/candidature",
            json.call.slug, challenge.id
        ),
        layout,
        open: json.open,
        call: json.call,
        challenge,
        form,
    })
}

/// `GET /talents/appels/{slug}/defis/{id}`.
pub async fn challenge(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    page(&challenge_page(&state, &slug, &id, FormState::new(label)).await?)
}

/// `POST /talents/appels/{slug}/defis/{id}/candidature`.
pub async fn apply_to_challenge(
    State(state): State<AppState>,
    client: ClientIp,
    Path((slug, id)): Path<(String, String)>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    match submit_to_challenge(&state, client, &slug, &id, candidate_of(&fields)).await {
        Ok(receipt) => {
            let page = challenge_page(&state, &slug, &id, FormState::new(label)).await?;
            sent(
                &page.challenge.title,
                ("/talents/appels", "Appels à défis"),
                receipt,
            )
        }
        Err(error @ ApiError::Unprocessable(_)) => {
            let form = FormState::from_error(fields, error, label)?;
            let mut response =
                page(&challenge_page(&state, &slug, &id, form).await?)?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(error) => Err(error.into()),
    }
}

/// The secret a candidate's link carries.
#[derive(Deserialize)]
pub struct Secret {
    jeton: Option<String>,
}

#[derive(Template)]
#[template(path = "candidature.html")]
struct CandidaturePage {
    layout: Layout,
    json: ApplicationJson,
    secret: String,
    confirmed: bool,
    closed: bool,
}

fn candidature_page(json: ApplicationJson, secret: String) -> CandidaturePage {
    CandidaturePage {
        layout: Layout::new("", &[("/talents", "Talents"), ("", "Ma candidature")]),
        confirmed: json.application.confirmed_at.is_some(),
        closed: json.application.state.is_closed(),
        json,
        secret,
    }
}

/// `GET /talents/candidature?jeton=…`: the candidate's own application, to confirm,
/// follow or withdraw. Opening the link confirms nothing: a mail scanner may open it.
pub async fn candidature(
    State(state): State<AppState>,
    Query(secret): Query<Secret>,
) -> Result<Html<String>, PageError> {
    let secret = secret.jeton.unwrap_or_default();
    let application = state
        .store()
        .application_with_token(&secret::hash(secret.trim()))
        .await
        .map_err(ApiError::from)?
        .ok_or(ApiError::NotFound)?;
    let json = with_history(&state, application).await?;
    page(&candidature_page(json, secret))
}

/// `POST /talents/candidature`: the candidate confirms (`action=confirmer`) or withdraws
/// (`action=retirer`) with their secret.
pub async fn candidate_acts(
    State(state): State<AppState>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let secret = text(&fields, "jeton");
    let json = match text(&fields, "action").as_str() {
        "confirmer" => crate::api::recruitment::apply::confirm(&state, &secret).await?,
        "retirer" => {
            let application = state
                .store()
                .application_with_token(&secret::hash(&secret))
                .await
                .map_err(ApiError::from)?
                .ok_or(ApiError::NotFound)?;
            let body = EventBody {
                event: ApplicationEvent::Withdraw,
                message: String::new(),
                token: Some(secret.clone()),
            };
            crate::api::recruitment::applications::take(
                &state,
                None,
                &application.id.to_string(),
                &body,
            )
            .await?
        }
        _ => return Err(ApiError::field("action", "« confirmer » ou « retirer »").into()),
    };
    Ok(page(&candidature_page(json, secret))?.into_response())
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ApplicationsPage {
    layout: Layout,
    heading: String,
    applications: Vec<Application>,
    proposals: Vec<ProposalJson>,
}

/// `GET /talents/appels/{slug}/jury`: the panel's view of a call: its proposals with their
/// scores, and the applications to its challenges.
pub async fn panel(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let call = call_at(&state, &slug).await?;
    let principal = visitor.principal.as_ref();
    let query = ApplicationQuery {
        call: Some(call.slug.to_string()),
        ..ApplicationQuery::default()
    };
    let applications = reviewed(&state, principal, &query).await?;
    let proposals = scored(&state, principal, &call).await?;
    let call_link = format!("/talents/appels/{}", call.slug);
    page(&ApplicationsPage {
        layout: Layout::new(
            "",
            &[
                ("/talents", "Talents"),
                ("/talents/appels", "Appels à défis"),
                (&call_link, &call.title),
                ("", "Espace du jury"),
            ],
        ),
        heading: format!("Espace du jury : {}", call.title),
        applications,
        proposals,
    })
}

/// `GET /talents/offres/{slug}/candidatures`: the recruiters' view of an offer.
pub async fn offer_applications(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let principal = visitor.principal.as_ref();
    let offer = visible_offer(&state, principal, &slug).await?;
    let query = ApplicationQuery {
        offer: Some(offer.slug.to_string()),
        ..ApplicationQuery::default()
    };
    let applications = reviewed(&state, principal, &query).await?;
    let offer_link = format!("/talents/offres/{}", offer.slug);
    page(&ApplicationsPage {
        layout: Layout::new(
            "",
            &[
                ("/talents", "Talents"),
                ("/talents/offres", "Offres d’emploi"),
                (&offer_link, &offer.title),
                ("", "Candidatures"),
            ],
        ),
        heading: format!("Candidatures : {}", offer.title),
        applications,
        proposals: Vec::new(),
    })
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage {
    layout: Layout,
    json: ApplicationJson,
    events: Vec<(&'static str, &'static str)>,
    may_review: bool,
    form: FormState,
}

async fn application_page(
    state: &AppState,
    principal: &Principal,
    id: &str,
    form: FormState,
) -> Result<ApplicationPage, PageError> {
    let application = readable(state, principal, id).await?;
    let may_review = principal.may(Action::ReviewApplications, &application.target());
    let events = ApplicationEvent::ALL
        .iter()
        .filter(|event| event.next(application.state).is_some())
        .filter(|event| !matches!(event, ApplicationEvent::Withdraw))
        .map(|event| (event.as_str(), event.label()))
        .collect();
    let json = with_history(state, application).await?;
    let title = format!("Candidature no {}", json.application.id);
    let mut layout = Layout::new("", &[("/talents", "Talents"), ("", &title)]);
    layout.has_errors = !form.errors.is_empty();
    Ok(ApplicationPage {
        layout,
        json,
        events,
        may_review,
        form,
    })
}

/// `GET /talents/candidatures/{id}`: an application, for its reviewers.
pub async fn application(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let principal = signed_in(&visitor)?;
    page(&application_page(&state, principal, &id, FormState::new(label)).await?)
}

fn signed_in(visitor: &Visitor) -> Result<&Principal, ApiError> {
    visitor.principal.as_ref().ok_or(ApiError::Unauthorized(
        "connectez-vous pour examiner les candidatures",
    ))
}

/// `POST /talents/candidatures/{id}`: a reviewer's decision (`event`) or message.
pub async fn review(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = signed_in(&visitor)?;
    let message = text(&fields, "message");
    let attempt = match text(&fields, "event").as_str() {
        "" => crate::api::recruitment::applications::write(&state, principal, &id, &message).await,
        event => match ApplicationEvent::parse(event) {
            Ok(event) => {
                let body = EventBody {
                    event,
                    message,
                    token: None,
                };
                crate::api::recruitment::applications::take(&state, Some(principal), &id, &body)
                    .await
            }
            Err(error) => Err(ApiError::field("event", error.to_string())),
        },
    };
    match attempt {
        Ok(json) => Ok(Redirect::to(&format!(
            "/talents/candidatures/{}#historique",
            json.application.id
        ))
        .into_response()),
        Err(error @ (ApiError::Unprocessable(_) | ApiError::Conflict(_))) => {
            let error = match error {
                ApiError::Conflict(message) => ApiError::field("event", message),
                other => other,
            };
            let form = FormState::from_error(fields, error, label)?;
            let mut response =
                page(&application_page(&state, principal, &id, form).await?)?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(error) => Err(error.into()),
    }
}

fn offer_label(field: &str) -> &str {
    match field {
        "slug" => "Identifiant",
        "title" => "Intitulé du poste",
        "organisation" => "Organisation",
        "domaine" => "Domaine",
        "location" => "Lieu",
        "remote" => "Télétravail",
        "contract" => "Contrat",
        "salary_min" | "salary" => "Rémunération minimale",
        "salary_max" => "Rémunération maximale",
        "closes_on" => "Clôture des candidatures",
        "description" => "Description du poste",
        "published" => "Publiée",
        other => other,
    }
}

fn proposal_label(field: &str) -> &str {
    match field {
        "organisation" => "Organisation",
        "title" => "Intitulé du défi",
        "description" => "Le problème à résoudre",
        "product" => "Produit",
        "marks" => "Notes",
        "status" => "Décision",
        other => other,
    }
}

/// The organisations `principal` may act for with `action`, by name.
fn organisations_for(
    state: &AppState,
    principal: Option<&Principal>,
    action: Action,
) -> Vec<(String, String)> {
    let model = state.model();
    let mut organisations: Vec<(String, String)> = model
        .portfolio()
        .organisations
        .iter()
        .filter(|o| principal.is_some_and(|p| p.may(action, &organisation_target(&o.slug))))
        .map(|o| (o.slug.to_string(), o.name.clone()))
        .collect();
    organisations.sort_by_cached_key(|(_, name)| pilote_search::fold(name));
    organisations
}

#[derive(Template)]
#[template(path = "job_offer_form.html")]
struct OfferForm {
    layout: Layout,
    form: FormState,
    /// `None` for a new offer (its identifier is asked), the offer's slug when editing.
    editing: Option<String>,
    organisations: Vec<(String, String)>,
    domaines: Vec<(&'static str, &'static str)>,
    contracts: Vec<(&'static str, &'static str)>,
    remotes: Vec<(&'static str, &'static str)>,
}

fn offer_form(
    state: &AppState,
    visitor: &Visitor,
    editing: Option<String>,
    form: FormState,
) -> OfferForm {
    let heading = editing.as_ref().map_or_else(
        || "Nouvelle offre".to_owned(),
        |slug| format!("Modifier l’offre {slug}"),
    );
    let mut layout = Layout::new(
        "",
        &[
            ("/talents", "Talents"),
            ("/talents/offres", "Offres d’emploi"),
            ("", &heading),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    OfferForm {
        layout,
        organisations: organisations_for(
            state,
            visitor.principal.as_ref(),
            Action::ManageJobOffers,
        ),
        domaines: Domaine::ALL
            .iter()
            .map(|d| (d.label(), d.label()))
            .collect(),
        contracts: ContractType::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        remotes: RemotePolicy::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        editing,
        form,
    }
}

/// The fields of an offer, as its form shows them.
fn offer_fields(offer: &JobOffer) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::from([
        ("slug".to_owned(), offer.slug.to_string()),
        ("title".to_owned(), offer.title.clone()),
        ("organisation".to_owned(), offer.organisation.to_string()),
        ("domaine".to_owned(), offer.domaine.label().to_owned()),
        ("location".to_owned(), offer.location.clone()),
        ("remote".to_owned(), offer.remote.as_str().to_owned()),
        ("contract".to_owned(), offer.contract.as_str().to_owned()),
        ("closes_on".to_owned(), offer.closes_on.to_string()),
        ("description".to_owned(), offer.description.clone()),
    ]);
    if let Some(salary) = offer.salary {
        fields.insert("salary_min".into(), salary.min().to_string());
        fields.insert("salary_max".into(), salary.max().to_string());
    }
    if offer.published {
        fields.insert("published".into(), "on".into());
    }
    fields
}

/// The offer a form describes, checked by the API's parser.
fn offer_of(fields: &BTreeMap<String, String>, slug: &str) -> Result<JobOffer, ApiError> {
    let euros = |name: &str| -> Result<Option<u32>, ApiError> {
        let value = text(fields, name).replace([' ', '\u{a0}', '\u{202f}'], "");
        if value.is_empty() {
            return Ok(None);
        }
        value.parse().map(Some).map_err(|_| {
            ApiError::field(name, "un nombre entier d’euros par an, par exemple 45000")
        })
    };
    let salary = match (euros("salary_min")?, euros("salary_max")?) {
        (None, None) => serde_json::Value::Null,
        (Some(min), Some(max)) => serde_json::json!({"min": min, "max": max}),
        (None, Some(_)) => {
            return Err(ApiError::field(
                "salary_min",
                "donnez les deux bornes, ou aucune",
            ));
        }
        (Some(_), None) => {
            return Err(ApiError::field(
                "salary_max",
                "donnez les deux bornes, ou aucune",
            ));
        }
    };
    crate::api::extract::parse_record(serde_json::json!({
        "slug": slug,
        "title": text(fields, "title"),
        "organisation": text(fields, "organisation"),
        "domaine": text(fields, "domaine"),
        "location": text(fields, "location"),
        "remote": text(fields, "remote"),
        "contract": text(fields, "contract"),
        "salary": salary,
        "closes_on": text(fields, "closes_on"),
        "description": text(fields, "description"),
        "published": fields.contains_key("published"),
    }))
}

/// Saves the offer of a form, or shows the form again with its errors.
async fn save_offer_form(
    state: &AppState,
    visitor: &Visitor,
    editing: Option<String>,
    fields: BTreeMap<String, String>,
) -> Result<Response, PageError> {
    let slug = editing.clone().unwrap_or_else(|| text(&fields, "slug"));
    let attempt = async {
        let offer = offer_of(&fields, &slug)?;
        if editing.is_none() && state.store().job_offer(&offer.slug).await.is_ok() {
            return Err(ApiError::field(
                "slug",
                "une offre porte déjà cet identifiant",
            ));
        }
        crate::api::recruitment::offers::save(state, visitor.principal.as_ref(), offer).await
    };
    match attempt.await {
        Ok((saved, _)) => {
            Ok(Redirect::to(&format!("/talents/offres/{}", saved.slug)).into_response())
        }
        Err(error @ (ApiError::Forbidden(_) | ApiError::Unauthorized(_))) => Err(error.into()),
        Err(error) => {
            let form = FormState::from_error(fields, error, offer_label)?;
            let mut response = page(&offer_form(state, visitor, editing, form))?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

/// `GET /talents/offres/nouvelle`.
pub async fn new_offer(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Html<String>, PageError> {
    crate::auth::offer(visitor.principal.as_ref(), Action::ManageJobOffers)?;
    let mut form = FormState::new(offer_label);
    form.fields.insert(
        "closes_on".into(),
        (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string(),
    );
    page(&offer_form(&state, &visitor, None, form))
}

/// `POST /talents/offres/nouvelle`.
pub async fn create_offer(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    crate::auth::offer(visitor.principal.as_ref(), Action::ManageJobOffers)?;
    save_offer_form(&state, &visitor, None, fields).await
}

/// `GET /talents/offres/{slug}/modifier`.
pub async fn edit_offer(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let offer = visible_offer(&state, visitor.principal.as_ref(), &slug).await?;
    crate::auth::authorize(
        visitor.principal.as_ref(),
        Action::ManageJobOffers,
        &[organisation_target(&offer.organisation)],
    )?;
    let mut form = FormState::new(offer_label);
    form.fields = offer_fields(&offer);
    page(&offer_form(
        &state,
        &visitor,
        Some(offer.slug.to_string()),
        form,
    ))
}

/// `POST /talents/offres/{slug}/modifier`.
pub async fn update_offer(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let offer = visible_offer(&state, visitor.principal.as_ref(), &slug).await?;
    save_offer_form(&state, &visitor, Some(offer.slug.to_string()), fields).await
}

#[derive(Template)]
#[template(path = "proposal_form.html")]
struct ProposalForm {
    layout: Layout,
    call: Call,
    form: FormState,
    organisations: Vec<(String, String)>,
}

fn proposal_form(state: &AppState, visitor: &Visitor, call: Call, form: FormState) -> ProposalForm {
    let call_link = format!("/talents/appels/{}", call.slug);
    let mut layout = Layout::new(
        "",
        &[
            ("/talents", "Talents"),
            ("/talents/appels", "Appels à défis"),
            (&call_link, &call.title),
            ("", "Proposer un défi"),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    ProposalForm {
        layout,
        organisations: organisations_for(
            state,
            visitor.principal.as_ref(),
            Action::ProposeChallenges,
        ),
        call,
        form,
    }
}

/// `GET /talents/appels/{slug}/proposer`.
pub async fn new_proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let call = call_at(&state, &slug).await?;
    crate::auth::offer(visitor.principal.as_ref(), Action::ProposeChallenges)?;
    page(&proposal_form(
        &state,
        &visitor,
        call,
        FormState::new(proposal_label),
    ))
}

/// `POST /talents/appels/{slug}/proposer`.
pub async fn create_proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let call = call_at(&state, &slug).await?;
    let principal = visitor.principal.as_ref();
    crate::auth::offer(principal, Action::ProposeChallenges)?;
    let attempt = async {
        let product = text(&fields, "product");
        let body: NewProposal = crate::api::extract::parse_record(serde_json::json!({
            "organisation": text(&fields, "organisation"),
            "title": text(&fields, "title"),
            "description": text(&fields, "description"),
            "product": (!product.is_empty()).then_some(product),
        }))?;
        propose(&state, principal, call.clone(), body).await
    };
    match attempt.await {
        Ok(saved) => Ok(Redirect::to(&format!(
            "/talents/appels/{}/propositions/{}",
            saved.call, saved.id
        ))
        .into_response()),
        Err(error @ (ApiError::Forbidden(_) | ApiError::Unauthorized(_))) => Err(error.into()),
        Err(error) => {
            let error = match error {
                ApiError::Conflict(message) => ApiError::field("title", message),
                other => other,
            };
            let form = FormState::from_error(fields, error, proposal_label)?;
            let mut response = page(&proposal_form(&state, &visitor, call, form))?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    layout: Layout,
    call: Call,
    proposal: ChallengeProposal,
    /// The panel's score, for those who score.
    scored: Option<ProposalJson>,
    criteria: Vec<Criterion>,
    marks: Vec<&'static str>,
    may_decide: bool,
    form: FormState,
}

async fn proposal_page(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    id: &str,
    form: FormState,
) -> Result<ProposalPage, PageError> {
    let call = call_at(state, slug).await?;
    let number = crate::api::indicators::path_id(id)?;
    let proposal = state
        .store()
        .proposal(number)
        .await
        .map_err(ApiError::from)?;
    let principal = visitor.principal.as_ref();
    let may = |action, target| principal.is_some_and(|p| p.may(action, &target));
    let on_panel = may(Action::ScoreProposals, call_target(&call.slug));
    let visible = proposal.call == call.slug
        && (proposal.takes_applications()
            || on_panel
            || may(
                Action::ProposeChallenges,
                organisation_target(&proposal.organisation),
            ));
    if !visible {
        return Err(ApiError::NotFound.into());
    }
    let scored = if on_panel {
        scored(state, principal, &call)
            .await?
            .into_iter()
            .find(|p| p.proposal.id == proposal.id)
    } else {
        None
    };
    let call_link = format!("/talents/appels/{}", call.slug);
    let mut layout = Layout::new(
        "",
        &[
            ("/talents", "Talents"),
            ("/talents/appels", "Appels à défis"),
            (&call_link, &call.title),
            ("", &proposal.title),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    Ok(ProposalPage {
        layout,
        criteria: state
            .store()
            .call_criteria(&call.slug)
            .await
            .map_err(ApiError::from)?,
        marks: vec!["0", "1", "2", "3", "4", "5"],
        may_decide: may(
            Action::ManageCalls,
            pilote_domain::identity::Target::default(),
        ),
        scored,
        call,
        proposal,
        form,
    })
}

/// `GET /talents/appels/{slug}/propositions/{id}`: a proposal, with the panel's scorecard
/// form and the administrators' decision form.
pub async fn proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    page(&proposal_page(&state, &visitor, &slug, &id, FormState::new(proposal_label)).await?)
}

/// `POST /talents/appels/{slug}/propositions/{id}`: a scorecard (fields `note-{criterion}`)
/// or a decision (`status`, `product`).
pub async fn judge_proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = signed_in(&visitor)?;
    let call = call_at(&state, &slug).await?;
    let attempt = async {
        if fields.contains_key("status") {
            let product = text(&fields, "product");
            let body: Decision = crate::api::extract::parse_record(serde_json::json!({
                "status": text(&fields, "status"),
                "product": (!product.is_empty()).then_some(product),
            }))?;
            decide(&state, Some(principal), &call, &id, body)
                .await
                .map(drop)
        } else {
            let mut marks = BTreeMap::new();
            for (name, value) in &fields {
                if let Some(criterion) = name.strip_prefix("note-") {
                    let mark = value
                        .parse()
                        .map_err(|_| ApiError::field("marks", "choisissez une note de 0 à 5"))?;
                    marks.insert(criterion.to_owned(), mark);
                }
            }
            score(&state, principal, &call, &id, Marks { marks })
                .await
                .map(drop)
        }
    };
    match attempt.await {
        Ok(()) => Ok(
            Redirect::to(&format!("/talents/appels/{}/propositions/{id}", call.slug))
                .into_response(),
        ),
        Err(error @ (ApiError::Forbidden(_) | ApiError::Unauthorized(_) | ApiError::NotFound)) => {
            Err(error.into())
        }
        Err(error) => {
            let form = FormState::from_error(fields, error, proposal_label)?;
            let mut response =
                page(&proposal_page(&state, &visitor, &slug, &id, form).await?)?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}
