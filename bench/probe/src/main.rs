//! Probe benchmark: CHECKS full checks (page, analysis, two subresources, EcoIndex) against a
//! local site served by a child process, CONCURRENCY at a time, side by side in the same run
//! with the limit: bare GETs of the same page by the same HTTP client. Prints checks per
//! second, the median and p99 of one check, and the prober's peak resident memory.
//!
//! Then the whole worker: `pilote worker --once` (the binary beside this one, or PILOTE_BIN)
//! on a SQLite database of CHECKS products all pointing at that site, which schedules one job
//! per product, leases them, probes and stores each check; prints its checks per second and
//! its own peak memory.
//!
//!     pilote-bench-probe [CHECKS] [CONCURRENCY]     (default 10000 64)
//!     pilote-bench-probe --serve                    (the site, used by the benchmark itself)

#![allow(clippy::expect_used, reason = "a benchmark stops loudly")]

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use futures_util::StreamExt;

/// A public service's home page of typical size for the network (about 2 KB of HTML).
fn page() -> String {
    let mut html = String::from(
        r#"<!doctype html><html lang="fr"><head><title>Démarche</title><link rel="stylesheet" href="/dsfr.css"></head><body><header><a href="/">Accueil</a></header><main><h1>Faire sa démarche</h1>"#,
    );
    for i in 0..20 {
        let _ = write!(
            html,
            "<p>Étape {i} de la démarche, expliquée simplement.</p>"
        );
    }
    html.push_str(r#"<img src="/logo.svg" alt="Logo"><a class="fr-connect" href="/fc">S’identifier avec FranceConnect</a></main><footer><a href="/accessibilite">Accessibilité : partiellement conforme</a></footer></body></html>"#);
    html
}

async fn serve() {
    let html = page();
    let app = Router::new()
        .route("/", get(move || async move { Html(html) }))
        .route("/dsfr.css", get(|| async { "body{margin:0}".repeat(200) }))
        .route("/logo.svg", get(|| async { "<svg/>".repeat(300) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!("{}", listener.local_addr().expect("address"));
    axum::serve(listener, app).await.expect("serve");
}

/// Peak resident memory of this process, in MB (`VmHWM`).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Peak resident memory of process `pid`, in MB, while it runs.
fn peak_mb_of(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Runs `pilote worker --once` on `products` products pointing at `url`: (checks per
/// second, checks stored, peak memory in MB).
fn worker_round(
    runtime: &tokio::runtime::Runtime,
    url: &str,
    products: usize,
    concurrency: usize,
) -> (f64, u64, f64) {
    let dir = std::env::temp_dir().join(format!("pilote-bench-worker-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let database = format!("sqlite://{}", dir.join("bench.db").display());
    runtime.block_on(async {
        let store = pilote_store::Store::open(&database).await.expect("store");
        let products = (0..products)
            .map(|i| {
                serde_json::from_value(serde_json::json!({
                    "slug": format!("service-{i:05}"), "title": format!("Service {i}"),
                    "mission": "Banc d'essai", "incubator": "banc", "phases": [],
                    "link": format!("{url}?service={i}")
                }))
                .expect("product")
            })
            .collect();
        store
            .apply(
                &pilote_store::PortfolioChanges {
                    products,
                    ..Default::default()
                },
                &pilote_domain::audit::Actor::system("banc d'essai"),
            )
            .await
            .expect("products");
        store.close().await;
    });
    let binary = std::env::var_os("PILOTE_BIN").map_or_else(
        || {
            std::env::current_exe()
                .expect("self")
                .with_file_name("pilote")
        },
        std::path::PathBuf::from,
    );
    let started = Instant::now();
    let concurrency = concurrency.to_string();
    let mut worker = Command::new(&binary)
        .args([
            "worker",
            "--once",
            "--database",
            &database,
            "--retries",
            "0",
        ])
        .args(["--concurrency", &concurrency, "--per-host", &concurrency])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (build it: cargo build --release -p pilote)",
                binary.display()
            )
        });
    let pid = worker.id();
    let mut peak: f64 = 0.0;
    while worker.try_wait().expect("worker").is_none() {
        peak = peak.max(peak_mb_of(pid).unwrap_or(0.0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut worker.stdout.take().expect("stdout"), &mut out)
        .expect("output");
    let stored: u64 = out
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let _ = std::fs::remove_dir_all(&dir);
    #[expect(clippy::cast_precision_loss, reason = "counts")]
    let rate = stored as f64 / elapsed;
    (rate, stored, peak)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a short list"
    )]
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

async fn timed<F, Fut>(checks: usize, concurrency: usize, one: F) -> (f64, f64, f64)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    let mut times: Vec<Duration> = futures_util::stream::iter(0..checks)
        .map(|_| {
            let run = one();
            async move {
                let start = Instant::now();
                assert!(run.await, "a check failed");
                start.elapsed()
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    #[expect(clippy::cast_precision_loss, reason = "counts")]
    let rate = checks as f64 / started.elapsed().as_secs_f64();
    times.sort();
    (rate, percentile(&times, 0.5), percentile(&times, 0.99))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if args.first().map(String::as_str) == Some("--serve") {
        runtime.block_on(serve());
        return;
    }
    let checks: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let concurrency: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(64);
    let mut site = Command::new(std::env::current_exe().expect("self"))
        .arg("--serve")
        .stdout(Stdio::piped())
        .spawn()
        .expect("site");
    let mut address = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(site.stdout.take().expect("stdout")),
        &mut address,
    )
    .expect("address");
    let url = format!("http://{}/", address.trim());
    let prober = pilote_probe::Prober::new(pilote_probe::ProbeConfig {
        retries: 0,
        ..pilote_probe::ProbeConfig::default()
    })
    .expect("prober");
    let client = reqwest::Client::new();
    runtime.block_on(async {
        // Warm the connections, then alternate: limit, probe, limit, probe.
        let _ = timed(200, concurrency, || async { client.get(&url).send().await.is_ok() }).await;
        let mut rows = Vec::new();
        for round in 0..2 {
            let limit = timed(checks, concurrency, || async {
                match client.get(&url).send().await {
                    Ok(response) => response.bytes().await.is_ok(),
                    Err(_) => false,
                }
            })
            .await;
            let probe = timed(checks, concurrency, || async {
                prober.check(&url).await.is_ok_and(|check| {
                    matches!(check.availability, pilote_probe::Availability::Up { .. })
                        && check.page.is_some_and(|p| p.subresources_fetched == 2)
                })
            })
            .await;
            rows.push((round, limit, probe));
        }
        println!("| round | bare GETs/s (limit) | checks/s | ratio | check p50 ms | check p99 ms |");
        println!("|---|---|---|---|---|---|");
        for (round, limit, probe) in rows {
            println!(
                "| {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} |",
                round + 1,
                limit.0,
                probe.0,
                probe.0 / limit.0,
                probe.1,
                probe.2
            );
        }
        println!(
            "\n{checks} checks per round, {concurrency} at a time; each check = 3 requests (page, stylesheet, image), HTML analysis and EcoIndex. Peak memory of the prober: {:.1} MB.",
            peak_mb()
        );
    });
    let (rate, stored, peak) = worker_round(&runtime, &url, checks, concurrency);
    assert_eq!(stored, checks as u64, "the worker stored every check");
    println!(
        "\nWhole worker (`pilote worker --once`, SQLite, {checks} products on this site, {concurrency} at a time): {rate:.0} checks/s stored, peak memory of the worker {peak:.1} MB."
    );
    let _ = site.kill();
    let _ = site.wait();
}
