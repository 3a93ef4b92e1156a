//! The SQLite backend: one file, WAL mode, created on first use.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::Result;

/// This backend's database type, for the shared repository code.
pub(crate) type Db = sqlx::Sqlite;

#[path = "repo/access.rs"]
pub(crate) mod access;
#[path = "repo/audit.rs"]
pub(crate) mod audit;
#[path = "repo/batch.rs"]
mod batch;
#[path = "repo/committee.rs"]
pub(crate) mod committee;
#[path = "repo/commons.rs"]
pub(crate) mod commons;
#[path = "repo/data.rs"]
pub(crate) mod data;
#[path = "repo/delivery.rs"]
pub(crate) mod delivery;
#[path = "repo/eig.rs"]
pub(crate) mod eig;
#[path = "repo/identity.rs"]
pub(crate) mod identity;
#[path = "repo/impact.rs"]
pub(crate) mod impact;
#[path = "repo/jobs.rs"]
pub(crate) mod jobs;
#[path = "repo/outbox.rs"]
pub(crate) mod outbox;
#[path = "repo/portfolio.rs"]
pub(crate) mod portfolio;
#[path = "repo/quality.rs"]
pub(crate) mod quality;
#[path = "repo/recruitment.rs"]
pub(crate) mod recruitment;
#[path = "repo/release.rs"]
pub(crate) mod release;
#[path = "repo/schema.rs"]
mod schema;
#[path = "repo/stats.rs"]
pub(crate) mod stats;
#[path = "repo/support.rs"]
pub(crate) mod support;
#[path = "repo/training.rs"]
pub(crate) mod training;
pub(crate) use schema::migrate;

/// Serialises the writers of the audit chain: a no-op write takes SQLite's one write lock
/// (already held when the transaction wrote its data first) until the transaction ends.
pub(crate) const AUDIT_LOCK: Option<&str> =
    Some("UPDATE store_revision SET revision = revision WHERE id = 1");

/// Leases due jobs: one statement, and SQLite runs one writer at a time, so two workers
/// never lease the same job.
pub(crate) const CLAIM_JOBS: &str = "UPDATE jobs SET leased_by = $1, leased_until = $2, attempts = attempts + 1 WHERE id IN (SELECT id FROM jobs WHERE run_at <= $3 AND kind <> $5 AND (leased_until IS NULL OR leased_until < $3) ORDER BY run_at, id LIMIT $4) RETURNING id, kind, key, attempts, run_at, every_seconds";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The migrations this build knows, by version.
pub(crate) fn known_migrations() -> Vec<i64> {
    MIGRATOR.iter().map(|migration| migration.version).collect()
}

pub(crate) async fn connect(url: &str) -> Result<sqlx::SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a committed write survives a power loss, at one more sync per commit.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    Ok(pool)
}
