//! `DELETE /api/v1/products/{slug}`: delete a product.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::{ensure_writes_allowed, path_slug};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Deletes a product with its phases, events and links.
#[utoipa::path(
    delete,
    path = "/api/v1/products/{slug}",
    tag = "products",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    responses(
        (status = 204, description = "Produit supprimé"),
        (status = 403, description = "Écritures désactivées", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn delete_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    ensure_writes_allowed(&state)?;
    state.store().delete_product(&path_slug(&slug)?).await?;
    state.refresh().await?;
    Ok(StatusCode::NO_CONTENT)
}
