//! `POST /api/v1/products/{slug}/indicators/{id}/measurements`: record a measurement.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pilote_domain::impact::Measurement;

use super::{indicator_at, managed_product, measurement_from};
use crate::api::extract::JsonValue;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Records a measurement of an indicator; the server sets its number, its indicator, who
/// recorded it and when.
#[utoipa::path(
    post,
    path = "/api/v1/products/{slug}/indicators/{id}/measurements",
    tag = "indicators",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("id" = i64, Path, description = "Numéro de l'indicateur"),
    ),
    request_body = Measurement,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Mesure enregistrée", body = Measurement),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit ou indicateur inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_measurement(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let model = state.model();
    let (product, actor) = managed_product(&caller, &model, &slug)?;
    let indicator = indicator_at(&model, product, &id)?;
    let measurement = measurement_from(body, indicator, 0, &actor)?;
    let created = state
        .store()
        .create_measurement(&measurement, &actor)
        .await?;
    state.refresh().await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}
