//! `DELETE /api/v1/products/{slug}`: delete a product.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::path_slug;
use crate::auth::{Caller, authorize, product_target};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use pilote_domain::identity::Action;

/// Deletes a product with its phases, events and links.
#[utoipa::path(
    delete,
    path = "/api/v1/products/{slug}",
    tag = "products",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 204, description = "Produit supprimé"),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn delete_product(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.authenticated()?;
    let slug = path_slug(&slug)?;
    let model = state.model();
    let product = model.product(&slug).ok_or(ApiError::NotFound)?;
    let actor = authorize(
        caller.principal(),
        Action::DeleteProduct,
        &[product_target(&product.slug, &product.incubator)],
    )?;
    state.store().delete_product(&slug, &actor).await?;
    state.refresh().await?;
    Ok(StatusCode::NO_CONTENT)
}
