//! `DELETE /api/v1/products/{slug}/indicators/{id}/measurements/{measurement_id}`: delete a
//! measurement.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{indicator_at, managed_product, measurement_at};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Deletes a measurement.
#[utoipa::path(
    delete,
    path = "/api/v1/products/{slug}/indicators/{id}/measurements/{measurement_id}",
    tag = "indicators",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("id" = i64, Path, description = "Numéro de l'indicateur"),
        ("measurement_id" = i64, Path, description = "Numéro de la mesure"),
    ),
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 204, description = "Mesure supprimée"),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit, indicateur ou mesure inconnus", body = ErrorBody),
    )
)]
pub async fn delete_measurement(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id, measurement_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let model = state.model();
    let (product, actor) = managed_product(&caller, &model, &slug)?;
    let indicator = indicator_at(&model, product, &id)?;
    let measurement = measurement_at(&model, indicator, &measurement_id)?;
    state
        .store()
        .delete_measurement(measurement.id, &actor)
        .await?;
    state.refresh().await?;
    Ok(StatusCode::NO_CONTENT)
}
