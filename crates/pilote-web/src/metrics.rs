//! Prometheus metrics: what a server answered (by route and status, and how fast), what the
//! workers did, and, read from the store at each scrape, the job queue and the imports'
//! counts. They are served in Prometheus' text format on a listener of their own
//! (`--metrics-addr`), never on the public one; without it, nothing is recorded.
//!
//! The route label is the route's pattern (`/api/v1/products/{slug}`), never the path
//! asked for, so that the number of series stays bounded whatever clients send.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use pilote_store::Store;
use tokio::net::TcpListener;

use crate::ApiError;

/// Requests answered, by method, route and status.
pub const HTTP_REQUESTS: &str = "pilote_http_requests_total";
/// Time to answer a request, by method and route.
pub const HTTP_DURATION: &str = "pilote_http_request_duration_seconds";
/// Jobs a worker ended, by kind and outcome (`done`, `failed`, `lost`).
pub const JOBS: &str = "pilote_jobs_total";
/// Probe checks a worker stored, by outcome (`up`, `down`).
pub const PROBE_CHECKS: &str = "pilote_probe_checks_total";
/// When a worker last stored probe checks.
pub const PROBE_LAST_RUN: &str = "pilote_probe_last_run_timestamp_seconds";
/// Jobs due and waiting for a worker, by kind (read from the store).
pub const QUEUE_DEPTH: &str = "pilote_job_queue_depth";
/// Seconds since the oldest waiting job fell due, by kind (read from the store).
pub const QUEUE_AGE: &str = "pilote_job_queue_oldest_age_seconds";
/// Jobs a worker holds a live lease on, by kind (read from the store).
pub const JOBS_LEASED: &str = "pilote_jobs_leased";
/// Jobs in the table, due or not, by kind (read from the store).
pub const JOBS_SCHEDULED: &str = "pilote_jobs_scheduled";
/// Import runs that wrote, by importer (read from the store).
pub const IMPORT_RUNS: &str = "pilote_import_runs_total";
/// Records counted by the imports, by importer, kind of record and outcome (read from the store).
pub const IMPORT_RECORDS: &str = "pilote_import_records_total";
/// When an importer last ran (read from the store).
pub const IMPORT_LAST_RUN: &str = "pilote_import_last_run_timestamp_seconds";
/// Whether the last scrape could read the store.
pub const STORE_UP: &str = "pilote_store_up";

/// Latency buckets, in seconds: from a read served from memory to the request time-out.
const DURATION_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often histograms are folded in between scrapes, so memory stays flat.
const UPKEEP: Duration = Duration::from_secs(5);

/// Installs this process's recorder, with each metric's help text; call once, from within
/// the runtime. Until then the metrics of this crate and the workers cost nothing.
pub fn install() -> Result<PrometheusHandle, ApiError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_owned()), &DURATION_BUCKETS)
        .and_then(PrometheusBuilder::install_recorder)
        .map_err(|error| ApiError::Internal(format!("metrics recorder: {error}")))?;
    describe();
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(UPKEEP);
        loop {
            ticks.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by method, route pattern and status code."
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request, by method and route pattern."
    );
    describe_counter!(
        JOBS,
        "Jobs this worker ended, by kind and outcome: done, failed (due again later), lost (another worker took it)."
    );
    describe_counter!(
        PROBE_CHECKS,
        "Probe checks of products' services this worker stored, by outcome: up or down."
    );
    describe_gauge!(
        PROBE_LAST_RUN,
        Unit::Seconds,
        "When this worker last stored probe checks, as a Unix time."
    );
    describe_gauge!(
        QUEUE_DEPTH,
        "Jobs due and waiting for a worker, by kind, read from the job table."
    );
    describe_gauge!(
        QUEUE_AGE,
        Unit::Seconds,
        "Seconds since the oldest job waiting for a worker fell due, by kind (0 when none waits)."
    );
    describe_gauge!(
        JOBS_LEASED,
        "Jobs a worker holds a live lease on (running), by kind."
    );
    describe_gauge!(
        JOBS_SCHEDULED,
        "Jobs in the job table, due or not (recurring ones included), by kind."
    );
    describe_counter!(
        IMPORT_RUNS,
        "Imports that wrote (dry runs excluded), by importer, since the database was created."
    );
    describe_counter!(
        IMPORT_RECORDS,
        "Records counted by the imports, by importer, kind of record and outcome: created, updated, unchanged, deleted."
    );
    describe_gauge!(
        IMPORT_LAST_RUN,
        Unit::Seconds,
        "When an importer last wrote, as a Unix time."
    );
    describe_gauge!(
        STORE_UP,
        "1 when the last scrape could read the job table and the imports' counts, 0 otherwise."
    );
}

