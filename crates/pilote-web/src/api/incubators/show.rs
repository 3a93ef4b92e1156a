//! `GET /api/v1/incubators/{slug}`: one incubator.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Incubator;

use crate::api::path_slug;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows one incubator.
#[utoipa::path(
    get,
    path = "/api/v1/incubators/{slug}",
    tag = "incubators",
    params(("slug" = String, Path, description = "Identifiant de l'incubateur")),
    responses(
        (status = 200, description = "L'incubateur", body = Incubator),
        (status = 404, description = "Incubateur inconnu", body = ErrorBody),
    )
)]
pub async fn show_incubator(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let incubator = model
        .incubator(&path_slug(&slug)?)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(incubator).into_response())
}
