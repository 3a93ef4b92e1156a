//! `PUT /api/v1/products/{slug}/indicators/{id}`: replace an indicator.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::impact::Indicator;

use super::{
    IndicatorJson, IndicatorSchema, indicator_at, managed_product, product_from_path, validate,
};
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Replaces an indicator, keeping its measurements; the product may be left out of the
/// body, and the number is the address's.
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}/indicators/{id}",
    tag = "indicators",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("id" = i64, Path, description = "Numéro de l'indicateur"),
    ),
    request_body = Indicator,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Indicateur remplacé", body = IndicatorSchema),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit ou indicateur inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_indicator(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let model = state.model();
    let (product, actor) = managed_product(&caller, &model, &slug)?;
    let existing = indicator_at(&model, product, &id)?;
    let mut indicator: Indicator = parse_record(product_from_path(body, &product.slug)?)?;
    indicator.id = existing.id;
    validate(&indicator)?;
    let updated = state.store().update_indicator(&indicator, &actor).await?;
    state.refresh().await?;
    let model = state.model();
    let shown = model.indicator(updated.id).unwrap_or(&updated);
    Ok(Json(IndicatorJson::new(shown, &model)).into_response())
}
