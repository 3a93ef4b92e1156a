//! `POST /api/v1/committees/{id}/decisions`: record a committee's decision on a product.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::delivery::{Committee, Decision, DecisionSource, evidence_at};
use pilote_domain::identity::{Action, Principal};

use super::{committee_at, committee_target};
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// What a decision's body says (`product`, `kind`, `phase`, `amount_cents`, `comment`).
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct DecisionBody {
    /// The product (slug), run by the committee's incubator.
    product: String,
    /// `continue`, `move_to_phase`, `stop` or `funding`.
    kind: pilote_domain::delivery::DecisionKind,
    /// The new phase, for `move_to_phase` only.
    phase: Option<pilote_domain::portfolio::PhaseName>,
    /// The funding granted in euro cents, for `funding` only.
    amount_cents: Option<i64>,
    /// The reasons.
    comment: Option<String>,
}

/// Records a decision; the product's indicators and their latest values at the committee's
/// date are copied into it, and a move to a phase or a stop changes the product's phases
/// in the same transaction.
#[utoipa::path(
    post,
    path = "/api/v1/committees/{id}/decisions",
    tag = "committees",
    params(("id" = i64, Path, description = "Numéro du comité")),
    request_body = DecisionBody,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Décision enregistrée", body = Decision),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Comité inconnu", body = ErrorBody),
        (status = 422, description = "Décision invalide", body = ErrorBody),
    )
)]
pub async fn record_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let committee = committee_at(&state, &id).await?;
    let decision: Decision = parse_record(body)?;
    let recorded = decide(&state, caller.principal(), &committee, decision).await?;
    let location = format!("/api/v1/committees/{}", committee.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(recorded),
    )
        .into_response())
}

/// Checks and records a decision of `committee` for `principal`: the one path of the API
/// and the form. What the body says of the evidence, phases, date and source is ignored.
pub(crate) async fn decide(
    state: &AppState,
    principal: Option<&Principal>,
    committee: &Committee,
    mut decision: Decision,
) -> Result<Decision, ApiError> {
    let actor = authorize(
        principal,
        Action::ManageCommittees,
        &[committee_target(&committee.incubator)],
    )?;
    let model = state.model();
    let product = model.product(&decision.product).ok_or_else(|| {
        ApiError::field(
            "product",
            format!("produit inconnu « {} »", decision.product),
        )
    })?;
    decision.phase_after = decision
        .check(product, committee)
        .map_err(|error| ApiError::field(Decision::field_of(&error), error.to_string()))?;
    decision.id = 0;
    decision.committee = Some(committee.id);
    decision.date = committee.date;
    decision.source = DecisionSource::Committee;
    decision.comment = decision.comment.trim().to_owned();
    decision.evidence = evidence_at(
        model
            .indicators_of(&product.slug)
            .map(|indicator| (indicator, model.measurements_of(indicator.id).as_slice())),
        committee.date,
    );
    decision.recorded_by = actor.to_string();
    decision.recorded_at = pilote_store::timestamp(chrono::Utc::now());
    let recorded = state.store().record_decision(&decision, &actor).await?;
    state.refresh().await?;
    Ok(recorded)
}
