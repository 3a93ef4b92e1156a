//! `pilote probe --url`: one check, printed as JSON, nothing stored; the exit code says
//! whether the service is up.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use axum::Router;
use axum::response::Html;
use axum::routing::get;

fn probe(url: &str) -> (Option<i32>, serde_json::Value) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["probe", "--url", url, "--timeout", "2", "--retries", "0"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!("{}", String::from_utf8_lossy(&output.stderr));
    });
    (output.status.code(), report)
}

#[tokio::test]
async fn prints_every_measure_and_says_when_down() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new().route(
        "/",
        get(|| async {
            Html("<html><body><a href=\"/a11y\">Accessibilité : non conforme</a></body></html>")
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://{address}/");
    let (code, report) = tokio::task::spawn_blocking(move || probe(&url))
        .await
        .unwrap();
    assert_eq!(code, Some(0));
    assert_eq!(report["availability"]["state"], "up");
    assert_eq!(report["page"]["dom_elements"], 4);
    assert_eq!(report["page"]["accessibility_mention"], "not_compliant");
    assert_eq!(report["page"]["ecoindex"]["grade"], "A");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (code, report) = probe(&format!("http://{closed}/"));
    assert_eq!(code, Some(1));
    assert_eq!(report["availability"]["reason"], "connexion impossible");
}
