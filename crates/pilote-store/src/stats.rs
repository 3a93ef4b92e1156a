//! Figures read for the metrics, at scrape time: the job queue by kind, and what the
//! imports did (recorded by each import, added up in the store).

use crate::{Result, Store};

/// The jobs of one kind at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindQueue {
    /// The job kind (`probe`, `email`, ...).
    pub kind: String,
    /// Jobs due and waiting for a worker (none holds a live lease on them).
    pub waiting: i64,
    /// The due time of the oldest waiting job.
    pub oldest_waiting: Option<String>,
    /// Jobs a worker holds a live lease on.
    pub leased: i64,
    /// Every job of the kind, due or not.
    pub scheduled: i64,
}

/// Records counted by an import, for one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordCounts {
    /// Records new to the store.
    pub created: i64,
    /// Records that differed from the stored ones.
    pub updated: i64,
    /// Records identical to the stored ones.
    pub unchanged: i64,
    /// Stored records the source no longer held, removed.
    pub deleted: i64,
}

/// What one importer did, added up over its runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImporterTotals {
    /// The importer (`beta`, `sill`, ...).
    pub importer: String,
    /// Runs that wrote (dry runs are not counted).
    pub runs: i64,
    /// When the last one ended.
    pub last_run_at: String,
    /// Counts per kind of record, by name.
    pub entities: Vec<(String, RecordCounts)>,
}

impl Store {
    /// The job table by kind at `now`, kinds in order.
    pub async fn job_queue_by_kind(&self, now: &str) -> Result<Vec<KindQueue>> {
        dispatch!(self, pool => backend::stats::queue_by_kind(pool, now).await)
    }

    /// Adds an import run of `importer`, ended at `at`, and its counts per kind of record.
    pub async fn record_import(
        &self,
        importer: &str,
        entities: &[(&str, RecordCounts)],
        at: &str,
    ) -> Result<()> {
        dispatch!(self, pool => backend::stats::record_import(pool, importer, entities, at).await)
    }

    /// What each importer did, importers and kinds of record in order.
    pub async fn import_totals(&self) -> Result<Vec<ImporterTotals>> {
        dispatch!(self, pool => backend::stats::import_totals(pool).await)
    }
}
