//! `DELETE /api/v1/members/{slug}`: delete a member.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::path_slug;
use crate::auth::{Caller, authorize, member_target};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use pilote_domain::identity::Action;

/// Deletes a member with their missions.
#[utoipa::path(
    delete,
    path = "/api/v1/members/{slug}",
    tag = "members",
    params(("slug" = String, Path, description = "Identifiant du membre")),
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 204, description = "Membre supprimé"),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Membre inconnu", body = ErrorBody),
    )
)]
pub async fn delete_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.authenticated()?;
    let slug = path_slug(&slug)?;
    let model = state.model();
    let member = model.member(&slug).ok_or(ApiError::NotFound)?;
    let actor = authorize(
        caller.principal(),
        Action::DeleteMember,
        &[member_target(member, &model)],
    )?;
    state.store().delete_member(&slug, &actor).await?;
    state.refresh().await?;
    Ok(StatusCode::NO_CONTENT)
}
