//! Who is asking: sign-in (ProConnect, or demo accounts under `serve --demo`), server-side
//! sessions with CSRF tokens, API tokens, the security headers of every response, and the
//! rate limits on sign-in and token creation.
//!
//! Decisions on what a principal may do are the domain's (`pilote_domain::identity`); this
//! module only finds the principal and hands the decision its target.

mod account;
mod admin;
mod caller;
pub(crate) mod demo;
mod headers;
pub(crate) mod limits;
mod proconnect;
pub(crate) mod secret;
mod visitor;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use chrono::Utc;
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::identity::{Account, Action, Principal, Target};
use pilote_store::SessionRecord;

pub(crate) use admin::{GrantForm, RoleChange, change_role};
pub(crate) use caller::Caller;
pub(crate) use headers::security_headers;
pub(crate) use limits::RateLimits;
pub(crate) use secret::random_secret;
pub(crate) use visitor::{Visitor, visitor_layer};

use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// The session cookie.
const SESSION_COOKIE: &str = "pilote_session";
/// The cookie that ties a sign-in at the provider to the browser that began it.
const SIGN_IN_COOKIE: &str = "pilote_connexion";
/// The anonymous visitor's CSRF cookie (signed-in visitors use their session's token).
const CSRF_COOKIE: &str = "pilote_csrf";
/// The form field that carries the CSRF token.
pub(crate) const CSRF_FIELD: &str = "csrf";

/// A session ends after this long without a request.
const IDLE_EXPIRY: Duration = Duration::from_secs(2 * 3600);
/// A session ends this long after sign-in, whatever happens.
const ABSOLUTE_EXPIRY: Duration = Duration::from_secs(12 * 3600);
/// A sign-in begun at the provider must come back within this time.
const SIGN_IN_EXPIRY: Duration = Duration::from_secs(10 * 60);
/// Creating a token needs a sign-in this recent.
const REAUTHENTICATION_WINDOW: Duration = Duration::from_secs(10 * 60);
/// Activity is recorded at most this often, to spare the database a write per request.
const TOUCH_EVERY: Duration = Duration::from_secs(5 * 60);

/// Sign-in through an OpenID Connect provider (ProConnect).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer URL, from which the configuration is discovered.
    pub issuer: String,
    /// This application's client id at the provider.
    pub client_id: String,
    /// Its secret (never logged).
    pub client_secret: String,
}

/// The identity routes: sign-in and out, the account page, administration of roles.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/connexion", get(demo::sign_in_page))
        .route("/connexion/demo", post(demo::sign_in))
        .route("/connexion/proconnect", get(proconnect::start))
        .route("/connexion/proconnect/retour", get(proconnect::callback))
        .route(
            "/connexion/reauthentification",
            get(account::reauthenticate_page).post(demo::reauthenticate),
        )
        .route("/deconnexion", post(proconnect::sign_out))
        .route("/deconnexion/terminee", get(proconnect::signed_out))
        .route("/compte", get(account::show))
        .route("/compte/jetons", post(account::create_token))
        .route(
            "/compte/jetons/{id}/revocation",
            post(account::revoke_token),
        )
        .route("/admin/comptes", get(admin::accounts_page))
        .route("/admin/comptes/{id}/roles", post(admin::grant_role))
        .route(
            "/admin/comptes/{id}/roles/retrait",
            post(admin::revoke_role),
        )
}

/// A stored time, now.
fn now() -> String {
    pilote_store::timestamp(Utc::now())
}

/// A stored time, `ago` before now.
fn before_now(ago: Duration) -> String {
    let ago = chrono::Duration::from_std(ago).unwrap_or(chrono::Duration::zero());
    pilote_store::timestamp(Utc::now() - ago)
}

/// Whether a session is still open: neither idle nor too old.
fn session_is_live(session: &SessionRecord) -> bool {
    session.last_seen_at >= before_now(IDLE_EXPIRY)
        && session.created_at >= before_now(ABSOLUTE_EXPIRY)
}

