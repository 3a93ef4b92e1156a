//! `GET /api/v1/organisations/{slug}`: one organisation.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Organisation;

use crate::api::path_slug;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows one organisation.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{slug}",
    tag = "organisations",
    params(("slug" = String, Path, description = "Identifiant de l'organisation")),
    responses(
        (status = 200, description = "L'organisation", body = Organisation),
        (status = 404, description = "Organisation inconnue", body = ErrorBody),
    )
)]
pub async fn show_organisation(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let organisation = model
        .organisation(&path_slug(&slug)?)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(organisation).into_response())
}
