//! Identity's repository: accounts and their roles, sessions, pending sign-ins, API tokens.
//!
//! Compiled once per backend like `portfolio.rs`. Every change to an account, a role or a
//! token goes to the audit log in the same transaction; sessions and pending sign-ins are
//! working state, not records, and are not logged.

use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction, Change};
use pilote_domain::identity::{Account, ApiToken, ProviderIdentity, Role, RoleGrant, Scope};
use sqlx::{FromRow, Transaction};

use super::Db;
use super::audit;
use crate::identity::{NewSession, NewToken, SessionRecord, SignInAttempt};
use crate::{Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

const ACCOUNT_COLUMNS: &str =
    "id, sub, email, given_name, usual_name, siret, uid, member_slug, created_at, last_sign_in_at";

#[derive(FromRow)]
struct AccountRow {
    id: i64,
    sub: Option<String>,
    email: String,
    given_name: String,
    usual_name: String,
    siret: Option<String>,
    uid: Option<String>,
    member_slug: Option<String>,
    created_at: String,
    last_sign_in_at: Option<String>,
}

#[derive(FromRow)]
struct GrantRow {
    account_id: i64,
    role: String,
    scope: String,
}

fn corrupt(what: &str, reason: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

fn grant_of(row: &GrantRow) -> Result<RoleGrant> {
    let role = Role::parse(&row.role).map_err(|e| corrupt("role", &e))?;
    let scope = if row.scope.is_empty() {
        None
    } else {
        Some(Slug::parse(&row.scope).map_err(|e| corrupt("role scope", &e))?)
    };
    RoleGrant::new(role, scope).map_err(|e| corrupt("role grant", &e))
}

async fn accounts_where(
    conn: &mut Conn,
    condition: &str,
    bind: Option<&str>,
) -> Result<Vec<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts {condition} ORDER BY id");
    let mut query = sqlx::query_as::<_, AccountRow>(&sql);
    if let Some(value) = bind {
        query = query.bind(value);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let grant_sql = format!(
        "SELECT account_id, role, scope FROM role_grants WHERE account_id IN (SELECT id FROM accounts {condition}) ORDER BY role, scope"
    );
    let mut grant_query = sqlx::query_as::<_, GrantRow>(&grant_sql);
    if let Some(value) = bind {
        grant_query = grant_query.bind(value);
    }
    let grants = grant_query.fetch_all(&mut *conn).await?;
    let mut accounts = Vec::with_capacity(rows.len());
    for row in rows {
        let member = row
            .member_slug
            .as_deref()
            .map(Slug::parse)
            .transpose()
            .map_err(|e| corrupt("account member", &e))?;
        accounts.push(Account {
            id: row.id,
            sub: row.sub,
            email: row.email,
            given_name: row.given_name,
            usual_name: row.usual_name,
            siret: row.siret,
            uid: row.uid,
            member,
            grants: Vec::new(),
            created_at: row.created_at,
            last_sign_in_at: row.last_sign_in_at,
        });
    }
    for grant in grants {
        let account_id = grant.account_id;
        let grant = grant_of(&grant)?;
        if let Some(account) = accounts.iter_mut().find(|a| a.id == account_id) {
            account.grants.push(grant);
        }
    }
    Ok(accounts)
}

pub(crate) async fn account(pool: &Pool, id: i64) -> Result<Account> {
    accounts_where(
        &mut *pool.acquire().await?,
        "WHERE id = CAST($1 AS BIGINT)",
        Some(&id.to_string()),
    )
    .await?
    .pop()
    .ok_or(StoreError::NotFound)
}

pub(crate) async fn accounts(pool: &Pool) -> Result<Vec<Account>> {
    accounts_where(&mut *pool.acquire().await?, "", None).await
}

/// The accounts linked to a member, with their roles.
pub(crate) async fn accounts_of_member(conn: &mut Conn, member: &Slug) -> Result<Vec<Account>> {
    accounts_where(conn, "WHERE member_slug = $1", Some(member.as_str())).await
}

/// Deletes the accounts linked to a member (their roles, sessions and tokens go with them);
/// returns their numbers.
pub(crate) async fn delete_accounts_of_member(tx: &mut Tx<'_>, member: &Slug) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("DELETE FROM accounts WHERE member_slug = $1 RETURNING id")
            .bind(member.as_str())
            .fetch_all(&mut **tx)
            .await?,
    )
}

pub(crate) async fn demo_account(pool: &Pool, key: &str) -> Result<Account> {
    accounts_where(
        &mut *pool.acquire().await?,
        "WHERE demo_key = $1",
        Some(key),
    )
    .await?
    .pop()
    .ok_or(StoreError::NotFound)
}

fn account_change(
    action: AuditAction,
    before: Option<&Account>,
    after: Option<&Account>,
) -> Result<Change> {
    let id = after.or(before).map_or(0, |account| account.id);
    let json = |account: Option<&Account>| {
        account
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| corrupt("account", &e))
    };
    Ok(Change {
        action,
        entity_kind: "account".into(),
        entity_id: id.to_string(),
        subject: Some(format!("account:{id}")),
        before: json(before)?,
        after: json(after)?,
    })
}

