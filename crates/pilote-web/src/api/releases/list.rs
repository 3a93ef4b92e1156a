//! `GET /api/v1/products/{slug}/releases`: a product's releases and cadence.

use axum::Json;
use axum::extract::{Path, State};

use super::{ProductReleases, releases_of};
use crate::api::indicators::product_at;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Lists a product's releases, newest first, with its delivery cadence.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/releases",
    tag = "delivery",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    responses(
        (status = 200, description = "Les livraisons du produit", body = ProductReleases),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn list_releases(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<ProductReleases>, ApiError> {
    let model = state.model();
    let product = product_at(&model, &slug)?;
    let today = chrono::Utc::now().date_naive();
    Ok(Json(releases_of(&model, product, today)))
}
