//! Prometheus metrics on a listener of their own: a real `pilote serve` and a real
//! `pilote worker`, each with `--metrics-addr`, scraped and parsed as Prometheus would.
//! Requests are counted by route pattern and status, the latency histogram counts each of
//! them, the job queue and the imports' counts are read from the store; request ids come
//! back in responses and go into the logs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]
#![allow(
    clippy::float_cmp,
    reason = "counters are whole numbers, exact in f64: the test wants exact values"
)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Process, TestDb, free_addr};
use pilote_domain::identity::Scope;
use serde_json::json;

/// Waits until `url` answers 200.
async fn wait_for(url: &str) {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client
            .get(url)
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never answered");
}

/// One line of Prometheus' text format: a metric's name, its labels and its value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A parsed scrape: the samples, and each metric's HELP and TYPE.
#[derive(Debug, Default)]
struct Scrape {
    samples: Vec<Sample>,
    help: HashMap<String, String>,
    types: HashMap<String, String>,
}

/// Parses Prometheus' text exposition format (label values may hold any character: a
/// route's pattern has braces).
fn parse(text: &str) -> Scrape {
    let mut scrape = Scrape::default();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap();
            scrape.help.insert(name.to_owned(), help.to_owned());
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            scrape.types.insert(name.to_owned(), kind.to_owned());
            continue;
        }
        assert!(!line.starts_with('#'), "unexpected comment: {line}");
        let name_end = line.find(['{', ' ']).unwrap();
        let name = line[..name_end].to_owned();
        let mut labels = BTreeMap::new();
        let mut rest = &line[name_end..];
        if let Some(mut inner) = rest.strip_prefix('{') {
            loop {
                if let Some(after) = inner.strip_prefix('}') {
                    rest = after;
                    break;
                }
                let (label, after) = inner.split_once("=\"").unwrap();
                let mut value = String::new();
                let mut chars = after.char_indices();
                let end = loop {
                    match chars.next().unwrap() {
                        (i, '"') => break i,
                        (_, '\\') => match chars.next().unwrap().1 {
                            'n' => value.push('\n'),
                            other => value.push(other),
                        },
                        (_, c) => value.push(c),
                    }
                };
                labels.insert(label.trim_start_matches(',').to_owned(), value);
                inner = after[end + 1..].trim_start_matches(',');
            }
        }
        let value = rest.split_whitespace().next().unwrap();
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            other => other.parse().unwrap(),
        };
        scrape.samples.push(Sample {
            name,
            labels,
            value,
        });
    }
    scrape
}

/// Scrapes and parses a metrics listener.
async fn scrape(metrics: &str) -> Scrape {
    let response = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    parse(&response.text().await.unwrap())
}

/// The value of the sample named `name` whose labels are exactly `labels`.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|sample| {
            sample.name == name
                && sample.labels.len() == labels.len()
                && labels.iter().all(|(label, value)| {
                    sample.labels.get(*label).map(String::as_str) == Some(value)
                })
        })
        .map(|sample| sample.value)
}

/// The sum of every sample named `name`.
fn total(scrape: &Scrape, name: &str) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.name == name)
        .map(|sample| sample.value)
        .sum()
}

const REQUESTS: &str = "pilote_http_requests_total";
const DURATION: &str = "pilote_http_request_duration_seconds";
const DURATION_COUNT: &str = "pilote_http_request_duration_seconds_count";

