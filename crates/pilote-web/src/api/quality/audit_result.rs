//! `PUT /api/v1/products/{slug}/audits/{id}/pages/{page}/criteria/{criterion}`: record a
//! criterion's result on one page of the sample.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::audit::Actor;
use pilote_domain::identity::Action;
use pilote_domain::portfolio::Product;
use pilote_domain::quality::rgaa::{Audit, CriterionId, CriterionResult};

use super::audits::{AuditReport, audit_at};
use crate::api::extract::{JsonValue, parse_record};
use crate::api::indicators::product_allowing;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Records the `status` (`compliant`, `non_compliant`, `not_applicable`, `not_tested`),
/// comment and non-compliances of a criterion on a page (numbered from 1).
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}/audits/{id}/pages/{page}/criteria/{criterion}",
    tag = "quality",
    params(
        ("slug" = String, Path, description = "Identifiant du produit"),
        ("id" = i64, Path, description = "Numéro de l'audit"),
        ("page" = usize, Path, description = "Page de l'échantillon, à partir de 1"),
        ("criterion" = String, Path, description = "Critère RGAA, par exemple 11.2"),
    ),
    request_body = CriterionResult,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Résultat enregistré ; le rapport à jour", body = AuditReport),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit, audit, page ou critère inconnus", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn record_result(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id, page, criterion)): Path<(String, String, String, String)>,
    JsonValue(body): JsonValue,
) -> Result<Json<AuditReport>, ApiError> {
    let model = state.model();
    let (product, actor) = product_allowing(&caller, &model, &slug, Action::UpdateProduct)?;
    let product = product.clone();
    drop(model);
    let criterion: CriterionId = criterion.parse().map_err(|_| ApiError::NotFound)?;
    let result: CriterionResult = parse_record(body)?;
    let audit = record(
        &state,
        &actor,
        &product,
        &id,
        &page,
        vec![(criterion, Some(result))],
    )
    .await?;
    Ok(Json(AuditReport::of(audit)))
}

/// Sets (or, with `None`, clears) the results of criteria on one page of an audit, in one
/// write; shared by the API and the page's form. 404 for a page outside the sample or a
/// criterion the audit does not check.
pub(crate) async fn record(
    state: &AppState,
    actor: &Actor,
    product: &Product,
    id: &str,
    page: &str,
    changes: Vec<(CriterionId, Option<CriterionResult>)>,
) -> Result<Audit, ApiError> {
    let mut audit = audit_at(state, product, id).await?;
    let page: usize = page
        .parse()
        .ok()
        .filter(|p| (1..=audit.pages.len()).contains(p))
        .ok_or(ApiError::NotFound)?;
    let criteria = audit.kind.criteria();
    if changes.iter().any(|(c, _)| !criteria.contains(c)) {
        return Err(ApiError::NotFound);
    }
    if audit.results.len() < page {
        audit.results.resize_with(page, Default::default);
    }
    let results = &mut audit.results[page - 1];
    for (criterion, result) in changes {
        match result {
            Some(result) => results.insert(criterion, result),
            None => results.remove(&criterion),
        };
    }
    crate::api::refuse_problems(audit.validate())?;
    let at = pilote_store::timestamp(chrono::Utc::now());
    state.store().save_rgaa_audit(&audit, actor, &at).await?;
    Ok(audit)
}
