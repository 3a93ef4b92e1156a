//! The audit log's repository: appending chained entries inside a write's transaction,
//! reading them back (personal values opened, or shown as erased), verifying the chain,
//! erasing a person, and exporting what is held on them.
//!
//! Compiled once per backend like `portfolio.rs`.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use pilote_domain::Slug;
use pilote_domain::audit::{
    Actor, AuditAction, AuditEntry, ChainHead, ChainVerifier, Change, PersonKey, SealError,
    StoredEntry, audit_time, format_time, open_personal,
};
use serde_json::{Map, Value, json};
use sqlx::{FromRow, Transaction};

use super::batch::{MAX_BINDS, fetch, insert};
use super::portfolio::{self, member_subject};
use super::{AUDIT_LOCK, Db};
use crate::audit::{AuditPage, AuditVerification, ChangedKinds, Erasure};
use crate::{Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

const COLUMNS: &str = "seq, at, actor_kind, actor_id, actor_name, action, entity_kind, \
                       entity_id, subject, before, after, prev_hash, hash";

/// Entries read per statement while verifying.
const VERIFY_CHUNK: i64 = 2_000;

/// Begins a write transaction holding the lock on the chain from the start, so that the
/// records it reads before writing ("before") are the ones it replaces, and SQLite waits for
/// its write lock instead of failing a read transaction that later writes.
pub(crate) async fn begin(pool: &Pool) -> Result<Tx<'static>> {
    let mut tx = pool.begin().await?;
    lock(&mut tx).await?;
    Ok(tx)
}

