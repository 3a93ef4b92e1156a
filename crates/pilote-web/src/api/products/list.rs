//! `GET /api/v1/products`: products, filtered, sorted and paged.

use axum::extract::{OriginalUri, State};
use axum::response::Response;

use super::{ProductJson, ProductSchema};
use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::query::{ProductFilters, matching_products};
use crate::{ApiError, AppState};

/// One page of products.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct ProductPage {
    data: Vec<ProductSchema>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists products.
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "products",
    params(ProductFilters, Paging),
    responses(
        (status = 200, description = "Une page de produits", body = ProductPage),
        (status = 422, description = "Filtre invalide", body = ErrorBody),
    )
)]
pub async fn list_products(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Query(filters): Query<ProductFilters>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let key = format!("products?{}", uri.query().unwrap_or_default());
    let body = model.cached(&key, || {
        let products = matching_products(&model, &filters)?;
        let page = Page::of(products.into_iter().map(ProductJson::new), paging)?;
        Ok::<_, ApiError>(render(&page)?)
    })?;
    Ok(json_response(body))
}
