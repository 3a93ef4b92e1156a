//! `GET /api/v1/products/{slug}/service`: what the probes saw of a product's service.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{Duration, Utc};
use pilote_domain::quality::service::{HEALTH_DAYS, ServiceCheck, ServiceHealth};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::indicators::product_at;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Checks shown with the health.
const LATEST: i64 = 50;

/// A product's service as the probes saw it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceReport {
    /// The product.
    pub product: String,
    /// The address checked.
    pub url: Option<String>,
    /// Availability and speed over three months; none before the first check.
    pub health: Option<ServiceHealth>,
    /// Uptime over three months, in %.
    pub uptime: Option<f64>,
    /// The latest checks, newest first (at most 50).
    pub checks: Vec<ServiceCheck>,
}

/// A product's service health over three months and its latest checks.
pub(crate) async fn report(state: &AppState, slug: &str) -> Result<ServiceReport, ApiError> {
    let product = product_at(&state.model(), slug)?.clone();
    let since = pilote_store::timestamp(Utc::now() - Duration::days(HEALTH_DAYS));
    let store = state.store();
    let health = store
        .service_health(Some(&product.slug), &since)
        .await?
        .into_iter()
        .next();
    Ok(ServiceReport {
        product: product.slug.to_string(),
        url: product.link.clone(),
        uptime: health.as_ref().and_then(ServiceHealth::uptime),
        health,
        checks: store.service_checks(&product.slug, LATEST).await?,
    })
}

/// Shows what the probes measured of a product's public address: uptime and mean load
/// time over three months, and each of the latest checks with everything it measured.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/service",
    tag = "quality",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    responses(
        (status = 200, description = "Le service vu par les sondes", body = ServiceReport),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn show_service(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<ServiceReport>, ApiError> {
    Ok(Json(report(&state, &slug).await?))
}
