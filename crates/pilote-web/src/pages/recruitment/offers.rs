//! Job offers' pages: the list, an offer with its application form, and the recruiters'
//! form to publish and change one.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::identity::Action;
use pilote_domain::portfolio::Domaine;
use pilote_domain::talent::recruitment::{ContractType, JobOffer, RemotePolicy};

use crate::api::recruitment::apply::submit_to_offer;
use crate::api::recruitment::offers::{OfferQuery, OfferSort, matching_offers, visible_offer};
use crate::api::recruitment::organisation_target;
use crate::auth::Visitor;
use crate::auth::limits::ClientIp;
use crate::pages::form_state::{FormState, page_number, text};
use crate::pages::{Layout, PAGE_SIZE, PageError, Pagination, page, rerender};
use crate::{ApiError, AppState};

use super::{Choice, candidate_of, choices, label, organisations_for, reviews, sent};

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
            rerender(offer_page(&state, &visitor, &slug, form).await?)
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
            rerender(offer_form(state, visitor, editing, form))
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