/// Imports a small catalogue through the command line, as an operator would.
fn import_sill(url: &str, file: &std::path::Path, dry_run: bool) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pilote"));
    command
        .args(["import", "sill"])
        .arg(file)
        .args(["--database", url]);
    if dry_run {
        command.arg("--dry-run");
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn server_metrics(db: TestDb) {
    db.fill_demo().await;
    pilote_web::ensure_demo_accounts(&db.store).await.unwrap();
    let token = db.token_for("administratrice", &Scope::ALL).await;

    // Jobs waiting for a worker (none runs here), the oldest due two minutes ago, and one
    // not due yet.
    let now = chrono::Utc::now();
    let at = |seconds: i64| pilote_store::timestamp(now + chrono::Duration::seconds(seconds));
    for key in ["1", "2", "3"] {
        db.store.enqueue_job("email", key, &at(-120)).await.unwrap();
    }
    db.store.enqueue_job("webhook", "1", &at(-5)).await.unwrap();
    db.store.enqueue_job("webhook", "2", &at(-5)).await.unwrap();
    db.store
        .enqueue_job("webhook", "3", &at(3600))
        .await
        .unwrap();

    // Two imports through the command line, and a dry run that writes and counts nothing.
    let dir = tempfile::tempdir().unwrap();
    let sill = dir.path().join("sill.json");
    std::fs::write(
        &sill,
        json!([
            {"id": "1", "i": "7zip", "l": "LGPL-2.0-only", "st": "R", "g": "MIMO", "y": "2018", "c": "Compression"},
            {"id": "2", "i": "Ansible", "l": "GPL-3.0-or-later", "st": "R", "g": "MIMPROD", "y": "2018"}
        ])
        .to_string(),
    )
    .unwrap();
    for dry_run in [false, false, true] {
        let (url, file) = (db.url.clone(), sill.clone());
        tokio::task::spawn_blocking(move || import_sill(&url, &file, dry_run))
            .await
            .unwrap();
    }

    let (addr, metrics) = (free_addr(), free_addr());
    let log = dir.path().join("serve.log");
    let child = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["serve", "--addr", &addr, "--database", &db.url])
        .env("PILOTE_METRICS_ADDR", &metrics)
        .env("PILOTE_LOG", "info")
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let _server = Process(child);
    let base = format!("http://{addr}");
    wait_for(&format!("{base}/healthz")).await;
    // The health checks made while it started, counted apart.
    let before = scrape(&metrics).await;
    let health_checks = value(
        &before,
        REQUESTS,
        &[("method", "GET"), ("route", "/healthz"), ("status", "200")],
    )
    .unwrap();
    assert_eq!(total(&before, REQUESTS), health_checks);

    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("{base}{path}")).send();
    for _ in 0..3 {
        assert_eq!(get("/api/v1/products").await.unwrap().status(), 200);
    }
    for slug in ["inconnu", "autre-inconnu"] {
        let response = get(&format!("/api/v1/products/{slug}")).await.unwrap();
        assert_eq!(response.status(), 404);
    }
    assert_eq!(get("/nulle-part/../ici").await.unwrap().status(), 404);
    // The metrics are not on the public listener.
    assert_eq!(get("/metrics").await.unwrap().status(), 404);
    let invalid = client
        .post(format!("{base}/api/v1/products"))
        .bearer_auth(&token)
        .header("x-request-id", "essai-metriques-422")
        .json(&json!({"slug": "Pas Un Slug", "title": "", "mission": "", "incubator": "fabrique-demo", "phases": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    // A request id sent is sent back; one is made otherwise.
    assert_eq!(invalid.headers()["x-request-id"], "essai-metriques-422");
    let made = get("/api/v1/products").await.unwrap();
    let made_id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&made_id).is_ok(), "{made_id}");

    let scraped = scrape(&metrics).await;
    let requests = |method: &str, route: &str, status: &str| {
        value(
            &scraped,
            REQUESTS,
            &[("method", method), ("route", route), ("status", status)],
        )
    };
    assert_eq!(requests("GET", "/api/v1/products", "200"), Some(4.0));
    // The route's pattern, never the path asked for.
    assert_eq!(requests("GET", "/api/v1/products/{slug}", "404"), Some(2.0));
    assert_eq!(requests("GET", "unmatched", "404"), Some(2.0));
    assert_eq!(requests("POST", "/api/v1/products", "422"), Some(1.0));
    assert!(
        !scraped
            .samples
            .iter()
            .any(|s| s.labels.get("route").is_some_and(|r| r.contains("inconnu"))),
        "a raw path became a label"
    );
    assert_eq!(
        requests("GET", "/healthz", "200"),
        Some(health_checks),
        "the scrape itself is not counted"
    );
    // Every request counted once, and timed once.
    let made_here = 4.0 + 2.0 + 2.0 + 1.0;
    assert_eq!(total(&scraped, REQUESTS), health_checks + made_here);
    assert_eq!(total(&scraped, DURATION_COUNT), health_checks + made_here);
    let timed = |method: &str, route: &str| {
        value(
            &scraped,
            DURATION_COUNT,
            &[("method", method), ("route", route)],
        )
    };
    assert_eq!(timed("GET", "/api/v1/products"), Some(4.0));
    assert_eq!(timed("GET", "/api/v1/products/{slug}"), Some(2.0));
    assert_eq!(timed("POST", "/api/v1/products"), Some(1.0));
    assert_eq!(timed("GET", "unmatched"), Some(2.0));
    // A histogram with sensible buckets: 14 bounds and +Inf, the last one counting all.
    assert_eq!(scraped.types[DURATION], "histogram");
    let buckets: Vec<&Sample> = scraped
        .samples
        .iter()
        .filter(|s| {
            s.name == "pilote_http_request_duration_seconds_bucket"
                && s.labels["route"] == "/api/v1/products"
                && s.labels["method"] == "GET"
        })
        .collect();
    let bounds: Vec<&str> = buckets.iter().map(|s| s.labels["le"].as_str()).collect();
    assert_eq!(
        bounds,
        [
            "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
            "5", "10", "30", "+Inf"
        ]
    );
    assert_eq!(buckets.last().unwrap().value, 4.0);
    assert!(buckets.windows(2).all(|w| w[0].value <= w[1].value));
    assert_eq!(scraped.types[REQUESTS], "counter");

    // The queue, read from the job table at the scrape.
    let kind = |metric: &str, kind: &str| value(&scraped, metric, &[("kind", kind)]);
    assert_eq!(kind("pilote_job_queue_depth", "email"), Some(3.0));
    assert_eq!(kind("pilote_job_queue_depth", "webhook"), Some(2.0));
    assert_eq!(kind("pilote_jobs_scheduled", "webhook"), Some(3.0));
    assert_eq!(kind("pilote_jobs_leased", "email"), Some(0.0));
    let age = kind("pilote_job_queue_oldest_age_seconds", "email").unwrap();
    assert!((120.0..600.0).contains(&age), "{age}");
    let age = kind("pilote_job_queue_oldest_age_seconds", "webhook").unwrap();
    assert!((5.0..120.0).contains(&age), "{age}");
    // A queue emptied reads 0 at the next scrape, not its last value.
    let leases = db
        .store
        .claim_jobs("essai", &at(0), &at(600), 10)
        .await
        .unwrap();
    for job in leases.iter().filter(|job| job.kind == "email") {
        assert!(db.store.remove_job(&job.lease).await.unwrap());
    }
    let later = scrape(&metrics).await;
    let kind = |metric: &str, kind: &str| value(&later, metric, &[("kind", kind)]);
    assert_eq!(kind("pilote_job_queue_depth", "email"), Some(0.0));
    assert_eq!(
        kind("pilote_job_queue_oldest_age_seconds", "email"),
        Some(0.0)
    );
    assert_eq!(kind("pilote_job_queue_depth", "webhook"), Some(0.0));
    assert_eq!(kind("pilote_jobs_leased", "webhook"), Some(2.0));

    // The imports' counts: two runs, the first creating, the second finding all unchanged.
    let import = |outcome: &str| {
        value(
            &later,
            "pilote_import_records_total",
            &[
                ("importer", "sill"),
                ("entity", "software"),
                ("outcome", outcome),
            ],
        )
    };
    assert_eq!(import("created"), Some(2.0));
    assert_eq!(import("unchanged"), Some(2.0));
    assert_eq!(import("updated"), Some(0.0));
    assert_eq!(
        value(&later, "pilote_import_runs_total", &[("importer", "sill")]),
        Some(2.0)
    );
    let last_import = value(
        &later,
        "pilote_import_last_run_timestamp_seconds",
        &[("importer", "sill")],
    )
    .unwrap();
    #[expect(clippy::cast_precision_loss, reason = "a Unix time fits")]
    let started = now.timestamp() as f64;
    assert!(last_import >= started - 1.0, "{last_import} < {started}");
    assert_eq!(value(&later, "pilote_store_up", &[]), Some(1.0));
    // Each metric says what it is.
    for metric in [
        REQUESTS,
        DURATION,
        "pilote_job_queue_depth",
        "pilote_job_queue_oldest_age_seconds",
        "pilote_import_records_total",
    ] {
        assert!(
            later.help.get(metric).is_some_and(|help| !help.is_empty()),
            "{metric} has no HELP"
        );
    }

    // Each request's log line carries its id.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged
            .lines()
            .any(|line| line.contains("essai-metriques-422") && line.contains("status=422")),
        "{logged}"
    );
    assert!(logged.contains(&made_id), "{logged}");
}
on_both_backends!(server, server_metrics);

