//! Figures for the metrics: the job queue by kind, and the imports' counts. Compiled once
//! per backend like `portfolio.rs`.

use super::Db;
use crate::{ImporterTotals, KindQueue, RecordCounts, Result};

type Pool = sqlx::Pool<Db>;

/// The job table by kind: waiting (due, no live lease), oldest waiting, leased, all.
pub(crate) async fn queue_by_kind(pool: &Pool, now: &str) -> Result<Vec<KindQueue>> {
    let rows: Vec<(String, i64, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT kind, \
         COUNT(*) FILTER (WHERE run_at <= $1 AND (leased_until IS NULL OR leased_until < $1)), \
         MIN(run_at) FILTER (WHERE run_at <= $1 AND (leased_until IS NULL OR leased_until < $1)), \
         COUNT(*) FILTER (WHERE leased_until >= $1), \
         COUNT(*) \
         FROM jobs GROUP BY kind ORDER BY kind",
    )
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(kind, waiting, oldest_waiting, leased, scheduled)| KindQueue {
                kind,
                waiting,
                oldest_waiting,
                leased,
                scheduled,
            },
        )
        .collect())
}

/// Adds one run of `importer` and its counts, in one transaction.
pub(crate) async fn record_import(
    pool: &Pool,
    importer: &str,
    entities: &[(&str, RecordCounts)],
    at: &str,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO import_runs (importer, runs, last_run_at) VALUES ($1, 1, $2) \
         ON CONFLICT (importer) DO UPDATE SET runs = import_runs.runs + 1, last_run_at = excluded.last_run_at",
    )
    .bind(importer)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    for (entity, counts) in entities {
        sqlx::query(
            "INSERT INTO import_counts (importer, entity, created, updated, unchanged, deleted) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (importer, entity) DO UPDATE SET created = import_counts.created + excluded.created, \
             updated = import_counts.updated + excluded.updated, unchanged = import_counts.unchanged + excluded.unchanged, \
             deleted = import_counts.deleted + excluded.deleted",
        )
        .bind(importer)
        .bind(*entity)
        .bind(counts.created)
        .bind(counts.updated)
        .bind(counts.unchanged)
        .bind(counts.deleted)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every importer's runs and counts.
pub(crate) async fn import_totals(pool: &Pool) -> Result<Vec<ImporterTotals>> {
    let runs: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT importer, runs, last_run_at FROM import_runs ORDER BY importer")
            .fetch_all(pool)
            .await?;
    let counts: Vec<(String, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT importer, entity, created, updated, unchanged, deleted FROM import_counts ORDER BY importer, entity",
    )
    .fetch_all(pool)
    .await?;
    Ok(runs
        .into_iter()
        .map(|(importer, runs, last_run_at)| {
            let entities = counts
                .iter()
                .filter(|row| row.0 == importer)
                .map(|(_, entity, created, updated, unchanged, deleted)| {
                    (
                        entity.clone(),
                        RecordCounts {
                            created: *created,
                            updated: *updated,
                            unchanged: *unchanged,
                            deleted: *deleted,
                        },
                    )
                })
                .collect();
            ImporterTotals {
                importer,
                runs,
                last_run_at,
                entities,
            }
        })
        .collect())
}
