//! Probes of the products' services: once from the command line, or on a schedule by the
//! workers that share the job table.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures_util::StreamExt;
use pilote_domain::quality::service::ServiceCheck;
use pilote_domain::{Slug, is_http_url};
use pilote_probe::Prober;
use pilote_store::{Job, Store, timestamp};

use crate::worker::{Outcome, count_job};

/// The job kind of a product's scheduled probe (its key is the product's slug).
pub const PROBE_JOB: &str = "probe";

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Checks stored.
    pub checked: u64,
    /// Of which the service was up.
    pub up: u64,
    /// Jobs whose lease was lost before their result was stored (another worker had them).
    pub lost: u64,
    /// Jobs that failed, to be retried.
    pub failed: u64,
    /// E-mails a server accepted.
    pub emails_sent: u64,
    /// Webhook deliveries a receiver accepted.
    pub webhooks_delivered: u64,
    /// E-mails and webhook deliveries that failed, to be retried or given up.
    pub notifications_failed: u64,
}

/// The products with a public web address: slug and address.
async fn addresses(store: &Store) -> anyhow::Result<HashMap<Slug, String>> {
    let portfolio = store.load_portfolio().await?;
    Ok(portfolio
        .products
        .into_iter()
        .filter_map(|p| {
            let link = p.link.filter(|link| is_http_url(link))?;
            Some((p.slug, link))
        })
        .collect())
}

/// Probes `products` (every product with an address when empty) once, `concurrency` at a
/// time, and stores each check.
pub async fn probe_now(
    store: &Store,
    prober: &Prober,
    products: &[Slug],
    concurrency: usize,
) -> anyhow::Result<Tally> {
    let mut targets = addresses(store).await?;
    if !products.is_empty() {
        for slug in products {
            anyhow::ensure!(
                targets.contains_key(slug),
                "le produit « {slug} » n'existe pas ou n'a pas d'adresse web (champ link)"
            );
        }
        targets.retain(|slug, _| products.contains(slug));
    }
    let checks = futures_util::stream::iter(targets)
        .map(|(slug, url)| async move { (slug, prober.check(&url).await) })
        .buffer_unordered(concurrency.max(1))
        .collect::<Vec<_>>()
        .await;
    let checks = checks
        .into_iter()
        .map(|(slug, check)| Ok((check?.service_check(slug), None)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    store
        .record_service_checks(&checks, &timestamp(Utc::now()))
        .await?;
    Ok(Tally {
        checked: checks.len() as u64,
        up: checks.iter().filter(|(check, _)| check.up).count() as u64,
        ..Tally::default()
    })
}

/// Runs one job's probe; `None` when its product is gone or has no address any more: its
/// job is removed, and scheduled again if an address comes back.
async fn run(
    store: &Store,
    prober: &Prober,
    targets: &HashMap<Slug, String>,
    job: &Job,
) -> anyhow::Result<Option<ServiceCheck>> {
    let target = Slug::parse(&job.key)
        .ok()
        .and_then(|slug| targets.get_key_value(&slug));
    let Some((slug, url)) = target else {
        store.remove_job(&job.lease).await?;
        return Ok(None);
    };
    Ok(Some(prober.check(url).await?.service_check(slug.clone())))
}

/// How often a worker reloads the products' addresses and puts new ones on the schedule.
const REFRESH: Duration = Duration::from_secs(60);

/// The probe schedule a worker keeps: the products' addresses, reloaded now and then.
#[derive(Debug, Default)]
pub struct Schedule {
    targets: HashMap<Slug, String>,
    refreshed: Option<Instant>,
}

impl Schedule {
    /// Reloads the addresses and puts every product with one on the schedule, when the last
    /// reload is older than a minute.
    pub async fn refresh(&mut self, store: &Store, every: i64) -> anyhow::Result<()> {
        if self.refreshed.is_none_or(|at| at.elapsed() >= REFRESH) {
            self.targets = addresses(store).await?;
            let mut keys: Vec<String> = self.targets.keys().map(ToString::to_string).collect();
            keys.sort();
            store
                .schedule_jobs(PROBE_JOB, &keys, every, &timestamp(Utc::now()))
                .await?;
            self.refreshed = Some(Instant::now());
        }
        Ok(())
    }

    /// Runs leased probe jobs, `concurrency` at a time, and stores their checks in one
    /// transaction with the end of their jobs.
    pub async fn run(
        &mut self,
        store: &Store,
        prober: &Prober,
        jobs: &[Job],
        concurrency: usize,
        every: i64,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        if jobs
            .iter()
            .any(|job| Slug::parse(&job.key).map_or(true, |slug| !self.targets.contains_key(&slug)))
        {
            // A product added or changed since the last reload: read the addresses again.
            self.targets = addresses(store).await?;
            self.refreshed = Some(Instant::now());
        }
        let known = &self.targets;
        let outcomes = futures_util::stream::iter(jobs)
            .map(|job| async move { (job, run(store, prober, known, job).await) })
            .buffer_unordered(concurrency.max(1))
            .collect::<Vec<_>>()
            .await;
        let mut checks = Vec::with_capacity(outcomes.len());
        for (job, outcome) in outcomes {
            match outcome {
                Ok(Some(check)) => checks.push((check, Some(job.lease.clone()))),
                Ok(None) => count_job(PROBE_JOB, Outcome::Gone),
                Err(error) => {
                    tally.failed += 1;
                    count_job(PROBE_JOB, Outcome::Failed);
                    tracing::warn!(job = job.lease.id, key = %job.key, %error, "probe job failed");
                    // Back off: one minute per attempt, at most one period.
                    let wait = (60 * i64::from(job.attempts)).min(every);
                    let retry = Utc::now() + chrono::Duration::seconds(wait);
                    store
                        .fail_job(&job.lease, &error.to_string(), &timestamp(retry))
                        .await?;
                }
            }
        }
        // One transaction for the batch: each check with the end of its job.
        let stored = store
            .record_service_checks(&checks, &timestamp(Utc::now()))
            .await?;
        for ((check, _), kept) in checks.iter().zip(stored) {
            if kept {
                tally.checked += 1;
                count_job(PROBE_JOB, Outcome::Gone);
                let outcome = if check.up { "up" } else { "down" };
                metrics::counter!(pilote_web::metrics::PROBE_CHECKS, "outcome" => outcome)
                    .increment(1);
            } else {
                tally.lost += 1;
                count_job(PROBE_JOB, Outcome::Lost);
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "seconds since 1970 fit in f64")]
        metrics::gauge!(pilote_web::metrics::PROBE_LAST_RUN).set(Utc::now().timestamp() as f64);
        Ok(())
    }
}
