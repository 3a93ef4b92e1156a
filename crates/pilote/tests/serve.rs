//! `pilote serve` as a user runs it: the demo portfolio, compression, graceful shutdown.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

/// Nine products of the portfolio and three of EIG challenges.
const DEMO_PRODUCTS: u64 = 12;

#[tokio::test]
async fn serve_demo_fills_an_empty_database_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("demo.db").display());
    let addr = common::free_addr();
    let mut server = common::Process(
        Command::new(env!("CARGO_BIN_EXE_pilote"))
            .args(["serve", "--demo", "--addr", &addr, "--database", &database])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let client = reqwest::Client::new();
    let base = format!("http://{addr}");
    let mut ready = false;
    for _ in 0..200 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "the server did not answer /healthz");

    let products: serde_json::Value = client
        .get(format!("{base}/api/v1/products"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(products["total"], DEMO_PRODUCTS);
    let incubators: serde_json::Value = client
        .get(format!("{base}/api/v1/incubators"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Three incubators of the portfolio, and the EIG programme's.
    assert_eq!(incubators["total"], 4);
    let phases: std::collections::BTreeSet<&str> = products["data"]
        .as_array()
        .unwrap()
        .iter()
        // EIG challenges' products have no phase.
        .filter_map(|p| p["current_phase"].as_str())
        .collect();
    assert!(phases.len() >= 6, "the demo shows many phases: {phases:?}");

    // Responses are compressed for clients that accept it.
    let compressed = client
        .get(format!("{base}/api/v1/products?page_size=100"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");

    // SIGTERM: the server finishes and exits cleanly.
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = server.0.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = exited.expect("the server did not stop on SIGTERM");
    assert!(status.success(), "{status}");

    // A second start keeps the data and does not add the demo twice.
    let again = common::Process(
        Command::new(env!("CARGO_BIN_EXE_pilote"))
            .args(["serve", "--demo", "--addr", &addr, "--database", &database])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut total = None;
    for _ in 0..200 {
        if let Ok(response) = client.get(format!("{base}/api/v1/products")).send().await {
            total = response
                .json::<serde_json::Value>()
                .await
                .ok()
                .map(|v| v["total"].clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(again);
    assert_eq!(total, Some(serde_json::json!(DEMO_PRODUCTS)));
}

#[test]
fn migrate_applies_pending_migrations_once() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("m.db").display());
    let run = || {
        let output = Command::new(env!("CARGO_BIN_EXE_pilote"))
            .args(["migrate", "--database", &database])
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    // Every migration of the SQLite tree, whatever their number.
    let migrations = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pilote-store/migrations/sqlite"
    ))
    .unwrap()
    .filter(|entry| {
        entry
            .as_ref()
            .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
    })
    .count();
    assert!(migrations >= 5);
    assert_eq!(
        run().trim(),
        format!("{migrations} migration(s) appliquée(s).")
    );
    assert_eq!(run().trim(), "0 migration(s) appliquée(s).");
}
