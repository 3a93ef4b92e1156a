//! The caller of an API request: anonymous, or a machine presenting an API token.
//!
//! The API ignores cookies on purpose: a browser session cannot be ridden by another site
//! to call it, so its writes need no CSRF token.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use pilote_domain::identity::Principal;

use super::{TOUCH_EVERY, before_now, now, principal_of, secret};
use crate::{ApiError, AppState};

/// Prefix of every token Pilote issues, so that secret scanners can recognise them.
pub(crate) const TOKEN_PREFIX: &str = "pilote_";

/// Who calls the API: anonymous, or the principal of an API token.
#[derive(Debug, Clone, Default)]
pub struct Caller(pub Option<Principal>);

impl Caller {
    /// Refuses an anonymous caller (401), before anything else is looked at.
    pub(crate) fn authenticated(&self) -> Result<&Principal, ApiError> {
        self.0.as_ref().ok_or(ApiError::Unauthorized(
            "présentez un jeton d'API : Authorization: Bearer pilote_…",
        ))
    }

    /// The principal, when a token was presented.
    pub(crate) fn principal(&self) -> Option<&Principal> {
        self.0.as_ref()
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self(None));
        };
        let invalid = ApiError::Unauthorized("jeton d'API invalide, expiré ou révoqué");
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| token.starts_with(TOKEN_PREFIX))
            .ok_or(ApiError::Unauthorized(
                "en-tête Authorization attendu sous la forme « Bearer pilote_… »",
            ))?;
        let now = now();
        let store = state.store();
        let token = store
            .live_token(&secret::hash(token), &now)
            .await?
            .ok_or(invalid)?;
        let account = store.account(token.account).await?;
        if token
            .last_used_at
            .as_ref()
            .is_none_or(|used| *used < before_now(TOUCH_EVERY))
        {
            store.touch_token(token.id, &now).await?;
        }
        let mut principal = principal_of(&account, &state.model());
        principal.scopes = Some(token.scopes);
        principal.token = Some(token.id);
        Ok(Self(Some(principal)))
    }
}
