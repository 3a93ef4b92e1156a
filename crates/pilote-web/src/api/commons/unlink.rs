//! `DELETE /api/v1/products/{slug}/software/{software}`: a product no longer depends on a
//! software.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use pilote_domain::identity::Action;

use crate::api::indicators::product_allowing;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Removes a product's link to a software (those who may change the product may).
#[utoipa::path(
    delete,
    path = "/api/v1/products/{slug}/software/{software}",
    tag = "commons",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("software" = String, Path, description = "Identifiant du logiciel"),
    ),
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 204, description = "Lien retiré"),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit, logiciel ou lien inconnus", body = ErrorBody),
    )
)]
pub async fn unlink_software(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, software)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let model = state.model();
    let (product, actor) = product_allowing(&caller, &model, &slug, Action::UpdateProduct)?;
    let software = crate::api::path_slug(&software)?;
    state
        .store()
        .unlink_product_software(&product.slug, &software, &actor)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
