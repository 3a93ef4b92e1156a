//! `GET /api/v1/products/{slug}/audits`, and `POST` there to start one.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::audit::Actor;
use pilote_domain::identity::Action;
use pilote_domain::quality::rgaa::Audit;

use super::audits::AuditReport;
use crate::api::extract::{JsonValue, parse_record};
use crate::api::indicators::{product_allowing, product_at, product_from_path};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A product's RGAA audits with their figures, latest first.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/audits",
    tag = "quality",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    responses(
        (status = 200, description = "Les audits", body = [AuditReport]),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn list_audits(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<AuditReport>>, ApiError> {
    let product = product_at(&state.model(), &slug)?.slug.clone();
    let audits = state.store().rgaa_audits(&product).await?;
    Ok(Json(audits.into_iter().map(AuditReport::of).collect()))
}

/// Starts an audit: its type (`fast`, `complementary`, `full`), date, auditor and sample of
/// pages; results are then recorded page by page.
#[utoipa::path(
    post,
    path = "/api/v1/products/{slug}/audits",
    tag = "quality",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    request_body = Audit,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Audit créé", body = AuditReport),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_audit(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let model = state.model();
    let (product, actor) = product_allowing(&caller, &model, &slug, Action::UpdateProduct)?;
    let product = product.slug.clone();
    drop(model);
    let audit: Audit = parse_record(product_from_path(body, &product)?)?;
    let audit = start(&state, &actor, audit).await?;
    let location = format!("/api/v1/products/{product}/audits/{}", audit.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(AuditReport::of(audit)),
    )
        .into_response())
}

/// Checks and stores a new audit, without results yet; shared by the API and the page's
/// form.
pub(crate) async fn start(
    state: &AppState,
    actor: &Actor,
    mut audit: Audit,
) -> Result<Audit, ApiError> {
    audit.id = 0;
    audit.results.clear();
    crate::api::refuse_problems(audit.validate())?;
    let at = pilote_store::timestamp(chrono::Utc::now());
    audit.id = state.store().save_rgaa_audit(&audit, actor, &at).await?;
    Ok(audit)
}
