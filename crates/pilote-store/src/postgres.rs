//! The PostgreSQL backend: the system of record in production.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::Result;

/// This backend's database type, for the shared repository code.
pub(crate) type Db = sqlx::Postgres;

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

/// Serialises the writers of the audit chain until their transaction ends (the key spells
/// "pilote").
pub(crate) const AUDIT_LOCK: Option<&str> = Some("SELECT pg_advisory_xact_lock(123598093120613)");

/// Leases due jobs: rows another worker is leasing are skipped, not waited for, so any
/// number of workers share the queue without taking a job twice.
pub(crate) const CLAIM_JOBS: &str = "UPDATE jobs SET leased_by = $1, leased_until = $2, attempts = attempts + 1 WHERE id IN (SELECT id FROM jobs WHERE run_at <= $3 AND kind <> $5 AND (leased_until IS NULL OR leased_until < $3) ORDER BY run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING id, kind, key, attempts, run_at, every_seconds";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub(crate) async fn connect(url: &str) -> Result<sqlx::PgPool> {
    let options = PgConnectOptions::from_str(url)?;
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    Ok(pool)
}
