//! `POST /api/v1/products/{slug}/indicators`: declare an indicator.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::impact::Indicator;

use super::{IndicatorJson, IndicatorSchema, managed_product, product_from_path, validate};
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Declares an indicator of a product; the product may be left out of the body.
#[utoipa::path(
    post,
    path = "/api/v1/products/{slug}/indicators",
    tag = "indicators",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    request_body = Indicator,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Indicateur déclaré", body = IndicatorSchema),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_indicator(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let model = state.model();
    let (product, actor) = managed_product(&caller, &model, &slug)?;
    let mut indicator: Indicator = parse_record(product_from_path(body, &product.slug)?)?;
    indicator.id = 0;
    validate(&indicator)?;
    let created = state.store().create_indicator(&indicator, &actor).await?;
    state.refresh().await?;
    let model = state.model();
    let shown = model.indicator(created.id).unwrap_or(&created);
    let location = format!(
        "/api/v1/products/{}/indicators/{}",
        created.product, created.id
    );
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(IndicatorJson::new(shown, &model)),
    )
        .into_response())
}
