//! `DELETE /api/v1/members/{slug}`: delete a member.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::{ensure_writes_allowed, path_slug};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Deletes a member with their missions.
#[utoipa::path(
    delete,
    path = "/api/v1/members/{slug}",
    tag = "members",
    params(("slug" = String, Path, description = "Identifiant du membre")),
    responses(
        (status = 204, description = "Membre supprimé"),
        (status = 403, description = "Écritures désactivées", body = ErrorBody),
        (status = 404, description = "Membre inconnu", body = ErrorBody),
    )
)]
pub async fn delete_member(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    ensure_writes_allowed(&state)?;
    state.store().delete_member(&path_slug(&slug)?).await?;
    state.refresh().await?;
    Ok(StatusCode::NO_CONTENT)
}
