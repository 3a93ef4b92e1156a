//! Identity's working records and the [`Store`] methods that read and write them.

use chrono::{DateTime, Utc};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::identity::{Account, ApiToken, ProviderIdentity, RoleGrant, Scope};

use crate::{Result, Store};

/// A stored time: UTC, RFC 3339, fixed width, so that times compare as text.
pub fn timestamp(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A sign-in begun at the identity provider, waiting for the browser to come back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignInAttempt {
    /// Hash of the random id held in the browser's cookie.
    pub id_hash: String,
    /// The `state` sent to the provider.
    pub state: String,
    /// The `nonce` sent to the provider.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
    /// Where to go once signed in.
    pub return_to: String,
    /// When it began.
    pub created_at: String,
}

/// A session to open.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Hash of the random id held in the browser's cookie.
    pub id_hash: String,
    /// The account signed in.
    pub account: i64,
    /// The token every form of the session carries.
    pub csrf_token: String,
    /// `proconnect` or `demo`.
    pub method: String,
    /// The provider's ID token, for signing out there.
    pub id_token: Option<String>,
    /// Now.
    pub now: String,
}

/// An open session.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    /// Hash of the browser's session id.
    pub id_hash: String,
    /// The account signed in.
    pub account_id: i64,
    /// The token every form of the session carries.
    pub csrf_token: String,
    /// `proconnect` or `demo`.
    pub method: String,
    /// The provider's ID token.
    pub id_token: Option<String>,
    /// When it was opened.
    pub created_at: String,
    /// When the person last proved who they are.
    pub authenticated_at: String,
    /// Last request.
    pub last_seen_at: String,
}

/// A token to create; the secret itself is never stored.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// The owner.
    pub account: i64,
    /// What the owner calls it.
    pub name: String,
    /// The secret's first characters.
    pub prefix: String,
    /// SHA-256 of the secret.
    pub token_hash: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// Now.
    pub created_at: String,
    /// Expiry.
    pub expires_at: String,
}

/// A demo account of `serve --demo`.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Its stable key.
    pub key: &'static str,
    /// Who it is.
    pub identity: ProviderIdentity,
    /// The member it is.
    pub member: Option<Slug>,
    /// Its roles.
    pub grants: Vec<RoleGrant>,
}

impl Store {
    /// One account, with its roles.
    pub async fn account(&self, id: i64) -> Result<Account> {
        dispatch!(self, pool => backend::identity::account(pool, id).await)
    }

    /// Every account, by number.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        dispatch!(self, pool => backend::identity::accounts(pool).await)
    }

    /// The demo account of a key.
    pub async fn demo_account(&self, key: &str) -> Result<Account> {
        dispatch!(self, pool => backend::identity::demo_account(pool, key).await)
    }

    /// Creates the demo account unless it exists.
    pub async fn ensure_demo_account(&self, demo: &DemoAccount, actor: &Actor) -> Result<Account> {
        let now = timestamp(Utc::now());
        dispatch!(self, pool => backend::identity::ensure_demo_account(
            pool, demo.key, &demo.identity, demo.member.as_ref(), &demo.grants, &now, actor,
        ).await)
    }

    /// The account of a provider identity, created on first sign-in and linked to the member
    /// with the same e-mail.
    pub async fn sign_in_from_provider(&self, identity: &ProviderIdentity) -> Result<Account> {
        let now = timestamp(Utc::now());
        dispatch!(self, pool => backend::identity::sign_in_from_provider(pool, identity, &now).await)
    }

    /// Grants a role; [`crate::StoreError::Conflict`] when already held.
    pub async fn grant_role(
        &self,
        account: i64,
        grant: &RoleGrant,
        actor: &Actor,
    ) -> Result<Account> {
        let now = timestamp(Utc::now());
        dispatch!(self, pool => backend::identity::grant_role(pool, account, grant, &now, actor).await)
    }

    /// Revokes a role; [`crate::StoreError::NotFound`] when not held.
    pub async fn revoke_role(
        &self,
        account: i64,
        grant: &RoleGrant,
        actor: &Actor,
    ) -> Result<Account> {
        dispatch!(self, pool => backend::identity::revoke_role(pool, account, grant, actor).await)
    }

    /// Records a sign-in begun at the provider.
    pub async fn save_sign_in_attempt(&self, attempt: &SignInAttempt) -> Result<()> {
        dispatch!(self, pool => backend::identity::save_attempt(pool, attempt).await)
    }

    /// Takes a pending sign-in, which can therefore complete once only.
    pub async fn take_sign_in_attempt(&self, id_hash: &str) -> Result<Option<SignInAttempt>> {
        dispatch!(self, pool => backend::identity::take_attempt(pool, id_hash).await)
    }

    /// Opens a session.
    pub async fn create_session(&self, session: &NewSession) -> Result<()> {
        dispatch!(self, pool => backend::identity::create_session(pool, session).await)
    }

    /// A session by the hash of its id.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        dispatch!(self, pool => backend::identity::session(pool, id_hash).await)
    }

    /// Records activity on a session.
    pub async fn touch_session(&self, id_hash: &str, now: &str) -> Result<()> {
        dispatch!(self, pool => backend::identity::touch_session(pool, id_hash, now).await)
    }

    /// Records that the person proved again who they are.
    pub async fn reauthenticate_session(&self, id_hash: &str, now: &str) -> Result<()> {
        dispatch!(self, pool => backend::identity::reauthenticate_session(pool, id_hash, now).await)
    }

    /// Closes a session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        dispatch!(self, pool => backend::identity::delete_session(pool, id_hash).await)
    }

    /// Drops expired sessions and stale pending sign-ins; returns how many.
    pub async fn purge_expired_sessions(
        &self,
        idle_before: &str,
        opened_before: &str,
        attempts_before: &str,
    ) -> Result<u64> {
        dispatch!(self, pool => backend::identity::purge_expired(pool, idle_before, opened_before, attempts_before).await)
    }

    /// Creates an API token.
    pub async fn create_token(&self, token: &NewToken, actor: &Actor) -> Result<ApiToken> {
        dispatch!(self, pool => backend::identity::create_token(pool, token, actor).await)
    }

    /// An account's tokens, newest first.
    pub async fn tokens(&self, account: i64) -> Result<Vec<ApiToken>> {
        dispatch!(self, pool => backend::identity::tokens(pool, account).await)
    }

    /// The live token of a secret's hash.
    pub async fn live_token(&self, token_hash: &str, now: &str) -> Result<Option<ApiToken>> {
        dispatch!(self, pool => backend::identity::live_token(pool, token_hash, now).await)
    }

    /// Records a token's use.
    pub async fn touch_token(&self, id: i64, now: &str) -> Result<()> {
        dispatch!(self, pool => backend::identity::touch_token(pool, id, now).await)
    }

    /// Revokes one of an account's tokens.
    pub async fn revoke_token(&self, account: i64, id: i64, actor: &Actor) -> Result<ApiToken> {
        let now = timestamp(Utc::now());
        dispatch!(self, pool => backend::identity::revoke_token(pool, account, id, &now, actor).await)
    }
}
