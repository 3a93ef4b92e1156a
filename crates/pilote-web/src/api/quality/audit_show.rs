//! `GET /api/v1/products/{slug}/audits/{id}`: the audit report.

use axum::Json;
use axum::extract::{Path, State};

use super::audits::{AuditReport, audit_at};
use crate::api::indicators::product_at;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// An audit's report: the sample, each page's results, each criterion's status over the
/// sample, the compliance rate and the statement status it allows.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/audits/{id}",
    tag = "quality",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("id" = i64, Path, description = "Numéro de l'audit"),
    ),
    responses(
        (status = 200, description = "Le rapport d'audit", body = AuditReport),
        (status = 404, description = "Produit ou audit inconnus", body = ErrorBody),
    )
)]
pub async fn show_audit(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<AuditReport>, ApiError> {
    let product = product_at(&state.model(), &slug)?.clone();
    Ok(Json(AuditReport::of(
        audit_at(&state, &product, &id).await?,
    )))
}
