//! `GET /api/v1/products/{slug}/budget`: a product's budget lines.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{BudgetPage, budget_of};
use crate::api::indicators::product_at;
use crate::api::{json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Lists a product's budget lines, every source (FAST included), by year then source.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/budget",
    tag = "budget",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    responses(
        (status = 200, description = "Les lignes de budget du produit", body = BudgetPage),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn show_budget(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let product = product_at(&model, &slug)?;
    let key = format!("product-budget/{}", product.slug);
    let body = model.cached(&key, || render(&budget_of(&model, &product.slug)))?;
    Ok(json_response(body))
}
