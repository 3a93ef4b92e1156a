//! `POST /api/v1/products`: create a product.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::portfolio::Product;

use super::{ProductJson, ProductSchema, validate};
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize, product_target};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use pilote_domain::identity::Action;

/// Creates a product.
#[utoipa::path(
    post,
    path = "/api/v1/products",
    tag = "products",
    request_body = Product,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Produit créé", body = ProductSchema),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 409, description = "Identifiant déjà pris", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_product(
    State(state): State<AppState>,
    caller: Caller,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let product: Product = parse_record(body)?;
    let actor = authorize(
        caller.principal(),
        Action::CreateProduct,
        &[product_target(&product.slug, &product.incubator)],
    )?;
    validate(&state.model(), &product)?;
    state
        .store()
        .create_product(&product, &actor)
        .await
        .map_err(|error| match error {
            pilote_store::StoreError::Conflict => {
                ApiError::Conflict(format!("le produit « {} » existe déjà", product.slug))
            }
            other => other.into(),
        })?;
    state.refresh().await?;
    let location = format!("/api/v1/products/{}", product.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ProductJson::new(&product)),
    )
        .into_response())
}
