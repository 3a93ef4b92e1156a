//! `GET /api/v1/products/{slug}`: one product.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{ProductJson, ProductSchema};
use crate::api::{json_response, path_slug, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows one product.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}",
    tag = "products",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    responses(
        (status = 200, description = "Le produit", body = ProductSchema),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn show_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let slug = path_slug(&slug)?;
    let model = state.model();
    let product = model.product(&slug).ok_or(ApiError::NotFound)?;
    let body = model.cached(&format!("product/{slug}"), || {
        render(&ProductJson::new(product))
    })?;
    Ok(json_response(body))
}
