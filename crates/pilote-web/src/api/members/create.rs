//! `POST /api/v1/members`: create a member.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Member;

use super::validate;
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize, member_target};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use pilote_domain::identity::Action;

/// Creates a member.
#[utoipa::path(
    post,
    path = "/api/v1/members",
    tag = "members",
    request_body = Member,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Membre créé", body = Member),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 409, description = "Identifiant déjà pris", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_member(
    State(state): State<AppState>,
    caller: Caller,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let member: Member = parse_record(body)?;
    let model = state.model();
    let actor = authorize(
        caller.principal(),
        Action::CreateMember,
        &[member_target(&member, &model)],
    )?;
    validate(&model, &member)?;
    state
        .store()
        .create_member(&member, &actor)
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
        Json(super::visible(&member, caller.principal(), &model)),
    )
        .into_response())
}
