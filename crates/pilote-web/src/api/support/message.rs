//! `POST /api/v1/support-requests/{id}/messages`: write to the other side.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pilote_domain::delivery::{SupportEvent, SupportRequest};
use pilote_domain::identity::{Action, Principal};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{party_of, refused, request_for, stored};
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A message's body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MessageBody {
    /// The text.
    pub body: String,
}

/// Adds a message; the other side is notified (the expert, or the steering team while none
/// is assigned, or the requester).
#[utoipa::path(
    post,
    path = "/api/v1/support-requests/{id}/messages",
    tag = "support",
    params(("id" = i64, Path, description = "Numéro de la demande")),
    request_body = MessageBody,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Message enregistré", body = SupportEvent),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Portée du jeton insuffisante", body = ErrorBody),
        (status = 404, description = "Demande inconnue, ou que le compte ne peut pas voir", body = ErrorBody),
        (status = 422, description = "Message vide ou trop long", body = ErrorBody),
    )
)]
pub async fn write_support_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<(StatusCode, Json<SupportEvent>), ApiError> {
    caller.authenticated()?;
    let message: MessageBody = parse_record(body)?;
    let (_, event) = write(&state, caller.principal(), &id, &message.body).await?;
    Ok((StatusCode::CREATED, Json(event)))
}

/// Checks and adds a message for `principal`: the one path of the API and the form.
pub(crate) async fn write(
    state: &AppState,
    principal: Option<&Principal>,
    id: &str,
    body: &str,
) -> Result<(SupportRequest, SupportEvent), ApiError> {
    let request = request_for(state, principal, id).await?;
    let actor = authorize(principal, Action::WriteSupportMessage, &[request.target()])?;
    let by = principal.map(party_of).unwrap_or_default();
    let at = pilote_store::timestamp(chrono::Utc::now());
    request
        .message(by.clone(), body, &at)
        .map_err(|refusal| refused(&refusal))?;
    stored(
        state
            .store()
            .add_support_message(request.id, body, by, &actor, &at)
            .await,
    )
}
