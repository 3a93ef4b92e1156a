//! `GET /api/v1/data-apis/{slug}`: one API of the catalogue.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::data::Api;

use crate::api::path_slug;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// One API.
#[utoipa::path(
    get,
    path = "/api/v1/data-apis/{slug}",
    tag = "data",
    params(("slug" = String, Path, description = "L'identifiant de l'API")),
    responses(
        (status = 200, description = "L'API", body = Api),
        (status = 404, description = "API inconnue", body = ErrorBody),
    )
)]
pub async fn show_api(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Api>, ApiError> {
    Ok(Json(state.store().data_api(&path_slug(&slug)?).await?))
}
