//! `PUT /api/v1/members/{slug}`: replace a member.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Member;

use super::validate;
use crate::api::extract::{JsonValue, parse_record, slug_from_path};
use crate::api::{ensure_writes_allowed, path_slug};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Replaces a member; the slug may be left out of the body.
#[utoipa::path(
    put,
    path = "/api/v1/members/{slug}",
    tag = "members",
    params(("slug" = String, Path, description = "Identifiant du membre")),
    request_body = Member,
    responses(
        (status = 200, description = "Membre remplacé", body = Member),
        (status = 403, description = "Écritures désactivées", body = ErrorBody),
        (status = 404, description = "Membre inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_member(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    ensure_writes_allowed(&state)?;
    let slug = path_slug(&slug)?;
    let member: Member = parse_record(slug_from_path(body, &slug)?)?;
    validate(&state.model(), &member)?;
    state.store().update_member(&member).await?;
    state.refresh().await?;
    Ok(Json(&member).into_response())
}
