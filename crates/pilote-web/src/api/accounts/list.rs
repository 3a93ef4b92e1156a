//! `GET /api/v1/accounts`: every account with its roles.

use axum::Json;
use axum::extract::State;
use pilote_domain::identity::{Account, Action, Target};

use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Lists the accounts, by number.
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "identity",
    security(("jeton" = ["admin"])),
    responses(
        (status = 200, description = "Les comptes", body = [Account]),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux administrateurs", body = ErrorBody),
    )
)]
pub async fn list_accounts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Account>>, ApiError> {
    authorize(
        caller.principal(),
        Action::ManageRoles,
        &[Target::default()],
    )?;
    Ok(Json(state.store().accounts().await?))
}
