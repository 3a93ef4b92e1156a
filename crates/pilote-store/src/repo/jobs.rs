//! The job table: background work that any number of workers share.
//!
//! A worker leases due jobs for a while before running them; finishing checks that the lease
//! is still its own, inside the same transaction as the job's result, so a job is done once
//! even when a worker dies or runs late. Compiled once per backend like `portfolio.rs`.

use super::{CLAIM_JOBS, Db};
use crate::{Job, JobLease, Result};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = sqlx::Transaction<'c, Db>;

/// Adds a recurring job for each key that has none of `kind`, due at `first_run`.
pub(crate) async fn schedule(
    pool: &Pool,
    kind: &str,
    keys: &[String],
    every_seconds: i64,
    first_run: &str,
) -> Result<u64> {
    let mut tx = pool.begin().await?;
    let mut added = 0;
    for key in keys {
        added += sqlx::query(
            "INSERT INTO jobs (kind, key, run_at, every_seconds) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, key) DO NOTHING",
        )
        .bind(kind)
        .bind(key)
        .bind(first_run)
        .bind(every_seconds)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    tx.commit().await?;
    Ok(added)
}

/// Adds a one-off job (or moves an existing one of the same key to `run_at`).
pub(crate) async fn enqueue(pool: &Pool, kind: &str, key: &str, run_at: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3) ON CONFLICT (kind, key) DO UPDATE SET run_at = excluded.run_at",
    )
    .bind(kind)
    .bind(key)
    .bind(run_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// Id, kind, key, attempts, due time and period of a leased job.
type ClaimedRow = (i64, String, String, i32, String, Option<i64>);

/// Leases up to `limit` jobs due at `now` for `worker` until `until`, oldest first, leaving
/// those of kind `skip` alone. A job whose lease expired is due again.
pub(crate) async fn claim(
    pool: &Pool,
    worker: &str,
    now: &str,
    until: &str,
    limit: i64,
    skip: Option<&str>,
) -> Result<Vec<Job>> {
    let mut rows: Vec<ClaimedRow> = sqlx::query_as(CLAIM_JOBS)
        .bind(worker)
        .bind(until)
        .bind(now)
        .bind(limit)
        // No job has an empty kind: skipping '' skips nothing.
        .bind(skip.unwrap_or(""))
        .fetch_all(pool)
        .await?;
    // RETURNING keeps no order: the oldest due first.
    rows.sort_by(|a, b| (&a.4, a.0).cmp(&(&b.4, b.0)));
    Ok(rows
        .into_iter()
        .map(|(id, kind, key, attempts, _, every_seconds)| Job {
            lease: JobLease {
                id,
                worker: worker.to_owned(),
                every_seconds,
            },
            kind,
            key,
            attempts,
        })
        .collect())
}

/// Ends a job inside `tx` if `lease` still holds it: a recurring job is due again
/// `every_seconds` after `now`, a one-off job is removed. Returns whether the lease held.
///
/// Its first statement writes, so that on SQLite the transaction takes the write lock at
/// once rather than upgrade a read snapshot that another writer may have made stale.
pub(crate) async fn finish(tx: &mut Tx<'_>, lease: &JobLease, now: &str) -> Result<bool> {
    let done = if let Some(every) = lease.every_seconds {
        let next = chrono::DateTime::parse_from_rfc3339(now)
            .map_or_else(|_| chrono::Utc::now(), |t| t.with_timezone(&chrono::Utc))
            + chrono::Duration::seconds(every);
        sqlx::query(
            "UPDATE jobs SET run_at = $3, leased_by = NULL, leased_until = NULL, attempts = 0, last_error = NULL, last_done_at = $4 WHERE id = $1 AND leased_by = $2",
        )
        .bind(lease.id)
        .bind(&lease.worker)
        .bind(crate::timestamp(next))
        .bind(now)
        .execute(&mut **tx)
        .await?
    } else {
        sqlx::query("DELETE FROM jobs WHERE id = $1 AND leased_by = $2")
            .bind(lease.id)
            .bind(&lease.worker)
            .execute(&mut **tx)
            .await?
    };
    Ok(done.rows_affected() == 1)
}

/// Removes a job that `lease` holds, whatever its kind; returns whether the lease held.
pub(crate) async fn remove(pool: &Pool, lease: &JobLease) -> Result<bool> {
    let removed = sqlx::query("DELETE FROM jobs WHERE id = $1 AND leased_by = $2")
        .bind(lease.id)
        .bind(&lease.worker)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(removed == 1)
}

/// Ends a job that failed: it is due again at `retry_at`, with the error kept.
pub(crate) async fn fail(
    pool: &Pool,
    lease: &JobLease,
    error: &str,
    retry_at: &str,
) -> Result<bool> {
    let mut tx = pool.begin().await?;
    let held = fail_in(&mut tx, lease, error, retry_at).await?;
    tx.commit().await?;
    Ok(held)
}

/// [`fail`] inside the caller's transaction, with the job's result.
pub(crate) async fn fail_in(
    tx: &mut Tx<'_>,
    lease: &JobLease,
    error: &str,
    retry_at: &str,
) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE jobs SET run_at = $3, leased_by = NULL, leased_until = NULL, last_error = $4 WHERE id = $1 AND leased_by = $2",
    )
    .bind(lease.id)
    .bind(&lease.worker)
    .bind(retry_at)
    .bind(error)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Jobs waiting, and the oldest due time among those due at `now`.
pub(crate) async fn queue(pool: &Pool, now: &str) -> Result<(i64, i64, Option<String>)> {
    let row: (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE run_at <= $1), MIN(run_at) FILTER (WHERE run_at <= $1) FROM jobs",
    )
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(row)
}
