//! `pilote serve` as a user runs it: the demo portfolio, compression, graceful shutdown.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

use std::process::{Command, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn serve_demo_fills_an_empty_database_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("demo.db").display());
    let addr = format!("127.0.0.1:{}", free_port());
    let mut server = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["serve", "--demo", "--addr", &addr, "--database", &database])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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
    assert_eq!(products["total"], 9);
    let incubators: serde_json::Value = client
        .get(format!("{base}/api/v1/incubators"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(incubators["total"], 3);
    let phases: std::collections::BTreeSet<&str> = products["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["current_phase"].as_str().unwrap())
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
    let pid = server.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = server.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = exited.unwrap_or_else(|| {
        server.kill().ok();
        panic!("the server did not stop on SIGTERM");
    });
    assert!(status.success(), "{status}");

    // A second start keeps the data and does not add the demo twice.
    let mut again = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["serve", "--demo", "--addr", &addr, "--database", &database])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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
    again.kill().ok();
    again.wait().ok();
    assert_eq!(total, Some(serde_json::json!(9)));
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
    assert_eq!(run().trim(), "5 migration(s) appliquée(s).");
    assert_eq!(run().trim(), "0 migration(s) appliquée(s).");
}
