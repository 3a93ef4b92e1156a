//! `DELETE /api/v1/products/{slug}/indicators/{id}`: delete an indicator.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{indicator_at, managed_product};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Deletes an indicator with its measurements.
#[utoipa::path(
    delete,
    path = "/api/v1/products/{slug}/indicators/{id}",
    tag = "indicators",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("id" = i64, Path, description = "Numéro de l'indicateur"),
    ),
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 204, description = "Indicateur supprimé"),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit ou indicateur inconnu", body = ErrorBody),
    )
)]
pub async fn delete_indicator(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let model = state.model();
    let (product, actor) = managed_product(&caller, &model, &slug)?;
    let indicator = indicator_at(&model, product, &id)?;
    state.store().delete_indicator(indicator.id, &actor).await?;
    state.refresh().await?;
    Ok(StatusCode::NO_CONTENT)
}
