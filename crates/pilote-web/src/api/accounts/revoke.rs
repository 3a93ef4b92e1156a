//! `DELETE /api/v1/accounts/{id}/roles/{role}`: revoke a role.

use axum::Json;
use axum::extract::{Path, Query, State};
use pilote_domain::identity::Account;
use serde::Deserialize;

use crate::auth::{Caller, GrantForm, RoleChange, change_role};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// The incubator or organisation of a scoped role.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RevokeQuery {
    /// The incubator or organisation, for scoped roles.
    pub scope: Option<String>,
}

/// Revokes a role from an account.
#[utoipa::path(
    delete,
    path = "/api/v1/accounts/{id}/roles/{role}",
    tag = "identity",
    params(
        ("id" = i64, Path, description = "Numéro du compte"),
        ("role" = String, Path, description = "Rôle : administrator, incubator_manager, organisation_editor"),
        RevokeQuery,
    ),
    security(("jeton" = ["admin"])),
    responses(
        (status = 200, description = "Le compte, avec ses rôles", body = Account),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux administrateurs", body = ErrorBody),
        (status = 404, description = "Compte inconnu, ou rôle non détenu", body = ErrorBody),
        (status = 422, description = "Rôle ou portée invalides", body = ErrorBody),
    )
)]
pub async fn revoke_role(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, role)): Path<(i64, String)>,
    Query(query): Query<RevokeQuery>,
) -> Result<Json<Account>, ApiError> {
    caller.authenticated()?;
    let form = GrantForm {
        role,
        scope: query.scope,
    };
    let account = change_role(&state, caller.principal(), id, &form, RoleChange::Revoke).await?;
    Ok(Json(account))
}