/// The demo's organisations and incubators, and products of our own whose services are
/// at `site`.
async fn probed_products(db: &TestDb, site: &str, count: usize) {
    let demo: serde_json::Value =
        serde_json::from_str(include_str!("../src/demo/portfolio.json")).unwrap();
    let part = |name: &str| demo[name].clone();
    let template = demo["products"][0].clone();
    let products: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            let mut product = template.clone();
            product["slug"] = json!(format!("service-{i}"));
            product["title"] = json!(format!("Service {i}"));
            product["link"] = json!(format!("{site}/service-{i}"));
            product["fast"] = serde_json::Value::Null;
            product["events"] = json!([]);
            product
        })
        .collect();
    db.store
        .apply(
            &pilote_store::PortfolioChanges {
                organisations: serde_json::from_value(part("organisations")).unwrap(),
                incubators: serde_json::from_value(part("incubators")).unwrap(),
                teams: serde_json::from_value(part("teams")).unwrap(),
                products: serde_json::from_value(json!(products)).unwrap(),
                members: Vec::new(),
                fast_budget: None,
                imported_decisions: None,
            },
            &pilote_domain::audit::Actor::system("test"),
        )
        .await
        .unwrap();
}

async fn worker_metrics(db: TestDb) {
    // A local site: every service but the last is up.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route(
            "/service-3",
            axum::routing::get(|| async { axum::http::StatusCode::SERVICE_UNAVAILABLE }),
        )
        .fallback(|| async {
            axum::response::Html("<html><body><p>Service en ligne</p></body></html>")
        });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    probed_products(&db, &site, 4).await;
    // A webhook delivery that no longer exists (done, nothing to send), and a job of a kind
    // this worker does not know (failed, tried again in an hour).
    let now = pilote_store::timestamp(chrono::Utc::now());
    db.store
        .enqueue_job("webhook", "999999", &now)
        .await
        .unwrap();
    db.store.enqueue_job("mystere", "1", &now).await.unwrap();

    let metrics = free_addr();
    let child = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["worker", "--database", &db.url, "--metrics-addr", &metrics])
        .args(["--poll-seconds", "1", "--timeout", "5", "--retries", "0"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _worker = Process(child);
    wait_for(&format!("http://{metrics}/metrics")).await;

    let started = Instant::now();
    // Until every job due is done: the four probes, the webhook, the unknown one, the sweep,
    // the erasure of candidates' data.
    let wanted = [
        ("probe", "done", 4.0),
        ("webhook", "done", 1.0),
        ("mystere", "failed", 1.0),
        ("access_sweep", "done", 1.0),
        ("candidate_erasure", "done", 1.0),
    ];
    let scraped = loop {
        let scraped = scrape(&metrics).await;
        let done: Vec<Option<f64>> = wanted
            .iter()
            .map(|(kind, outcome, _)| {
                value(
                    &scraped,
                    "pilote_jobs_total",
                    &[("kind", kind), ("outcome", outcome)],
                )
            })
            .collect();
        if done
            .iter()
            .zip(&wanted)
            .all(|(done, (_, _, count))| *done == Some(*count))
        {
            break scraped;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "jobs ended: {done:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let probes = |outcome: &str| {
        value(
            &scraped,
            "pilote_probe_checks_total",
            &[("outcome", outcome)],
        )
    };
    assert_eq!(probes("up"), Some(3.0));
    assert_eq!(probes("down"), Some(1.0));
    let last_run = value(&scraped, "pilote_probe_last_run_timestamp_seconds", &[]).unwrap();
    #[expect(clippy::cast_precision_loss, reason = "a Unix time fits")]
    let now = chrono::Utc::now().timestamp() as f64;
    assert!((now - 60.0..=now + 1.0).contains(&last_run), "{last_run}");
    // Recurring probes wait for their next turn: scheduled, not due.
    let kind = |metric: &str, kind: &str| value(&scraped, metric, &[("kind", kind)]);
    assert_eq!(kind("pilote_jobs_scheduled", "probe"), Some(4.0));
    assert_eq!(kind("pilote_job_queue_depth", "probe"), Some(0.0));
    let jobs = |kind: &str, outcome: &str| {
        value(
            &scraped,
            "pilote_jobs_total",
            &[("kind", kind), ("outcome", outcome)],
        )
    };
    assert_eq!(jobs("probe", "failed"), None);
    assert_eq!(jobs("webhook", "done"), Some(1.0));
    assert_eq!(jobs("mystere", "failed"), Some(1.0));
    assert_eq!(jobs("access_sweep", "done"), Some(1.0));
    assert_eq!(jobs("candidate_erasure", "done"), Some(1.0));
    assert_eq!(kind("pilote_job_queue_depth", "mystere"), Some(0.0));
    assert_eq!(kind("pilote_jobs_scheduled", "mystere"), Some(1.0));
    // A worker serves no HTTP requests of its own.
    assert!(!scraped.samples.iter().any(|s| s.name == REQUESTS));
}
on_both_backends!(worker, worker_metrics);

/// Without `--metrics-addr`, nothing is recorded and no listener is opened: the public one
/// has no `/metrics`.
async fn no_metrics_without_the_flag(db: TestDb) {
    let addr = free_addr();
    let child = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["serve", "--addr", &addr, "--database", &db.url])
        .env_remove("PILOTE_METRICS_ADDR")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Process(child);
    wait_for(&format!("http://{addr}/healthz")).await;
    let response = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}
on_both_backends!(without_flag, no_metrics_without_the_flag);
