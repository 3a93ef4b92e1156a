//! `DELETE /api/v1/products/{slug}/releases/{id}`: withdraw a declared release.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::delivery::ReleaseSource;
use pilote_domain::identity::Action;

use crate::api::indicators::{path_id, product_allowing};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Deletes a declared release; a release read from a forge goes with its next import.
#[utoipa::path(
    delete,
    path = "/api/v1/products/{slug}/releases/{id}",
    tag = "delivery",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("id" = i64, Path, description = "Numéro de la livraison"),
    ),
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 204, description = "Livraison supprimée"),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit ou livraison inconnus", body = ErrorBody),
        (status = 409, description = "Livraison lue sur la forge", body = ErrorBody),
    )
)]
pub async fn delete_release(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let model = state.model();
    let (product, actor) = product_allowing(&caller, &model, &slug, Action::UpdateProduct)?;
    withdraw(&state, &actor, &product.slug, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes the declared release `raw_id` of `product`: the one path of the API and the form.
pub(crate) async fn withdraw(
    state: &AppState,
    actor: &Actor,
    product: &Slug,
    raw_id: &str,
) -> Result<(), ApiError> {
    let id = path_id(raw_id)?;
    let source = state
        .model()
        .releases_of(product)
        .iter()
        .find(|release| release.id == id)
        .map(|release| release.source)
        .ok_or(ApiError::NotFound)?;
    if source == ReleaseSource::Forge {
        return Err(ApiError::Conflict(
            "cette livraison vient de la forge du produit : elle suit ses imports".into(),
        ));
    }
    state.store().delete_release(id, actor).await?;
    state.refresh().await?;
    Ok(())
}
