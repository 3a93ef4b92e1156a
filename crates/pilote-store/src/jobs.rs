//! The job table through the [`Store`]: scheduling, leasing and ending background work.

use crate::{Result, Store};

/// A worker's hold on a job, until its lease ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    /// The job's number.
    pub id: i64,
    /// The worker holding it.
    pub worker: String,
    /// For a recurring job, seconds from one run to the next.
    pub every_seconds: Option<i64>,
}

/// A job leased to a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The lease to end it with.
    pub lease: JobLease,
    /// What to do (`probe`).
    pub kind: String,
    /// On what (a product's slug).
    pub key: String,
    /// Times it was leased since it last succeeded, this one included.
    pub attempts: i32,
}

/// The queue's state at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueDepth {
    /// Jobs in the table.
    pub jobs: i64,
    /// Of which due.
    pub due: i64,
    /// The due time of the oldest due job.
    pub oldest_due: Option<String>,
}

impl Store {
    /// Adds a recurring job of `kind` for each key lacking one, due at `first_run`, then
    /// every `every_seconds` once done; returns how many were added.
    pub async fn schedule_jobs(
        &self,
        kind: &str,
        keys: &[String],
        every_seconds: i64,
        first_run: &str,
    ) -> Result<u64> {
        dispatch!(self, pool => backend::jobs::schedule(pool, kind, keys, every_seconds, first_run).await)
    }

    /// Adds a one-off job, or moves the pending one of the same kind and key to `run_at`.
    pub async fn enqueue_job(&self, kind: &str, key: &str, run_at: &str) -> Result<()> {
        dispatch!(self, pool => backend::jobs::enqueue(pool, kind, key, run_at).await)
    }

    /// Leases up to `limit` jobs due at `now` to `worker` until `until`.
    pub async fn claim_jobs(
        &self,
        worker: &str,
        now: &str,
        until: &str,
        limit: i64,
    ) -> Result<Vec<Job>> {
        dispatch!(self, pool => backend::jobs::claim(pool, worker, now, until, limit, None).await)
    }

    /// [`Store::claim_jobs`], leaving the jobs of kind `skip` to other workers.
    pub async fn claim_jobs_except(
        &self,
        worker: &str,
        now: &str,
        until: &str,
        limit: i64,
        skip: &str,
    ) -> Result<Vec<Job>> {
        dispatch!(self, pool => backend::jobs::claim(pool, worker, now, until, limit, Some(skip)).await)
    }

    /// Ends a job that failed; it is due again at `retry_at`. Returns whether the lease held.
    pub async fn fail_job(&self, lease: &JobLease, error: &str, retry_at: &str) -> Result<bool> {
        dispatch!(self, pool => backend::jobs::fail(pool, lease, error, retry_at).await)
    }

    /// Removes a job, recurring or not, whose subject is gone; scheduling adds it again if
    /// the subject comes back. Returns whether the lease held.
    pub async fn remove_job(&self, lease: &JobLease) -> Result<bool> {
        dispatch!(self, pool => backend::jobs::remove(pool, lease).await)
    }

    /// Ends a job with nothing to store (its subject is gone). Returns whether the lease held.
    pub async fn finish_job(&self, lease: &JobLease, now: &str) -> Result<bool> {
        dispatch!(self, pool => {
            let mut tx = pool.begin().await?;
            let held = backend::jobs::finish(&mut tx, lease, now).await?;
            tx.commit().await?;
            Ok(held)
        })
    }

    /// How many jobs wait, how many are due at `now`, and since when.
    pub async fn job_queue(&self, now: &str) -> Result<QueueDepth> {
        let (jobs, due, oldest_due) =
            dispatch!(self, pool => backend::jobs::queue(pool, now).await)?;
        Ok(QueueDepth {
            jobs,
            due,
            oldest_due,
        })
    }
}
