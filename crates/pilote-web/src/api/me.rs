//! `GET /api/v1/me`: the account a token acts for.

use axum::Json;
use pilote_domain::identity::{Role, Scope};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ApiError;
use crate::auth::Caller;
use crate::error::ErrorBody;

/// Who a token acts for, and what it may do.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The account's number.
    pub account: i64,
    /// The account's name.
    pub name: String,
    /// The member the account is.
    pub member: Option<String>,
    /// Roles held, product membership included.
    pub roles: Vec<Role>,
    /// The token's scopes.
    pub scopes: Vec<Scope>,
}

/// Tells who the token acts for.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "identity",
    security(("jeton" = [])),
    responses(
        (status = 200, description = "Le compte du jeton", body = Me),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
    )
)]
pub async fn me(caller: Caller) -> Result<Json<Me>, ApiError> {
    let principal = caller.authenticated()?;
    Ok(Json(Me {
        account: principal.account,
        name: principal.name.clone(),
        member: principal.member.as_ref().map(ToString::to_string),
        roles: principal.roles(),
        scopes: principal.scopes.clone().unwrap_or_default(),
    }))
}