/// Records each request's route, status and time; the outermost layer of the router.
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |route| route.as_str().to_owned());
    let method = method_label(request.method());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    histogram!(HTTP_DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The method as a label: any method but the standard ones is `other`, as clients may
/// invent them.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// What a scrape needs.
#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    store: Store,
    /// Job kinds seen by earlier scrapes: a kind gone from the table reads 0, not its last
    /// value.
    kinds: Arc<Mutex<BTreeSet<String>>>,
}

/// The metrics listener's router: `GET /metrics` only.
pub fn metrics_router(handle: PrometheusHandle, store: Store) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape {
            handle,
            store,
            kinds: Arc::default(),
        })
}

/// Serves the metrics on `listener` until `shutdown` resolves.
pub async fn serve_metrics(
    listener: TcpListener,
    handle: PrometheusHandle,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ApiError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving metrics");
    }
    axum::serve(listener, metrics_router(handle, store))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))
}

async fn scrape(State(scrape): State<Scrape>) -> Response {
    match observe_store(&scrape).await {
        Ok(()) => gauge!(STORE_UP).set(1.0),
        Err(error) => {
            tracing::warn!(%error, "metrics: cannot read the store");
            gauge!(STORE_UP).set(0.0);
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        scrape.handle.render(),
    )
        .into_response()
}

/// Reads the job queue and the imports' counts from the store into their metrics.
async fn observe_store(scrape: &Scrape) -> Result<(), pilote_store::StoreError> {
    let now = chrono::Utc::now();
    let queue = scrape
        .store
        .job_queue_by_kind(&pilote_store::timestamp(now))
        .await?;
    {
        let mut kinds = scrape
            .kinds
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for kind in kinds.iter() {
            if !queue.iter().any(|row| &row.kind == kind) {
                for name in [QUEUE_DEPTH, QUEUE_AGE, JOBS_LEASED, JOBS_SCHEDULED] {
                    gauge!(name, "kind" => kind.clone()).set(0.0);
                }
            }
        }
        for row in &queue {
            kinds.insert(row.kind.clone());
            let age = row
                .oldest_waiting
                .as_deref()
                .and_then(|due| chrono::DateTime::parse_from_rfc3339(due).ok())
                .map_or(0.0, |due| {
                    (now - due.with_timezone(&chrono::Utc))
                        .as_seconds_f64()
                        .max(0.0)
                });
            gauge!(QUEUE_DEPTH, "kind" => row.kind.clone()).set(count(row.waiting));
            gauge!(QUEUE_AGE, "kind" => row.kind.clone()).set(age);
            gauge!(JOBS_LEASED, "kind" => row.kind.clone()).set(count(row.leased));
            gauge!(JOBS_SCHEDULED, "kind" => row.kind.clone()).set(count(row.scheduled));
        }
    }
    for importer in scrape.store.import_totals().await? {
        let name = importer.importer;
        counter!(IMPORT_RUNS, "importer" => name.clone()).absolute(unsigned(importer.runs));
        if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&importer.last_run_at) {
            #[expect(clippy::cast_precision_loss, reason = "seconds since 1970 fit in f64")]
            gauge!(IMPORT_LAST_RUN, "importer" => name.clone()).set(at.timestamp() as f64);
        }
        for (entity, counts) in importer.entities {
            for (outcome, value) in [
                ("created", counts.created),
                ("updated", counts.updated),
                ("unchanged", counts.unchanged),
                ("deleted", counts.deleted),
            ] {
                counter!(IMPORT_RECORDS, "importer" => name.clone(), "entity" => entity.clone(), "outcome" => outcome)
                    .absolute(unsigned(value));
            }
        }
    }
    Ok(())
}

#[expect(clippy::cast_precision_loss, reason = "row counts fit in f64")]
fn count(value: i64) -> f64 {
    value as f64
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}
