//! `POST /api/v1/members`: create a member.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Member;

use super::validate;
use crate::api::ensure_writes_allowed;
use crate::api::extract::{JsonValue, parse_record};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Creates a member.
#[utoipa::path(
    post,
    path = "/api/v1/members",
    tag = "members",
    request_body = Member,
    responses(
        (status = 201, description = "Membre créé", body = Member),
        (status = 403, description = "Écritures désactivées", body = ErrorBody),
        (status = 409, description = "Identifiant déjà pris", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_member(
    State(state): State<AppState>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    ensure_writes_allowed(&state)?;
    let member: Member = parse_record(body)?;
    validate(&state.model(), &member)?;
    state
        .store()
        .create_member(&member)
        .await
        .map_err(|error| match error {
            pilote_store::StoreError::Conflict => {
                ApiError::Conflict(format!("le membre « {} » existe déjà", member.slug))
            }
            other => other.into(),
        })?;
    state.refresh().await?;
    let location = format!("/api/v1/members/{}", member.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(&member),
    )
        .into_response())
}
