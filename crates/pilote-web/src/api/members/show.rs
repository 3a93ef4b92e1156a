//! `GET /api/v1/members/{slug}`: one member.

use axum::extract::{Path, State};
use axum::response::Response;
use pilote_domain::portfolio::Member;

use crate::api::{json_response, path_slug, render};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows one member with missions and presentation.
#[utoipa::path(
    get,
    path = "/api/v1/members/{slug}",
    tag = "members",
    params(("slug" = String, Path, description = "Identifiant du membre")),
    responses(
        (status = 200, description = "Le membre", body = Member),
        (status = 404, description = "Membre inconnu", body = ErrorBody),
    )
)]
pub async fn show_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let slug = path_slug(&slug)?;
    let model = state.model();
    let member = model.member(&slug).ok_or(ApiError::NotFound)?;
    // Only the public view is cached: the read model holds no personal field.
    let body = if super::may_read_personal(member, caller.principal(), &model) {
        render(&super::visible(member, caller.principal(), &model))?
    } else {
        model.cached(&format!("member/{slug}"), || render(member))?
    };
    Ok(json_response(body))
}
