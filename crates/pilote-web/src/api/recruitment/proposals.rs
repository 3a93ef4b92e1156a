//! `/api/v1/calls/{slug}/proposals`: the challenges administrations propose to a call,
//! the panel's scorecards, and the decision to retain them.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::Slug;
use pilote_domain::identity::{Action, Principal, Target};
use pilote_domain::talent::recruitment::{
    Call, ChallengeProposal, Mark, ProposalStatus, Scorecard, ScoringGrid,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{call_at, call_target, organisation_target};
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A proposal as the panel sees it, with its score.
#[derive(Serialize, ToSchema)]
pub struct ProposalJson {
    /// The proposal.
    #[serde(flatten)]
    #[schema(inline)]
    pub proposal: ChallengeProposal,
    /// The mean of the panelists' weighted marks, out of 5; none before any scorecard.
    pub score: Option<f64>,
    /// How many panelists scored it.
    pub scorecards: usize,
}

/// A challenge an organisation proposes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    /// The proposing organisation's slug.
    pub organisation: Slug,
    /// The challenge's title.
    pub title: String,
    /// The problem it takes on.
    pub description: String,
    /// The product its team will work on, when one exists.
    #[serde(default)]
    pub product: Option<Slug>,
}

/// The panel's decision on a proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `retained` or `declined`.
    pub status: ProposalStatus,
    /// The product its team will work on (needed to select its candidates).
    #[serde(default)]
    pub product: Option<Slug>,
}

/// A panelist's marks, by criterion slug, from 0 to 5.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Marks {
    /// A mark per criterion of the call's grid.
    pub marks: BTreeMap<String, u8>,
}

/// The proposal of the address within its call; 404 when it is another call's.
async fn proposal_at(
    state: &AppState,
    call: &Call,
    raw: &str,
) -> Result<ChallengeProposal, ApiError> {
    let id = crate::api::indicators::path_id(raw)?;
    let proposal = state.store().proposal(id).await?;
    if proposal.call == call.slug {
        Ok(proposal)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Lists a call's proposals with their scores, for its panel and administrators.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{slug}/proposals",
    tag = "talent",
    params(("slug" = String, Path, description = "Identifiant de l'appel")),
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "Les propositions et leurs notes", body = Vec<ProposalJson>),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé au jury de l'appel", body = ErrorBody),
        (status = 404, description = "Appel inconnu", body = ErrorBody),
    )
)]
pub async fn list_proposals(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Vec<ProposalJson>>, ApiError> {
    caller.authenticated()?;
    let call = call_at(&state, &slug).await?;
    Ok(Json(scored(&state, caller.principal(), &call).await?))
}

/// A call's proposals with their panel scores, for who may score them.
pub(crate) async fn scored(
    state: &AppState,
    principal: Option<&Principal>,
    call: &Call,
) -> Result<Vec<ProposalJson>, ApiError> {
    authorize(
        principal,
        Action::ScoreProposals,
        &[call_target(&call.slug)],
    )?;
    let store = state.store();
    let grid = ScoringGrid {
        criteria: store.call_criteria(&call.slug).await?,
    };
    let cards = store.scorecards(&call.slug).await?;
    Ok(store
        .proposals(&call.slug)
        .await?
        .into_iter()
        .map(|proposal| {
            let own: Vec<Scorecard> = cards
                .iter()
                .filter(|card| card.proposal == proposal.id)
                .cloned()
                .collect();
            ProposalJson {
                score: grid.panel_score(&own),
                scorecards: own.len(),
                proposal,
            }
        })
        .collect())
}

/// Proposes a challenge to an open call, on behalf of an organisation (its editors and
/// recruiters, or an administrator).
#[utoipa::path(
    post,
    path = "/api/v1/calls/{slug}/proposals",
    tag = "talent",
    params(("slug" = String, Path, description = "Identifiant de l'appel")),
    request_body = NewProposal,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Proposition déposée", body = ChallengeProposal),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Appel inconnu", body = ErrorBody),
        (status = 409, description = "Appel clos", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_proposal(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let call = call_at(&state, &slug).await?;
    let body: NewProposal = parse_record(body)?;
    let saved = propose(&state, caller.principal(), call, body).await?;
    let location = format!("/api/v1/calls/{}/proposals/{}", saved.call, saved.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(saved),
    )
        .into_response())
}

/// Checks and stores a proposal for `principal`: the one path of the API and the form.
pub(crate) async fn propose(
    state: &AppState,
    principal: Option<&Principal>,
    call: Call,
    body: NewProposal,
) -> Result<ChallengeProposal, ApiError> {
    let actor = authorize(
        principal,
        Action::ProposeChallenges,
        &[organisation_target(&body.organisation)],
    )?;
    if !call.is_open(chrono::Utc::now().date_naive()) {
        return Err(ApiError::Conflict(format!(
            "l'appel ne prend de propositions que du {} au {}",
            call.opens_on, call.closes_on
        )));
    }
    if state.model().organisation(&body.organisation).is_none() {
        return Err(ApiError::field("organisation", "organisation inconnue"));
    }
    let mut proposal = ChallengeProposal {
        id: 0,
        call: call.slug,
        organisation: body.organisation,
        product: body.product,
        title: body.title,
        description: body.description,
        status: ProposalStatus::Submitted,
    };
    check_product(state, proposal.product.as_ref())?;
    crate::api::refuse_problems(proposal.validate())?;
    Ok(state.store().save_proposal(&proposal, &actor).await?)
}

