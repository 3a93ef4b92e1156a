//! `GET /api/v1/support/dashboard`: the demand for support and the steering team's answers.

use axum::Json;
use axum::extract::State;
use pilote_domain::delivery::{SupportDashboard, SupportRequest, dashboard};
use pilote_domain::identity::{Action, Principal, Target};

use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// Demand by kind and by ministry, response times, and load per expert; for the steering
/// team.
#[utoipa::path(
    get,
    path = "/api/v1/support/dashboard",
    tag = "support",
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "Le tableau de bord", body = SupportDashboard),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé à l'équipe de pilotage", body = ErrorBody),
    )
)]
pub async fn support_dashboard(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<SupportDashboard>, ApiError> {
    caller.authenticated()?;
    Ok(Json(compute(&state, caller.principal()).await?))
}

/// The ministerial domain of the organisation asking.
fn ministry_of(model: &ReadModel, request: &SupportRequest) -> Option<String> {
    let organisation = model.organisation(request.organisation.as_ref()?)?;
    Some(organisation.ministerial_domain.clone())
}

/// The dashboard for `principal`, who must see every request: the API's and the page's.
pub(crate) async fn compute(
    state: &AppState,
    principal: Option<&Principal>,
) -> Result<SupportDashboard, ApiError> {
    // Those who may read a request whatever its organisation: the steering team.
    authorize(principal, Action::ReadSupportRequest, &[Target::default()])?;
    let requests = state.store().support_requests().await?;
    let model = state.model();
    Ok(dashboard(&requests, |request| ministry_of(&model, request)))
}
