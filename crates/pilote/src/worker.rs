//! The worker: leases due jobs from the job table, which any number of workers share, and
//! runs each by its kind: a product's probe, an e-mail of the outbox, a webhook delivery,
//! the sweep of access requests waiting on their applicants, the daily erasure of
//! candidates' data past its retention period.

use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use pilote_domain::audit::Actor;
use pilote_domain::data::access::{ARCHIVE_AFTER_DAYS, REMIND_AFTER_DAYS, SWEEP_JOB};
use pilote_domain::notification::{EMAIL_JOB, WEBHOOK_JOB};
use pilote_probe::Prober;
use pilote_store::{Job, Store, timestamp};

use crate::notify::Notifier;
use crate::probes::{PROBE_JOB, Schedule, Tally};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// This worker's name in leases.
    pub name: String,
    /// Time between two probes of one product.
    pub every: Duration,
    /// Jobs running at once.
    pub concurrency: usize,
    /// How long a leased job stays this worker's before another may take it.
    pub lease: Duration,
    /// Wait when no job is due.
    pub poll: Duration,
    /// Stop once no job is due, rather than wait for the next.
    pub once: bool,
    /// Days a closed application's candidate data is kept.
    pub candidate_retention_days: u32,
}

/// The daily job that erases candidates' data past the retention period.
pub const CANDIDATE_ERASURE_JOB: &str = "candidate_erasure";

/// A job of a kind this worker does not know is tried again after this long, in case a
/// newer worker knows it.
const UNKNOWN_KIND_RETRY: i64 = 3600;

/// Keeps every product with an address on the probe schedule, then runs due jobs until
/// stopped (or, with `once`, until none is due). Without a mail server, e-mail jobs are
/// left to the workers that have one.
pub async fn work(
    store: &Store,
    prober: &Prober,
    notifier: &Notifier,
    options: &WorkerOptions,
) -> anyhow::Result<Tally> {
    let every = i64::try_from(options.every.as_secs())
        .unwrap_or(i64::MAX)
        .max(1);
    let batch = i64::try_from(options.concurrency.max(1) * 2).unwrap_or(64);
    let mut tally = Tally::default();
    let mut schedule = Schedule::default();
    if !notifier.sends_email() {
        tracing::warn!(
            "no SMTP server configured (--smtp-url, PILOTE_SMTP_URL): this worker leaves the outbox's e-mails to others"
        );
    }
    // One sweep an hour is enough for reminders counted in days.
    store
        .schedule_jobs(
            SWEEP_JOB,
            &["requests".to_owned()],
            3600,
            &timestamp(Utc::now()),
        )
        .await?;
    store
        .schedule_jobs(
            CANDIDATE_ERASURE_JOB,
            &["applications".to_owned()],
            86_400,
            &timestamp(Utc::now()),
        )
        .await?;
    loop {
        schedule.refresh(store, every).await?;
        let now = Utc::now();
        let lease_end = now + chrono::Duration::from_std(options.lease)?;
        let (now, lease_end) = (timestamp(now), timestamp(lease_end));
        let jobs = if notifier.sends_email() {
            store
                .claim_jobs(&options.name, &now, &lease_end, batch)
                .await?
        } else {
            store
                .claim_jobs_except(&options.name, &now, &lease_end, batch, EMAIL_JOB)
                .await?
        };
        if jobs.is_empty() {
            if options.once {
                return Ok(tally);
            }
            tokio::time::sleep(options.poll).await;
            continue;
        }
        let (probe_jobs, others): (Vec<Job>, Vec<Job>) =
            jobs.into_iter().partition(|job| job.kind == PROBE_JOB);
        schedule
            .run(
                store,
                prober,
                &probe_jobs,
                options.concurrency,
                every,
                &mut tally,
            )
            .await?;
        let outcomes = futures_util::stream::iter(&others)
            .map(|job| async move { (job, run(store, notifier, options, job).await) })
            .buffer_unordered(options.concurrency.max(1))
            .collect::<Vec<_>>()
            .await;
        for (job, outcome) in outcomes {
            let outcome = outcome?;
            count_job(&job.kind, outcome);
            match outcome {
                Outcome::Sent if job.kind == EMAIL_JOB => tally.emails_sent += 1,
                Outcome::Sent => tally.webhooks_delivered += 1,
                Outcome::Failed => tally.notifications_failed += 1,
                Outcome::Lost => tally.lost += 1,
                Outcome::Gone => {}
            }
        }
    }
}