/// Refuses a product the portfolio does not hold.
fn check_product(state: &AppState, product: Option<&Slug>) -> Result<(), ApiError> {
    match product {
        Some(slug) if state.model().product(slug).is_none() => Err(ApiError::field(
            "product",
            "produit inconnu du portefeuille",
        )),
        _ => Ok(()),
    }
}

/// Retains or declines a proposal, for administrators; retained, candidates may apply.
#[utoipa::path(
    put,
    path = "/api/v1/calls/{slug}/proposals/{id}/status",
    tag = "talent",
    params(
        ("slug" = String, Path, description = "Identifiant de l'appel"),
        ("id" = i64, Path, description = "Numéro de la proposition"),
    ),
    request_body = Decision,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Décision enregistrée", body = ChallengeProposal),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Appel ou proposition inconnus", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn decide_proposal(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    JsonValue(body): JsonValue,
) -> Result<Json<ChallengeProposal>, ApiError> {
    caller.authenticated()?;
    let call = call_at(&state, &slug).await?;
    let body: Decision = parse_record(body)?;
    Ok(Json(
        decide(&state, caller.principal(), &call, &id, body).await?,
    ))
}

/// Checks and records a decision on the proposal of the address: the API's and the form's.
pub(crate) async fn decide(
    state: &AppState,
    principal: Option<&Principal>,
    call: &Call,
    id: &str,
    body: Decision,
) -> Result<ChallengeProposal, ApiError> {
    let mut proposal = proposal_at(state, call, id).await?;
    let actor = authorize(principal, Action::ManageCalls, &[Target::default()])?;
    if body.status == ProposalStatus::Submitted {
        return Err(ApiError::field("status", "« retained » ou « declined »"));
    }
    check_product(state, body.product.as_ref())?;
    proposal.status = body.status;
    if body.product.is_some() {
        proposal.product = body.product;
    }
    Ok(state.store().save_proposal(&proposal, &actor).await?)
}

/// Records the caller's scorecard of a proposal, replacing their previous one.
#[utoipa::path(
    put,
    path = "/api/v1/calls/{slug}/proposals/{id}/scorecard",
    tag = "talent",
    params(
        ("slug" = String, Path, description = "Identifiant de l'appel"),
        ("id" = i64, Path, description = "Numéro de la proposition"),
    ),
    request_body = Marks,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Notes enregistrées ; la note du jury recalculée", body = ProposalJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé au jury de l'appel", body = ErrorBody),
        (status = 404, description = "Appel ou proposition inconnus", body = ErrorBody),
        (status = 422, description = "Une note manque, est en trop ou hors de 0 à 5", body = ErrorBody),
    )
)]
pub async fn score_proposal(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    JsonValue(body): JsonValue,
) -> Result<Json<ProposalJson>, ApiError> {
    let principal = caller.authenticated()?;
    let call = call_at(&state, &slug).await?;
    let body: Marks = parse_record(body)?;
    Ok(Json(score(&state, principal, &call, &id, body).await?))
}

/// Checks and records `principal`'s scorecard: the API's and the form's.
pub(crate) async fn score(
    state: &AppState,
    principal: &Principal,
    call: &Call,
    id: &str,
    body: Marks,
) -> Result<ProposalJson, ApiError> {
    let proposal = proposal_at(state, call, id).await?;
    let actor = authorize(
        Some(principal),
        Action::ScoreProposals,
        &[call_target(&call.slug)],
    )?;
    let mut marks = Vec::new();
    for (criterion, mark) in body.marks {
        let slug = Slug::parse(&criterion)
            .map_err(|_| ApiError::field("marks", format!("critère inconnu « {criterion} »")))?;
        let mark = Mark::new(mark).map_err(|e| ApiError::field("marks", e.to_string()))?;
        marks.push((slug, mark));
    }
    let card = Scorecard {
        panelist: principal.account,
        proposal: proposal.id,
        marks,
    };
    let grid = ScoringGrid {
        criteria: state.store().call_criteria(&call.slug).await?,
    };
    crate::api::refuse_problems(grid.check(&card))?;
    let at = pilote_store::timestamp(chrono::Utc::now());
    state.store().save_scorecard(&card, &actor, &at).await?;
    scored(state, Some(principal), call)
        .await?
        .into_iter()
        .find(|scored| scored.proposal.id == proposal.id)
        .ok_or(ApiError::NotFound)
}
