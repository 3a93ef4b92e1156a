//! `GET /api/v1/products/{slug}/indicators`: a product's indicators.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{IndicatorJson, IndicatorSchema, may_manage, product_at};
use crate::api::{Page, json_response, render};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Every indicator of a product, in one page.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct IndicatorPage {
    data: Vec<IndicatorSchema>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists a product's indicators with their measurements; non-public ones only for those
/// who may manage the product's impact.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/indicators",
    tag = "indicators",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    responses(
        (status = 200, description = "Les indicateurs du produit", body = IndicatorPage),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn list_indicators(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let product = product_at(&model, &slug)?;
    let all = may_manage(caller.principal(), product);
    let key = format!(
        "product-indicators/{}?{}",
        product.slug,
        if all { "all" } else { "public" }
    );
    let body = model.cached(&key, || {
        let data: Vec<IndicatorJson<'_>> = model
            .indicators_of(&product.slug)
            .filter(|indicator| all || indicator.public)
            .map(|indicator| IndicatorJson::new(indicator, &model))
            .collect();
        let total = data.len();
        render(&Page {
            data,
            page: 1,
            page_size: total,
            total,
        })
    })?;
    Ok(json_response(body))
}
