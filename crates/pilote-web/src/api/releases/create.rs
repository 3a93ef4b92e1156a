//! `POST /api/v1/products/{slug}/releases`: declare a release.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::delivery::{Release, ReleaseSource};
use pilote_domain::identity::Action;

use crate::api::extract::{JsonValue, parse_record};
use crate::api::indicators::{product_allowing, product_from_path};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Declares a release of a product (those who may change the product may); the product
/// may be left out of the body. Releases read from forges are not written here.
#[utoipa::path(
    post,
    path = "/api/v1/products/{slug}/releases",
    tag = "delivery",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    request_body = Release,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Livraison déclarée", body = Release),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
        (status = 409, description = "Le produit a déjà une livraison de ce nom", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_release(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let model = state.model();
    let (product, actor) = product_allowing(&caller, &model, &slug, Action::UpdateProduct)?;
    let created = declare(&state, &actor, &product.slug, body).await?;
    let location = format!(
        "/api/v1/products/{}/releases/{}",
        created.product, created.id
    );
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(created),
    )
        .into_response())
}

/// Checks and records a declared release of `product` from its `body`: the one path of the
/// API and the form.
pub(crate) async fn declare(
    state: &AppState,
    actor: &Actor,
    product: &Slug,
    body: serde_json::Value,
) -> Result<Release, ApiError> {
    let mut release: Release = parse_record(product_from_path(body, product)?)?;
    if release.source != ReleaseSource::Declared {
        return Err(ApiError::field(
            "source",
            "seules les livraisons déclarées s'écrivent ici ; celles des forges viennent de « pilote releases import »",
        ));
    }
    release.id = 0;
    release
        .validate()
        .map_err(|(field, error)| ApiError::field(field, error.to_string()))?;
    let created = state.store().create_release(&release, actor).await?;
    state.refresh().await?;
    Ok(created)
}
