//! `POST /api/v1/support-requests/{id}/steps`: a step of the steering team.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::delivery::{SupportEvent, SupportRequest, SupportStep};
use pilote_domain::identity::{Action, Principal, Target};

use super::{party_of, refused, request_for, stored};
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Triages (`accept`, `decline` with a `reason`, `redirect` with `to`), assigns an
/// `expert` of the steering team, records `minutes` spent, or closes with an `outcome`
/// and a `summary`. Each step is allowed from some statuses only.
#[utoipa::path(
    post,
    path = "/api/v1/support-requests/{id}/steps",
    tag = "support",
    params(("id" = i64, Path, description = "Numéro de la demande")),
    request_body = SupportStep,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Étape enregistrée", body = SupportEvent),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé à l'équipe de pilotage", body = ErrorBody),
        (status = 404, description = "Demande inconnue", body = ErrorBody),
        (status = 409, description = "Étape impossible dans le statut de la demande", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn take_support_step(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Json<SupportEvent>, ApiError> {
    caller.authenticated()?;
    let step: SupportStep = parse_record(body)?;
    let (_, event) = take(&state, caller.principal(), &id, &step).await?;
    Ok(Json(event))
}

/// Checks and takes `step` on the request of the address for `principal`: the one path of
/// the API and the forms.
pub(crate) async fn take(
    state: &AppState,
    principal: Option<&Principal>,
    id: &str,
    step: &SupportStep,
) -> Result<(SupportRequest, SupportEvent), ApiError> {
    let actor = authorize(
        principal,
        Action::HandleSupportRequests,
        &[Target::default()],
    )?;
    let request = request_for(state, principal, id).await?;
    step.next(request.status)
        .map_err(|refusal| refused(&refusal))?;
    let expert = match step {
        SupportStep::Assign { expert } => Some(
            state
                .store()
                .steering_team()
                .await?
                .into_iter()
                .find(|party| party.account == *expert)
                .ok_or_else(|| {
                    ApiError::field(
                        "expert",
                        pilote_domain::DomainError::NotAnExpert(*expert).to_string(),
                    )
                })?,
        ),
        _ => None,
    };
    let by = principal.map(party_of).unwrap_or_default();
    let at = pilote_store::timestamp(chrono::Utc::now());
    stored(
        state
            .store()
            .advance_support_request(request.id, step, expert, by, &actor, &at)
            .await,
    )
}
