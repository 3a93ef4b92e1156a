//! `GET /api/v1/support-requests/{id}`: one request with its trail.

use axum::Json;
use axum::extract::{Path, State};

use super::{SupportRequestJson, request_for};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows a request and what happened to it, to the steering team and the requester's side.
#[utoipa::path(
    get,
    path = "/api/v1/support-requests/{id}",
    tag = "support",
    params(("id" = i64, Path, description = "Numéro de la demande")),
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "La demande et son historique", body = SupportRequestJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 404, description = "Demande inconnue, ou que le compte ne peut pas voir", body = ErrorBody),
    )
)]
pub async fn show_support_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<SupportRequestJson>, ApiError> {
    let request = request_for(&state, caller.principal(), &id).await?;
    let events = state.store().support_events(request.id).await?;
    Ok(Json(SupportRequestJson { request, events }))
}
