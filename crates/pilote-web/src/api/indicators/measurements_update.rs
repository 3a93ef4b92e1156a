//! `PUT /api/v1/products/{slug}/indicators/{id}/measurements/{measurement_id}`: replace a
//! measurement.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::impact::Measurement;

use super::{indicator_at, managed_product, measurement_at, measurement_from};
use crate::api::extract::JsonValue;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Replaces a measurement; the server sets who recorded it and when, to the caller and now.
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}/indicators/{id}/measurements/{measurement_id}",
    tag = "indicators",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("id" = i64, Path, description = "Numéro de l'indicateur"),
        ("measurement_id" = i64, Path, description = "Numéro de la mesure"),
    ),
    request_body = Measurement,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Mesure remplacée", body = Measurement),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit, indicateur ou mesure inconnus", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_measurement(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id, measurement_id)): Path<(String, String, String)>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let model = state.model();
    let (product, actor) = managed_product(&caller, &model, &slug)?;
    let indicator = indicator_at(&model, product, &id)?;
    let existing = measurement_at(&model, indicator, &measurement_id)?;
    let measurement = measurement_from(body, indicator, existing.id, &actor)?;
    let updated = state
        .store()
        .update_measurement(&measurement, &actor)
        .await?;
    state.refresh().await?;
    Ok(Json(updated).into_response())
}