async fn lock(tx: &mut Tx<'_>) -> Result<()> {
    if let Some(lock) = AUDIT_LOCK {
        sqlx::query(lock).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Logs a step of a request that keeps a trail (support, access): the request before and
/// after, under `kinds.0`; or, for a message, which changes nothing of the request, the
/// message itself under `kinds.1`.
pub(crate) async fn log_step<R: serde::Serialize, M: serde::Serialize>(
    tx: &mut Tx<'_>,
    actor: &Actor,
    kinds: (&str, &str),
    request: (i64, Option<&R>, &R),
    message: Option<(i64, &M)>,
) -> Result<()> {
    let (id, before, after) = request;
    let entry = match message {
        Some((number, message)) => super::impact::change(
            AuditAction::Create,
            kinds.1,
            number.to_string(),
            None,
            Some(message),
        )?,
        None => super::impact::change(
            if before.is_some() {
                AuditAction::Update
            } else {
                AuditAction::Create
            },
            kinds.0,
            id.to_string(),
            before,
            Some(after),
        )?,
    };
    append(tx, actor, &[entry]).await
}

/// Appends one chained entry per change, personal values sealed under their subject's key
/// (created on first need).
///
/// Call it after the transaction's data writes, in a transaction from [`begin`] at best. It
/// takes the backend's lock on the chain (`AUDIT_LOCK`: PostgreSQL's advisory lock, SQLite's
/// write lock) if not held yet, so that no other writer chains onto the same head before
/// this transaction ends; the unique `seq` guards against forks in any case.
pub(crate) async fn append(tx: &mut Tx<'_>, actor: &Actor, changes: &[Change]) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    lock(tx).await?;
    let mut head = head(tx).await?;
    let keys = keys_for(tx, changes).await?;
    let at = audit_time();
    let mut entries = Vec::with_capacity(changes.len());
    for change in changes {
        // Only changes holding personal values are copied, to be sealed.
        let change = if change.holds_personal_values() {
            let subject = change.sealing_subject();
            let key = subject
                .as_ref()
                .and_then(|subject| keys.get(subject))
                .ok_or_else(|| corrupt("person key", &"missing for a personal value"))?;
            let mut sealed = change.clone();
            sealed.subject = subject;
            Cow::Owned(
                sealed
                    .sealed(key)
                    .map_err(|e| corrupt("sealed value", &e))?,
            )
        } else {
            Cow::Borrowed(change)
        };
        entries.push(head.append(at, actor, &change));
    }
    insert(
        tx,
        &format!("INSERT INTO audit_log ({COLUMNS}) "),
        13,
        &entries,
        |row, entry| {
            row.push_bind(entry.seq)
                .push_bind(entry.at.as_str())
                .push_bind(entry.actor_kind.as_str())
                .push_bind(entry.actor_id.as_str())
                .push_bind(entry.actor_name.as_str())
                .push_bind(entry.action.as_str())
                .push_bind(entry.entity_kind.as_str())
                .push_bind(entry.entity_id.as_str())
                .push_bind(entry.subject.as_deref())
                .push_bind(entry.before.as_deref())
                .push_bind(entry.after.as_deref())
                .push_bind(entry.prev_hash.as_str())
                .push_bind(entry.hash.as_str());
        },
    )
    .await
}

async fn head(tx: &mut Tx<'_>) -> Result<ChainHead> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
    Ok(last.map_or_else(ChainHead::genesis, |(seq, hash)| ChainHead { seq, hash }))
}

/// The keys of the subjects whose personal values `changes` hold, creating missing ones.
async fn keys_for(tx: &mut Tx<'_>, changes: &[Change]) -> Result<HashMap<String, PersonKey>> {
    let subjects: Vec<String> = changes
        .iter()
        .filter(|change| change.holds_personal_values())
        .filter_map(Change::sealing_subject)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut keys = load_keys(tx, &subjects).await?;
    let missing: Vec<(String, PersonKey)> = subjects
        .into_iter()
        .filter(|subject| !keys.contains_key(subject))
        .map(|subject| (subject, PersonKey::generate()))
        .collect();
    let created_at = format_time(audit_time());
    insert(
        tx,
        "INSERT INTO person_keys (subject, key, created_at) ",
        3,
        &missing,
        |row, (subject, key)| {
            row.push_bind(subject.as_str())
                .push_bind(key.as_bytes().as_slice())
                .push_bind(created_at.as_str());
        },
    )
    .await?;
    keys.extend(missing);
    Ok(keys)
}

#[derive(FromRow)]
struct KeyRow {
    subject: String,
    key: Vec<u8>,
}

async fn load_keys(conn: &mut Conn, subjects: &[String]) -> Result<HashMap<String, PersonKey>> {
    fetch::<KeyRow, _>(
        conn,
        "SELECT subject, key FROM person_keys",
        Some(("subject", subjects)),
        "subject",
    )
    .await?
    .into_iter()
    .map(|row| {
        let key = PersonKey::from_bytes(&row.key).map_err(|e| corrupt("person key", &e))?;
        Ok((row.subject, key))
    })
    .collect()
}

#[derive(FromRow)]
struct EntryRow {
    seq: i64,
    at: String,
    actor_kind: String,
    actor_id: String,
    actor_name: String,
    action: String,
    entity_kind: String,
    entity_id: String,
    subject: Option<String>,
    before: Option<String>,
    after: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<EntryRow> for StoredEntry {
    fn from(row: EntryRow) -> Self {
        Self {
            seq: row.seq,
            at: row.at,
            actor_kind: row.actor_kind,
            actor_id: row.actor_id,
            actor_name: row.actor_name,
            action: row.action,
            entity_kind: row.entity_kind,
            entity_id: row.entity_id,
            subject: row.subject,
            before: row.before,
            after: row.after,
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

fn readable(rows: Vec<EntryRow>) -> Result<Vec<AuditEntry>> {
    rows.into_iter()
        .map(|row| {
            let seq = row.seq;
            StoredEntry::from(row)
                .to_entry()
                .map_err(|reason| corrupt(&format!("audit_log.{seq}"), &reason))
        })
        .collect()
}

/// Opens the personal values of entries whose subject's key exists; the others read
/// [`pilote_domain::audit::ERASED`].
async fn opened(conn: &mut Conn, mut entries: Vec<AuditEntry>) -> Result<Vec<AuditEntry>> {
    let subjects: Vec<String> = entries
        .iter()
        .filter_map(|entry| entry.subject.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let keys = load_keys(conn, &subjects).await?;
    for entry in &mut entries {
        let key = entry.subject.as_ref().and_then(|subject| keys.get(subject));
        for value in [&mut entry.before, &mut entry.after].into_iter().flatten() {
            open_personal(&entry.entity_kind, value, key)
                .map_err(|e: SealError| corrupt(&format!("audit_log.{}", entry.seq), &e))?;
        }
    }
    Ok(entries)
}

pub(crate) async fn history(
    pool: &Pool,
    entity_kind: &str,
    entity_id: &str,
) -> Result<Vec<AuditEntry>> {
    let mut conn = pool.acquire().await?;
    let rows = sqlx::query_as::<_, EntryRow>(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE entity_kind = $1 AND entity_id = $2 ORDER BY seq"
    ))
    .bind(entity_kind)
    .bind(entity_id)
    .fetch_all(&mut *conn)
    .await?;
    opened(&mut conn, readable(rows)?).await
}

pub(crate) async fn page(pool: &Pool, offset: u64, limit: u64) -> Result<AuditPage> {
    let mut conn = pool.acquire().await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query_as::<_, EntryRow>(&format!(
        "SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1 OFFSET $2"
    ))
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?;
    Ok(AuditPage {
        entries: opened(&mut conn, readable(rows)?).await?,
        total: u64::try_from(total).unwrap_or(0),
    })
}

pub(crate) async fn changes_since(pool: &Pool, seq: i64) -> Result<ChangedKinds> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT entity_kind, MAX(seq) FROM audit_log WHERE seq > $1 GROUP BY entity_kind",
    )
    .bind(seq)
    .fetch_all(pool)
    .await?;
    Ok(ChangedKinds {
        last: rows.iter().map(|(_, last)| *last).fold(seq, i64::max),
        kinds: rows.into_iter().map(|(kind, _)| kind).collect(),
    })
}

pub(crate) async fn position(pool: &Pool) -> Result<i64> {
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
        .fetch_one(pool)
        .await?;
    Ok(last.unwrap_or(0))
}

/// Checks the whole chain in order, a chunk of entries at a time.
pub(crate) async fn verify(pool: &Pool) -> Result<AuditVerification> {
    let mut conn = pool.acquire().await?;
    let mut verifier = ChainVerifier::new();
    let mut last = i64::MIN;
    loop {
        let rows = sqlx::query_as::<_, EntryRow>(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(last)
        .bind(VERIFY_CHUNK)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(AuditVerification {
                entries: verifier.checked(),
                first_break: None,
            });
        }
        for row in rows {
            last = row.seq;
            if let Err(broken) = verifier.check(&StoredEntry::from(row)) {
                return Ok(AuditVerification {
                    entries: verifier.checked(),
                    first_break: Some(broken),
                });
            }
        }
    }
}

/// The subjects whose keys seal a member's personal values: the member's own and those of
/// the accounts linked to the member.
async fn subjects_of_member(conn: &mut Conn, member: &Slug) -> Result<Vec<String>> {
    let accounts: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM accounts WHERE member_slug = $1 ORDER BY id")
            .bind(member.as_str())
            .fetch_all(&mut *conn)
            .await?;
    Ok(std::iter::once(member_subject(member))
        .chain(accounts.into_iter().map(|id| format!("account:{id}")))
        .collect())
}

/// Erases a member's personal data in one transaction: destroys the keys that seal it in
/// the log, clears the member's personal fields, and logs the erasure (without any personal
/// value). [`StoreError::NotFound`] when there is neither such a member nor any key.
pub(crate) async fn erase(pool: &Pool, member: &Slug, actor: &Actor) -> Result<Erasure> {
    let mut tx = begin(pool).await?;
    let subjects = subjects_of_member(&mut tx, member).await?;
    let mut destroyed_keys: Vec<String> =
        load_keys(&mut tx, &subjects).await?.into_keys().collect();
    destroyed_keys.sort();
    for chunk in destroyed_keys.chunks(MAX_BINDS) {
        let mut builder =
            sqlx::QueryBuilder::<Db>::new("DELETE FROM person_keys WHERE subject IN (");
        let mut list = builder.separated(", ");
        for subject in chunk {
            list.push_bind(subject.as_str());
        }
        builder.push(")");
        builder.build().execute(&mut *tx).await?;
    }
    let cleared = portfolio::clear_personal_fields(&mut tx, member).await?;
    // An account only says who the person is: it goes, with its sessions and tokens.
    let deleted_accounts = super::identity::delete_accounts_of_member(&mut tx, member).await?;
    // Support requests keep the names of those who took part: theirs go too.
    super::support::forget_accounts(&mut tx, &deleted_accounts).await?;
    super::access::forget_accounts(&mut tx, &deleted_accounts).await?;
    let member_found = cleared.is_some();
    if !member_found && destroyed_keys.is_empty() && deleted_accounts.is_empty() {
        return Err(StoreError::NotFound);
    }
    let cleared_fields = cleared.unwrap_or_default();
    let change = Change {
        action: AuditAction::Erase,
        entity_kind: "member".to_owned(),
        entity_id: member.to_string(),
        subject: Some(member_subject(member)),
        before: None,
        after: Some(json!({
            "cleared_fields": cleared_fields,
            "destroyed_keys": destroyed_keys,
            "deleted_accounts": deleted_accounts,
        })),
    };
    append(&mut tx, actor, &[change]).await?;
    tx.commit().await?;
    Ok(Erasure {
        member_found,
        cleared_fields,
        destroyed_keys,
        deleted_accounts,
    })
}

/// Everything held on a member: the record with its personal fields, every audit entry about
/// them or sealed under their keys (opened), and what [`export_linked_records`] adds.
pub(crate) async fn export(pool: &Pool, member: &Slug) -> Result<Value> {
    // One transaction: a consistent picture on both backends.
    let mut tx = pool.begin().await?;
    let record = portfolio::load_members(&mut tx, Some(std::slice::from_ref(member)))
        .await?
        .pop();
    let subjects = subjects_of_member(&mut tx, member).await?;
    let mut builder = sqlx::QueryBuilder::<Db>::new(format!(
        "SELECT {COLUMNS} FROM audit_log WHERE (entity_kind = 'member' AND entity_id = "
    ));
    builder.push_bind(member.as_str());
    builder.push(") OR subject IN (");
    let mut list = builder.separated(", ");
    for subject in &subjects {
        list.push_bind(subject.as_str());
    }
    builder.push(") ORDER BY seq");
    let rows = builder
        .build_query_as::<EntryRow>()
        .fetch_all(&mut *tx)
        .await?;
    let entries = opened(&mut tx, readable(rows)?).await?;
    if record.is_none() && entries.is_empty() {
        return Err(StoreError::NotFound);
    }
    let mut export = Map::new();
    export.insert("slug".into(), Value::String(member.to_string()));
    export.insert(
        "exported_at".into(),
        Value::String(format_time(audit_time())),
    );
    export.insert("member".into(), to_json(&record)?);
    export.insert("audit_log".into(), to_json(&entries)?);
    export_linked_records(&mut tx, member, &mut export).await?;
    Ok(Value::Object(export))
}

/// The records identity holds on a member: the linked accounts with their roles, and their
/// API tokens (never the secrets, which Pilote does not keep).
async fn export_linked_records(
    conn: &mut Conn,
    member: &Slug,
    export: &mut Map<String, Value>,
) -> Result<()> {
    let accounts = super::identity::accounts_of_member(conn, member).await?;
    let mut tokens = Vec::new();
    for account in &accounts {
        tokens.extend(super::identity::tokens_in(conn, account.id).await?);
    }
    export.insert("accounts".into(), to_json(&accounts)?);
    export.insert("api_tokens".into(), to_json(&tokens)?);
    Ok(())
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| corrupt("export", &e))
}

fn corrupt(what: &str, reason: &impl ToString) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}
