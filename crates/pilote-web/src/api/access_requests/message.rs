//! `POST /api/v1/access-requests/{id}/messages`: a message between the applicant's
//! organisation and the producer's instructors.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::data::{AccessRequest, TrailEntry};
use pilote_domain::identity::{Action, Principal};
use serde::Deserialize;
use utoipa::ToSchema;

use super::request_for;
use crate::api::extract::{JsonValue, parse_record};
use crate::api::support::{party_of, stored};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A message.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    /// The text.
    pub body: String,
}

/// Writes a message; the other side is notified.
#[utoipa::path(
    post,
    path = "/api/v1/access-requests/{id}/messages",
    tag = "access",
    params(("id" = i64, Path, description = "Numéro de la demande")),
    request_body = MessageBody,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Message enregistré", body = TrailEntry),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Lecture seule (rapporteur)", body = ErrorBody),
        (status = 404, description = "Demande inconnue, ou qui ne vous concerne pas", body = ErrorBody),
        (status = 422, description = "Message vide ou trop long", body = ErrorBody),
    )
)]
pub async fn write_access_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Json<TrailEntry>, ApiError> {
    caller.authenticated()?;
    let body: MessageBody = parse_record(body)?;
    let (_, entry) = write(&state, caller.principal(), &id, &body.body).await?;
    Ok(Json(entry))
}

/// Checks and stores a message on the request of the address for `principal`.
pub(crate) async fn write(
    state: &AppState,
    principal: Option<&Principal>,
    id: &str,
    body: &str,
) -> Result<(AccessRequest, TrailEntry), ApiError> {
    let request = request_for(state, principal, id).await?;
    let actor = authorize(principal, Action::WriteAccessMessage, &[request.target()])?;
    if body.trim().is_empty() {
        return Err(ApiError::field(
            "body",
            "message : ce champ est obligatoire",
        ));
    }
    if body.chars().count() > pilote_domain::data::access::TEXT_MAX {
        return Err(ApiError::field(
            "body",
            pilote_domain::DomainError::TooLong {
                field: "message",
                max: pilote_domain::data::access::TEXT_MAX,
            }
            .to_string(),
        ));
    }
    let by = principal.map(party_of).unwrap_or_default();
    let at = pilote_store::timestamp(chrono::Utc::now());
    stored(
        state
            .store()
            .add_access_message(request.id, body, by, &actor, &at)
            .await,
    )
}
