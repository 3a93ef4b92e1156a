//! `PUT /api/v1/members/{slug}`: replace a member.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Member;

use super::validate;
use crate::api::extract::{JsonValue, parse_record, slug_from_path};
use crate::api::path_slug;
use crate::auth::{Caller, authorize, member_target};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use pilote_domain::identity::Action;

/// Replaces a member; the slug may be left out of the body.
#[utoipa::path(
    put,
    path = "/api/v1/members/{slug}",
    tag = "members",
    params(("slug" = String, Path, description = "Identifiant du membre")),
    request_body = Member,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Membre remplacé", body = Member),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Membre inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let slug = path_slug(&slug)?;
    let model = state.model();
    let existing = model.member(&slug).ok_or(ApiError::NotFound)?;
    let before = member_target(existing, &model);
    authorize(
        caller.principal(),
        Action::UpdateMember,
        std::slice::from_ref(&before),
    )?;
    let mut member: Member = parse_record(slug_from_path(body, &slug)?)?;
    let actor = authorize(
        caller.principal(),
        Action::UpdateMember,
        &[before, member_target(&member, &model)],
    )?;
    super::keep_unseen_personal_fields(&mut member, caller.principal(), &model);
    validate(&model, &member)?;
    state.store().update_member(&member, &actor).await?;
    state.refresh().await?;
    let model = state.model();
    Ok(Json(super::visible(&member, caller.principal(), &model)).into_response())
}
