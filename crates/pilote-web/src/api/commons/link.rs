//! `PUT /api/v1/products/{slug}/software/{software}`: a product depends on a software.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pilote_domain::commons::{ProductSoftware, SoftwareRole};
use pilote_domain::identity::Action;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::extract::{JsonValue, parse_record};
use crate::api::indicators::product_allowing;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// The part the software plays in the product.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// `techno` (the default), `dependency` or `tool`.
    #[serde(default)]
    pub role: SoftwareRole,
}

/// Links a product to a software of the catalogue, or changes the role of its link (those
/// who may change the product may).
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}/software/{software}",
    tag = "commons",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("software" = String, Path, description = "Identifiant du logiciel"),
    ),
    request_body = LinkBody,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Lien créé", body = ProductSoftware),
        (status = 200, description = "Rôle du lien modifié", body = ProductSoftware),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit ou logiciel inconnus", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn link_software(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, software)): Path<(String, String)>,
    JsonValue(body): JsonValue,
) -> Result<(StatusCode, Json<ProductSoftware>), ApiError> {
    let model = state.model();
    let (product, actor) = product_allowing(&caller, &model, &slug, Action::UpdateProduct)?;
    let body: LinkBody = parse_record(body)?;
    let link = ProductSoftware {
        product: product.slug.clone(),
        software: crate::api::path_slug(&software)?,
        role: body.role,
    };
    let created = state.store().link_product_software(&link, &actor).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(link)))
}
