//! `GET /api/v1/products/{slug}/indicators/{id}`: one indicator.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::{IndicatorJson, IndicatorSchema, indicator_at, may_manage, product_at};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows one indicator with its measurements; a non-public one only to those who may
/// manage the product's impact (404 for others).
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/indicators/{id}",
    tag = "indicators",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("id" = i64, Path, description = "Numéro de l'indicateur"),
    ),
    responses(
        (status = 200, description = "L'indicateur", body = IndicatorSchema),
        (status = 404, description = "Produit ou indicateur inconnu", body = ErrorBody),
    )
)]
pub async fn show_indicator(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let product = product_at(&model, &slug)?;
    let indicator = indicator_at(&model, product, &id)?;
    if !indicator.public && !may_manage(caller.principal(), product) {
        return Err(ApiError::NotFound);
    }
    Ok(Json(IndicatorJson::new(indicator, &model)).into_response())
}