async fn account_in(tx: &mut Tx<'_>, id: i64) -> Result<Account> {
    accounts_where(tx, "WHERE id = CAST($1 AS BIGINT)", Some(&id.to_string()))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Finds the account of a provider subject, creating it (linked to the member with the same
/// e-mail) on first sign-in and refreshing what the provider says on later ones.
pub(crate) async fn sign_in_from_provider(
    pool: &Pool,
    identity: &ProviderIdentity,
    now: &str,
) -> Result<Account> {
    let mut tx = audit::begin(pool).await?;
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE sub = $1")
        .bind(&identity.sub)
        .fetch_optional(&mut *tx)
        .await?;
    let id = if let Some(id) = existing {
        let before = account_in(&mut tx, id).await?;
        sqlx::query(
            "UPDATE accounts SET email = $1, given_name = $2, usual_name = $3, siret = $4, uid = $5, last_sign_in_at = $6 WHERE id = $7",
        )
        .bind(&identity.email)
        .bind(&identity.given_name)
        .bind(&identity.usual_name)
        .bind(&identity.siret)
        .bind(&identity.uid)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let after = account_in(&mut tx, id).await?;
        let actor = Actor::account(id);
        audit::append(
            &mut tx,
            &actor,
            &[account_change(
                AuditAction::SignIn,
                Some(&before),
                Some(&after),
            )?],
        )
        .await?;
        id
    } else {
        let member: Option<String> = sqlx::query_scalar(
            "SELECT slug FROM members WHERE lower(email) = lower($1) ORDER BY slug LIMIT 1",
        )
        .bind(&identity.email)
        .fetch_optional(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (sub, email, given_name, usual_name, siret, uid, member_slug, created_at, last_sign_in_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(&identity.sub)
        .bind(&identity.email)
        .bind(&identity.given_name)
        .bind(&identity.usual_name)
        .bind(&identity.siret)
        .bind(&identity.uid)
        .bind(member)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let after = account_in(&mut tx, id).await?;
        let actor = Actor::account(id);
        audit::append(
            &mut tx,
            &actor,
            &[account_change(AuditAction::Create, None, Some(&after))?],
        )
        .await?;
        id
    };
    let account = account_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(account)
}

/// Creates a demo account unless one with the same key exists; grants its roles.
pub(crate) async fn ensure_demo_account(
    pool: &Pool,
    key: &str,
    identity: &ProviderIdentity,
    member: Option<&Slug>,
    grants: &[RoleGrant],
    now: &str,
    actor: &Actor,
) -> Result<Account> {
    let mut tx = audit::begin(pool).await?;
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE demo_key = $1")
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(id) = existing {
        let account = account_in(&mut tx, id).await?;
        tx.commit().await?;
        return Ok(account);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (email, given_name, usual_name, siret, uid, member_slug, demo_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&identity.email)
    .bind(&identity.given_name)
    .bind(&identity.usual_name)
    .bind(&identity.siret)
    .bind(&identity.uid)
    .bind(member.map(Slug::as_str))
    .bind(key)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    insert_grants(&mut tx, id, grants, now).await?;
    let after = account_in(&mut tx, id).await?;
    audit::append(
        &mut tx,
        actor,
        &[account_change(AuditAction::Create, None, Some(&after))?],
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

async fn insert_grants(
    tx: &mut Tx<'_>,
    account: i64,
    grants: &[RoleGrant],
    now: &str,
) -> Result<()> {
    for grant in grants {
        sqlx::query(
            "INSERT INTO role_grants (account_id, role, scope, granted_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(account)
        .bind(grant.role.as_str())
        .bind(grant.scope.as_ref().map_or("", Slug::as_str))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Grants a role; [`StoreError::Conflict`] when the account already holds it.
pub(crate) async fn grant_role(
    pool: &Pool,
    account: i64,
    grant: &RoleGrant,
    now: &str,
    actor: &Actor,
) -> Result<Account> {
    let mut tx = audit::begin(pool).await?;
    let before = account_in(&mut tx, account).await?;
    insert_grants(&mut tx, account, std::slice::from_ref(grant), now).await?;
    let after = account_in(&mut tx, account).await?;
    audit::append(
        &mut tx,
        actor,
        &[account_change(
            AuditAction::Grant,
            Some(&before),
            Some(&after),
        )?],
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Revokes a role; [`StoreError::NotFound`] when the account does not hold it.
pub(crate) async fn revoke_role(
    pool: &Pool,
    account: i64,
    grant: &RoleGrant,
    actor: &Actor,
) -> Result<Account> {
    let mut tx = audit::begin(pool).await?;
    let before = account_in(&mut tx, account).await?;
    let removed =
        sqlx::query("DELETE FROM role_grants WHERE account_id = $1 AND role = $2 AND scope = $3")
            .bind(account)
            .bind(grant.role.as_str())
            .bind(grant.scope.as_ref().map_or("", Slug::as_str))
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    let after = account_in(&mut tx, account).await?;
    audit::append(
        &mut tx,
        actor,
        &[account_change(
            AuditAction::Revoke,
            Some(&before),
            Some(&after),
        )?],
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn save_attempt(pool: &Pool, attempt: &SignInAttempt) -> Result<()> {
    sqlx::query(
        "INSERT INTO sign_in_attempts (id_hash, state, nonce, pkce_verifier, return_to, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&attempt.id_hash)
    .bind(&attempt.state)
    .bind(&attempt.nonce)
    .bind(&attempt.pkce_verifier)
    .bind(&attempt.return_to)
    .bind(&attempt.created_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// Removes and returns a pending sign-in, so that it can be used once only.
pub(crate) async fn take_attempt(pool: &Pool, id_hash: &str) -> Result<Option<SignInAttempt>> {
    Ok(sqlx::query_as::<_, SignInAttempt>(
        "DELETE FROM sign_in_attempts WHERE id_hash = $1 RETURNING id_hash, state, nonce, pkce_verifier, return_to, created_at",
    )
    .bind(id_hash)
    .fetch_optional(pool)
    .await?)
}

pub(crate) async fn create_session(pool: &Pool, session: &NewSession) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, account_id, csrf_token, method, id_token, created_at, authenticated_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6)",
    )
    .bind(&session.id_hash)
    .bind(session.account)
    .bind(&session.csrf_token)
    .bind(&session.method)
    .bind(&session.id_token)
    .bind(&session.now)
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn session(pool: &Pool, id_hash: &str) -> Result<Option<SessionRecord>> {
    Ok(sqlx::query_as::<_, SessionRecord>(
        "SELECT id_hash, account_id, csrf_token, method, id_token, created_at, authenticated_at, last_seen_at FROM sessions WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(pool)
    .await?)
}

pub(crate) async fn touch_session(pool: &Pool, id_hash: &str, now: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn reauthenticate_session(pool: &Pool, id_hash: &str, now: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET authenticated_at = $1, last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn delete_session(pool: &Pool, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Drops sessions idle since `idle_before` or opened before `opened_before`, and pending
/// sign-ins older than `attempts_before`.
pub(crate) async fn purge_expired(
    pool: &Pool,
    idle_before: &str,
    opened_before: &str,
    attempts_before: &str,
) -> Result<u64> {
    let sessions = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(opened_before)
        .execute(pool)
        .await?
        .rows_affected();
    let attempts = sqlx::query("DELETE FROM sign_in_attempts WHERE created_at < $1")
        .bind(attempts_before)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(sessions + attempts)
}

#[derive(FromRow)]
struct TokenRow {
    id: i64,
    account_id: i64,
    name: String,
    prefix: String,
    scopes: String,
    created_at: String,
    expires_at: String,
    revoked_at: Option<String>,
    last_used_at: Option<String>,
}

const TOKEN_COLUMNS: &str =
    "id, account_id, name, prefix, scopes, created_at, expires_at, revoked_at, last_used_at";

fn token_of(row: TokenRow) -> Result<ApiToken> {
    let scopes = row
        .scopes
        .split_whitespace()
        .map(Scope::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| corrupt("token scopes", &e))?;
    Ok(ApiToken {
        id: row.id,
        account: row.account_id,
        name: row.name,
        prefix: row.prefix,
        scopes,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
        last_used_at: row.last_used_at,
    })
}

fn token_change(
    action: AuditAction,
    before: Option<&ApiToken>,
    after: Option<&ApiToken>,
) -> Result<Change> {
    let token = after.or(before);
    let json = |token: Option<&ApiToken>| {
        token
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| corrupt("token", &e))
    };
    Ok(Change {
        action,
        entity_kind: "api_token".into(),
        entity_id: token.map_or(0, |t| t.id).to_string(),
        subject: token.map(|t| format!("account:{}", t.account)),
        before: json(before)?,
        after: json(after)?,
    })
}

async fn token_in(tx: &mut Tx<'_>, id: i64) -> Result<ApiToken> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1");
    let row = sqlx::query_as::<_, TokenRow>(&sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    token_of(row)
}

pub(crate) async fn create_token(pool: &Pool, token: &NewToken, actor: &Actor) -> Result<ApiToken> {
    let mut tx = audit::begin(pool).await?;
    let scopes: Vec<&str> = token.scopes.iter().map(|scope| scope.as_str()).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (account_id, name, prefix, token_hash, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(token.account)
    .bind(&token.name)
    .bind(&token.prefix)
    .bind(&token.token_hash)
    .bind(scopes.join(" "))
    .bind(&token.created_at)
    .bind(&token.expires_at)
    .fetch_one(&mut *tx)
    .await?;
    let created = token_in(&mut tx, id).await?;
    audit::append(
        &mut tx,
        actor,
        &[token_change(AuditAction::Create, None, Some(&created))?],
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

pub(crate) async fn tokens(pool: &Pool, account: i64) -> Result<Vec<ApiToken>> {
    tokens_in(&mut *pool.acquire().await?, account).await
}

/// An account's tokens, newest first, on a connection.
pub(crate) async fn tokens_in(conn: &mut Conn, account: i64) -> Result<Vec<ApiToken>> {
    let sql =
        format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE account_id = $1 ORDER BY id DESC");
    sqlx::query_as::<_, TokenRow>(&sql)
        .bind(account)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(token_of)
        .collect()
}

/// The live token with this hash: neither revoked nor expired at `now`.
pub(crate) async fn live_token(
    pool: &Pool,
    token_hash: &str,
    now: &str,
) -> Result<Option<ApiToken>> {
    let sql = format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2"
    );
    sqlx::query_as::<_, TokenRow>(&sql)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await?
        .map(token_of)
        .transpose()
}

pub(crate) async fn touch_token(pool: &Pool, id: i64, now: &str) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Revokes one of an account's tokens; [`StoreError::NotFound`] when it has no such live token.
pub(crate) async fn revoke_token(
    pool: &Pool,
    account: i64,
    id: i64,
    now: &str,
    actor: &Actor,
) -> Result<ApiToken> {
    let mut tx = audit::begin(pool).await?;
    let before = token_in(&mut tx, id).await?;
    if before.account != account || before.revoked_at.is_some() {
        return Err(StoreError::NotFound);
    }
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let after = token_in(&mut tx, id).await?;
    audit::append(
        &mut tx,
        actor,
        &[token_change(
            AuditAction::Revoke,
            Some(&before),
            Some(&after),
        )?],
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
