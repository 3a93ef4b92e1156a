//! `GET /api/v1/products/{slug}/quality-record`.

use axum::Json;
use axum::extract::{Path, State};

use super::{QualityRecordJson, record_of};
use crate::api::indicators::product_at;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows a product's quality record: the one its people wrote, or what the network's fields
/// say (`source`).
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/quality-record",
    tag = "quality",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    responses(
        (status = 200, description = "La fiche qualité", body = QualityRecordJson),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn show_quality_record(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<QualityRecordJson>, ApiError> {
    let product = product_at(&state.model(), &slug)?.clone();
    Ok(Json(record_of(&state, &product).await?))
}
