//! `PUT /api/v1/products/{slug}`: replace a product.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Product;

use super::{ProductJson, ProductSchema, validate};
use crate::api::extract::{JsonValue, parse_record, slug_from_path};
use crate::api::path_slug;
use crate::auth::{Caller, authorize, product_target};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use pilote_domain::identity::Action;

/// Replaces a product; the slug may be left out of the body.
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}",
    tag = "products",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    request_body = Product,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Produit remplacé", body = ProductSchema),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_product(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let slug = path_slug(&slug)?;
    let model = state.model();
    let existing = model.product(&slug).ok_or(ApiError::NotFound)?;
    let before = product_target(&existing.slug, &existing.incubator);
    authorize(
        caller.principal(),
        Action::UpdateProduct,
        std::slice::from_ref(&before),
    )?;
    let product: Product = parse_record(slug_from_path(body, &slug)?)?;
    // Moving a product to another incubator needs the right on both sides.
    let actor = authorize(
        caller.principal(),
        Action::UpdateProduct,
        &[before, product_target(&product.slug, &product.incubator)],
    )?;
    validate(&model, &product)?;
    state.store().update_product(&product, &actor).await?;
    state.refresh().await?;
    Ok(Json(ProductJson::new(&product)).into_response())
}