/// The principal an account acts as, with the products its member works on today.
pub(crate) fn principal_of(account: &Account, model: &ReadModel) -> Principal {
    let today = Utc::now().date_naive();
    let products = account
        .member
        .as_ref()
        .and_then(|slug| model.member(slug))
        .map(|member| {
            let mut products: Vec<Slug> = member
                .missions
                .iter()
                .filter(|mission| mission.covers(today))
                .flat_map(|mission| mission.products.iter().cloned())
                .collect();
            products.sort();
            products.dedup();
            products
        })
        .unwrap_or_default();
    Principal {
        account: account.id,
        name: account.display_name(),
        member: account.member.clone(),
        grants: account.grants.clone(),
        products,
        scopes: None,
        token: None,
        siret: account.siret.clone(),
    }
}

/// The audit log's name for a principal.
pub(crate) fn actor_of(principal: &Principal) -> Actor {
    match principal.token {
        Some(token) => Actor::token(principal.account, token),
        None => Actor::account(principal.account),
    }
}

/// Refuses unless `principal` may do `action` to every target given: 401 without one,
/// 403 when the permission table says no.
pub(crate) fn authorize(
    principal: Option<&Principal>,
    action: Action,
    targets: &[Target],
) -> Result<Actor, ApiError> {
    let Some(principal) = principal else {
        return Err(ApiError::Unauthorized(
            "connectez-vous, ou présentez un jeton d'API (Authorization: Bearer)",
        ));
    };
    if targets.iter().all(|target| principal.may(action, target)) {
        Ok(actor_of(principal))
    } else {
        Err(ApiError::Forbidden(
            "votre rôle ne permet pas cette action sur cet enregistrement",
        ))
    }
}

/// Refuses to offer a form for `action` to someone who may do it nowhere: 401 when
/// anonymous, 403 otherwise.
pub(crate) fn offer(principal: Option<&Principal>, action: Action) -> Result<(), ApiError> {
    match principal {
        None => Err(ApiError::Unauthorized(
            "connectez-vous pour accéder à ce formulaire",
        )),
        Some(principal) if principal.may_somewhere(action) => Ok(()),
        Some(_) => Err(ApiError::Forbidden("votre rôle ne permet pas cette action")),
    }
}

/// The permission target of a product, from its slug and incubator.
pub(crate) fn product_target(slug: &Slug, incubator: &Slug) -> Target {
    Target {
        product: Some(slug.clone()),
        incubators: vec![incubator.clone()],
        ..Target::default()
    }
}

/// The permission target of a member: the incubators of the products of their current
/// missions, looked up in the read model.
pub(crate) fn member_target(
    member: &pilote_domain::portfolio::Member,
    model: &ReadModel,
) -> Target {
    let today = Utc::now().date_naive();
    let mut incubators: Vec<Slug> = member
        .missions
        .iter()
        .filter(|mission| mission.covers(today))
        .flat_map(|mission| mission.products.iter())
        .filter_map(|product| model.product(product))
        .map(|product| product.incubator.clone())
        .collect();
    incubators.sort();
    incubators.dedup();
    Target {
        member: Some(member.slug.clone()),
        incubators,
        ..Target::default()
    }
}

/// Where to go back to after signing in: a path of this site only, never another origin.
fn safe_return(path: Option<&str>) -> String {
    match path {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Drops expired sessions and stale pending sign-ins.
pub(crate) async fn purge_expired(store: &pilote_store::Store) -> Result<u64, ApiError> {
    Ok(store
        .purge_expired_sessions(
            &before_now(IDLE_EXPIRY),
            &before_now(ABSOLUTE_EXPIRY),
            &before_now(SIGN_IN_EXPIRY),
        )
        .await?)
}

/// Opens a session for an account; returns the cookie that carries it.
async fn open_session(
    state: &AppState,
    account: i64,
    method: &str,
    id_token: Option<String>,
) -> Result<axum_extra::extract::cookie::Cookie<'static>, ApiError> {
    let id = secret::random_secret();
    state
        .store()
        .create_session(&pilote_store::NewSession {
            id_hash: secret::hash(&id),
            account,
            csrf_token: secret::random_secret(),
            method: method.to_owned(),
            id_token,
            now: now(),
        })
        .await?;
    Ok(visitor::cookie(
        SESSION_COOKIE,
        id,
        state.config().is_https(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_stay_on_this_site() {
        assert_eq!(safe_return(Some("/produits?page=2")), "/produits?page=2");
        assert_eq!(safe_return(Some("//evil.example")), "/");
        assert_eq!(safe_return(Some("https://evil.example")), "/");
        assert_eq!(safe_return(Some("/\\evil.example")), "/");
        assert_eq!(safe_return(None), "/");
    }
}
