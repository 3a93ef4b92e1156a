//! `GET /api/v1/audit/{kind}/{id}`: the history of one record.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::audit::AuditEntry;
use pilote_domain::identity::{Action, Target};

use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Every logged change of one record, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/audit/{kind}/{id}",
    tag = "audit",
    params(
        ("kind" = String, Path, description = "Sorte d'enregistrement : product, member, incubator, organisation, team, account, api_token, committee, decision"),
        ("id" = String, Path, description = "Identifiant de l'enregistrement"),
    ),
    security(("jeton" = ["admin"])),
    responses(
        (status = 200, description = "L'historique", body = [Object]),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux administrateurs", body = ErrorBody),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    authorize(
        caller.principal(),
        Action::ReadAuditLog,
        &[Target::default()],
    )?;
    Ok(Json(state.store().audit_history(&kind, &id).await?))
}
