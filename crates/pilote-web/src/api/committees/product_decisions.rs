//! `GET /api/v1/products/{slug}/decisions`: a product's committee decisions.

use axum::extract::{Path, State};
use axum::response::Response;

use super::visible;
use crate::api::extract::Query;
use crate::api::indicators::product_at;
use crate::api::{Page, Paging, json_response, render};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A page of decisions.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct DecisionPage {
    data: Vec<pilote_domain::delivery::Decision>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists a product's decisions, latest first, imported ones included; the evidence of
/// non-public indicators only for those who may manage the product's impact.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/decisions",
    tag = "committees",
    params(("slug" = String, Path, description = "Identifiant du produit"), Paging),
    responses(
        (status = 200, description = "Les décisions sur le produit", body = DecisionPage),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn product_decisions(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let product = product_at(&model, &slug)?;
    let decisions = state.store().product_decisions(&product.slug).await?;
    let page = Page::of(
        decisions
            .into_iter()
            .map(|decision| visible(decision, caller.principal(), &model)),
        paging,
    )?;
    Ok(json_response(render(&page)?))
}
