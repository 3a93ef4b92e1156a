//! Calls for challenges' pages: the list, a call with its retained challenges, a challenge
//! with its application form, and the forms to propose, score and decide a challenge.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::identity::Action;
use pilote_domain::talent::recruitment::{Call, ChallengeProposal, Criterion};

use crate::api::recruitment::apply::submit_to_challenge;
use crate::api::recruitment::calls::call_json;
use crate::api::recruitment::proposals::{
    Decision, Marks, NewProposal, ProposalJson, decide, propose, score, scored,
};
use crate::api::recruitment::{call_at, call_target, organisation_target};
use crate::auth::Visitor;
use crate::auth::limits::ClientIp;
use crate::pages::form_state::{FormState, text};
use crate::pages::{Layout, PageError, page, rerender};
use crate::{ApiError, AppState};

use super::{candidate_of, label, organisations_for, reviews, sent, signed_in};

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
            rerender(challenge_page(&state, &slug, &id, form).await?)
        }
        Err(error) => Err(error.into()),
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
            rerender(proposal_form(&state, &visitor, call, form))
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
            rerender(proposal_page(&state, &visitor, &slug, &id, form).await?)
        }
    }
}
