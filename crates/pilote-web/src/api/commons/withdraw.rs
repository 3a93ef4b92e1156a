//! `DELETE /api/v1/software/{slug}/declarations/{id}`: an agent withdraws their declaration.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use pilote_domain::identity::{Action, Principal, Target};

use crate::api::indicators::path_id;
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Withdraws a declaration; only the agent who made it may.
#[utoipa::path(
    delete,
    path = "/api/v1/software/{slug}/declarations/{id}",
    tag = "commons",
    params(
        ("slug" = String, Path, description = "Identifiant du logiciel"),
        ("id" = i64, Path, description = "Numéro de la déclaration"),
    ),
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 204, description = "Déclaration retirée"),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Déclaration d'un autre agent", body = ErrorBody),
        (status = 404, description = "Logiciel ou déclaration inconnus", body = ErrorBody),
    )
)]
pub async fn withdraw_declaration(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    withdraw(&state, caller.principal(), &slug, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraws the declaration `raw_id` on the software `raw`, for its author only: the one
/// path of the API and the form.
pub(crate) async fn withdraw(
    state: &AppState,
    principal: Option<&Principal>,
    raw: &str,
    raw_id: &str,
) -> Result<(), ApiError> {
    if principal.is_none() {
        return Err(ApiError::Unauthorized(
            "connectez-vous, ou présentez un jeton d'API (Authorization: Bearer)",
        ));
    }
    let software = crate::api::path_slug(raw)?;
    let id = path_id(raw_id)?;
    let declaration = state.store().software_declaration(id).await?;
    if declaration.software != software {
        return Err(ApiError::NotFound);
    }
    let actor = authorize(
        principal,
        Action::WithdrawSoftwareDeclaration,
        &[Target {
            account: Some(declaration.account),
            ..Target::default()
        }],
    )?;
    state.store().withdraw_declaration(id, &actor).await?;
    Ok(())
}
