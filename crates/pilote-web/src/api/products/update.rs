//! `PUT /api/v1/products/{slug}`: replace a product.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Product;

use super::{ProductJson, ProductSchema, validate};
use crate::api::extract::{JsonValue, parse_record, slug_from_path};
use crate::api::{ensure_writes_allowed, path_slug};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Replaces a product; the slug may be left out of the body.
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}",
    tag = "products",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    request_body = Product,
    responses(
        (status = 200, description = "Produit remplacé", body = ProductSchema),
        (status = 403, description = "Écritures désactivées", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    ensure_writes_allowed(&state)?;
    let slug = path_slug(&slug)?;
    let product: Product = parse_record(slug_from_path(body, &slug)?)?;
    validate(&state.model(), &product)?;
    state.store().update_product(&product).await?;
    state.refresh().await?;
    Ok(Json(ProductJson::new(&product)).into_response())
}