/// How a job other than a probe ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by the server or receiver.
    Sent,
    /// Failed: due again later, or given up.
    Failed,
    /// Another worker took the job meanwhile.
    Lost,
    /// Nothing to do (its subject is gone or done).
    Gone,
}

/// Counts an ended job in the metrics: a job with nothing left to do is done too.
pub fn count_job(kind: &str, outcome: Outcome) {
    let outcome = match outcome {
        Outcome::Sent | Outcome::Gone => "done",
        Outcome::Failed => "failed",
        Outcome::Lost => "lost",
    };
    metrics::counter!(pilote_web::metrics::JOBS, "kind" => kind.to_owned(), "outcome" => outcome)
        .increment(1);
}

async fn run(
    store: &Store,
    notifier: &Notifier,
    options: &WorkerOptions,
    job: &Job,
) -> anyhow::Result<Outcome> {
    match job.kind.as_str() {
        EMAIL_JOB => notifier.send_email(store, job).await,
        WEBHOOK_JOB => notifier.deliver_webhook(store, job).await,
        SWEEP_JOB => sweep(store, job).await,
        CANDIDATE_ERASURE_JOB => {
            let erased = erase_candidates(
                store,
                options.candidate_retention_days,
                &Actor::system("worker"),
            )
            .await?;
            if !erased.is_empty() {
                tracing::info!(applications = erased.len(), "candidates' data erased");
            }
            finished(store, job).await
        }
        kind => {
            tracing::warn!(
                job = job.lease.id,
                kind,
                "job of an unknown kind left for later"
            );
            let retry = Utc::now() + chrono::Duration::seconds(UNKNOWN_KIND_RETRY);
            store
                .fail_job(
                    &job.lease,
                    &format!("unknown job kind {kind}"),
                    &timestamp(retry),
                )
                .await?;
            Ok(Outcome::Failed)
        }
    }
}

/// Reminds the applicants of requests waiting on them for 30 days and archives the drafts
/// untouched for six months (DESIGN §5 archives drafts, never requests sent back).
async fn sweep(store: &Store, job: &Job) -> anyhow::Result<Outcome> {
    let now = Utc::now();
    let swept = store
        .sweep_access_requests(
            &timestamp(now - chrono::Duration::days(REMIND_AFTER_DAYS)),
            &timestamp(now - chrono::Duration::days(ARCHIVE_AFTER_DAYS)),
            &Actor::system("worker"),
            &timestamp(now),
        )
        .await?;
    if swept.reminded + swept.archived > 0 {
        tracing::info!(
            reminded = swept.reminded,
            archived = swept.archived,
            "access requests swept"
        );
    }
    finished(store, job).await
}

/// Ends a job done: there is nothing to count but whether the lease still held.
async fn finished(store: &Store, job: &Job) -> anyhow::Result<Outcome> {
    Ok(
        if store.finish_job(&job.lease, &timestamp(Utc::now())).await? {
            Outcome::Gone
        } else {
            Outcome::Lost
        },
    )
}

/// Erases the data of the candidates whose applications closed (or were never confirmed)
/// more than `retention_days` ago; returns the applications' numbers.
pub async fn erase_candidates(
    store: &Store,
    retention_days: u32,
    actor: &Actor,
) -> anyhow::Result<Vec<i64>> {
    let now = Utc::now();
    Ok(store
        .erase_applications(now.date_naive(), retention_days, actor, &timestamp(now))
        .await?)
}
