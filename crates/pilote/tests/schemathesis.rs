//! schemathesis against the running API: requests generated from `/api/openapi.json`
//! (valid and invalid), signed in with an administrator's token, must never be answered
//! with a 5xx nor with a response that breaks its own schema.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{Backend, TestApp, TestDb};

/// Examples generated per operation and phase.
const EXAMPLES: &str = "40";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_requests_get_no_server_error_and_match_the_schema() {
    let found = std::process::Command::new("st").arg("--version").output();
    if !found.is_ok_and(|output| output.status.success()) {
        eprintln!("skipped: schemathesis is absent (python3 -m pip install schemathesis)");
        return;
    }
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let schema = app.url("/api/openapi.json");
    let authorization = format!("Authorization: Bearer {}", app.token.as_deref().unwrap());
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("st")
            .args([
                "run",
                &schema,
                "--checks",
                "not_a_server_error,response_schema_conformance",
            ])
            .args(["--header", &authorization, "--max-examples", EXAMPLES])
            .args([
                "--generation-deterministic",
                "--workers",
                "2",
                "--request-timeout",
                "30",
            ])
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    println!("{report}");
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    // The summary's "Test cases:" block reads "9137 generated, 9137 passed"; warnings
    // elsewhere also say "generated", so only a line that starts with the count counts.
    let generated = report
        .lines()
        .find_map(|line| {
            let mut words = line.split_whitespace();
            let count = words.next()?.replace(',', "").parse::<u64>().ok()?;
            words
                .next()
                .is_some_and(|word| word.starts_with("generated"))
                .then_some(count)
        })
        .unwrap_or(0);
    assert!(
        output.status.success(),
        "schemathesis found failures (report above)"
    );
    assert!(generated >= 2000, "only {generated} test cases generated");
    app.stop().await;
}
