//! The production layout on PostgreSQL: two `pilote serve` and two `pilote worker` processes
//! on one database. A write through one server shows through the other; 1,000 probe jobs are
//! each done exactly once although one worker is killed (`kill -9`) halfway.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{Backend, Process, TestDb, free_addr};
use serde_json::json;

/// `pilote serve` on `database`, once it answers `/healthz`.
/// One list of the demo's portfolio, read as `T`.
fn part<T: serde::de::DeserializeOwned>(demo: &serde_json::Value, name: &str) -> T {
    serde_json::from_value(demo[name].clone()).unwrap()
}

async fn serve(database: &str) -> (Process, String) {
    let addr = free_addr();
    let child = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["serve", "--addr", &addr, "--database", database])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let process = Process(child);
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return (process, base);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("pilote serve did not answer /healthz");
}

#[tokio::test]
async fn a_write_through_one_server_shows_through_the_other() {
    let Some(db) = TestDb::fresh(Backend::Postgres).await else {
        return;
    };
    db.fill_demo().await;
    pilote_web::ensure_demo_accounts(&db.store).await.unwrap();
    let token = db
        .token_for("administratrice", &pilote_domain::identity::Scope::ALL)
        .await;
    let (_a, server_a) = serve(&db.url).await;
    let (_b, server_b) = serve(&db.url).await;
    let client = reqwest::Client::new();
    let mut delays = Vec::new();
    let mut search_delays = Vec::new();
    for round in 0..5 {
        let slug = format!("produit-partage-{round}");
        let word = ["colibri", "mesange", "rouge-gorge", "pinson", "fauvette"][round];
        let created = client
            .post(format!("{server_a}/api/v1/products"))
            .bearer_auth(&token)
            .json(&json!({
                "slug": slug, "title": format!("Produit partagé {word}"), "mission": "Vu par chaque serveur.",
                "incubator": "fabrique-demo",
                "phases": [{"name": "investigation", "start": "2024-01-01"}]
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201, "{:?}", created.text().await);
        let written = Instant::now();
        // Generous bound: the servers poll the store's revision; the delay is reported.
        let mut seen = None;
        while written.elapsed() < Duration::from_secs(30) {
            let response = client
                .get(format!("{server_b}/api/v1/products/{slug}"))
                .send()
                .await
                .unwrap();
            if response.status() == 200 {
                seen = Some(written.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let delay = seen.unwrap_or_else(|| panic!("{slug} never showed through server B"));
        delays.push(delay);
        // Server B's search index follows too.
        let mut found = None;
        while written.elapsed() < Duration::from_secs(30) {
            let results: serde_json::Value = client
                .get(format!("{server_b}/api/v1/search?q={word}&kind=product"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if results["data"][0]["slug"] == slug.as_str() {
                found = Some(written.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        search_delays.push(found.unwrap_or_else(|| panic!("{slug} never found through server B")));
        // And in server B's lists, not only its page of the product.
        let list: serde_json::Value = client
            .get(format!("{server_b}/api/v1/products?page_size=1000"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            list["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["slug"] == slug.as_str())
        );
    }
    eprintln!("write through A seen through B after: {delays:?}");
    eprintln!("write through A found by B's search after: {search_delays:?}");
    assert!(
        search_delays.iter().all(|d| *d < Duration::from_secs(1)),
        "{search_delays:?}"
    );
}

/// The products the workers probe, all pointing at one local site.
const PRODUCTS: usize = 1000;

#[tokio::test]
async fn a_thousand_jobs_done_once_while_a_worker_is_killed() {
    let Some(db) = TestDb::fresh(Backend::Postgres).await else {
        return;
    };
    // A local site answering slowly enough for the run to last a few seconds; it counts
    // the requests (a check cut short by the kill may have asked already).
    let hits = Arc::new(AtomicU64::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(20)).await;
            axum::response::Html("<html><body><p>Service en ligne</p></body></html>")
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // The demo's organisations and incubators, and 1,000 products of our own.
    let demo: serde_json::Value =
        serde_json::from_str(include_str!("../src/demo/portfolio.json")).unwrap();
    let template = demo["products"][0].clone();
    let products: Vec<serde_json::Value> = (0..PRODUCTS)
        .map(|i| {
            let mut product = template.clone();
            product["slug"] = json!(format!("service-{i:04}"));
            product["title"] = json!(format!("Service {i}"));
            product["link"] = json!(format!("{site}/service-{i:04}"));
            product["fast"] = serde_json::Value::Null;
            product["events"] = json!([]);
            product
        })
        .collect();
    db.store
        .apply(
            &pilote_store::PortfolioChanges {
                organisations: part(&demo, "organisations"),
                incubators: part(&demo, "incubators"),
                teams: part(&demo, "teams"),
                products: serde_json::from_value(json!(products)).unwrap(),
                members: Vec::new(),
                fast_budget: None,
                imported_decisions: None,
            },
            &pilote_domain::audit::Actor::system("test"),
        )
        .await
        .unwrap();

    let worker = |name: &str| {
        Process(
            Command::new(env!("CARGO_BIN_EXE_pilote"))
                .args(["worker", "--database", &db.url, "--name", name])
                .args(["--lease-seconds", "3", "--poll-seconds", "1"])
                .args(["--per-host", "8", "--timeout", "5", "--retries", "0"])
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    };
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let stored = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM service_checks")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let mut first = worker("premier");
    let _second = worker("second");

    // Kill the first worker once about half the checks are stored.
    let started = Instant::now();
    loop {
        let done = stored().await;
        if done >= 500 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "only {done} checks after 5 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = first.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .unwrap()
            .success()
    );
    first.0.wait().unwrap();
    let at_kill = stored().await;
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE leased_by = 'premier'")
        .fetch_one(&pool)
        .await
        .unwrap();

    // The second worker finishes, taking over the dead one's jobs once their leases expire.
    loop {
        let done = stored().await;
        if done >= i64::try_from(PRODUCTS).unwrap() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "only {done} checks after 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Time for a duplicate to show, were there one (the leases are 3 seconds).
    tokio::time::sleep(Duration::from_secs(5)).await;
    let per_product: Vec<(String, i64)> = sqlx::query_as(
        "SELECT product_slug, COUNT(*) FROM service_checks GROUP BY product_slug ORDER BY product_slug",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let twice: Vec<&(String, i64)> = per_product.iter().filter(|(_, n)| *n != 1).collect();
    let expected: Vec<String> = (0..PRODUCTS).map(|i| format!("service-{i:04}")).collect();
    let checked: Vec<String> = per_product.iter().map(|(slug, _)| slug.clone()).collect();
    let missing = expected.iter().filter(|s| !checked.contains(s)).count();
    eprintln!(
        "checks stored: {} at the kill ({held} jobs held by the killed worker), {} in all for {} products; duplicates {}, missing {missing}; requests to the site {}; {:?}",
        at_kill,
        per_product.iter().map(|(_, n)| n).sum::<i64>(),
        per_product.len(),
        twice.len(),
        hits.load(Ordering::Relaxed),
        started.elapsed()
    );
    assert!(twice.is_empty(), "checked more than once: {twice:?}");
    assert_eq!(checked, expected, "every product checked");
    assert!(
        at_kill < i64::try_from(PRODUCTS).unwrap(),
        "the kill came before the end"
    );
    // Every job is back on the schedule, leased by no one.
    let leased: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM jobs WHERE kind = 'probe' AND leased_by IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(leased, 0);
    pool.close().await;
}
