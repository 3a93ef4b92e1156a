//! `GET /api/v1/teams/{slug}`: one team.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Team;

use crate::api::path_slug;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows one team.
#[utoipa::path(
    get,
    path = "/api/v1/teams/{slug}",
    tag = "teams",
    params(("slug" = String, Path, description = "Identifiant de l'équipe")),
    responses(
        (status = 200, description = "L'équipe", body = Team),
        (status = 404, description = "Équipe inconnue", body = ErrorBody),
    )
)]
pub async fn show_team(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let team = model.team(&path_slug(&slug)?).ok_or(ApiError::NotFound)?;
    Ok(Json(team).into_response())
}
