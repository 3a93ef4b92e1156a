//! `POST /api/v1/accounts/{id}/roles`: grant a role.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::identity::Account;

use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, GrantForm, RoleChange, change_role};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Grants a role to an account.
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/roles",
    tag = "identity",
    params(("id" = i64, Path, description = "Numéro du compte")),
    request_body = GrantForm,
    security(("jeton" = ["admin"])),
    responses(
        (status = 200, description = "Le compte, avec ses rôles", body = Account),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux administrateurs", body = ErrorBody),
        (status = 404, description = "Compte inconnu", body = ErrorBody),
        (status = 409, description = "Rôle déjà attribué", body = ErrorBody),
        (status = 422, description = "Rôle ou portée invalides", body = ErrorBody),
    )
)]
pub async fn grant_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonValue(body): JsonValue,
) -> Result<Json<Account>, ApiError> {
    caller.authenticated()?;
    let form: GrantForm = parse_record(body)?;
    let account = change_role(&state, caller.principal(), id, &form, RoleChange::Grant).await?;
    Ok(Json(account))
}
