//! Probes that store what they measure: `pilote probe` and `pilote worker --once` against
//! real HTTP servers on loopback (a fast compliant site, a slow one, one failing every other
//! request, one that never answers, one with a heavy page), then the recorded uptime, times,
//! EcoIndex inputs and detections as the API and the observatory show them.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use common::{TestApp, TestDb};
use pilote_domain::audit::Actor;
use pilote_domain::portfolio::Product;
use serde_json::{Value, json};

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/")
}

/// The five sites, by product slug.
async fn sites() -> Vec<(&'static str, String)> {
    let fast = serve(Router::new().route(
        "/",
        get(|| async {
            Html(
                "<html lang=\"fr\"><body><a class=\"fr-connect\" href=\"/fc\">S’identifier avec FranceConnect</a>\
                 <footer><a href=\"/accessibilite\">Accessibilité : partiellement conforme</a></footer></body></html>",
            )
        }),
    ))
    .await;
    let slow = serve(Router::new().route(
        "/",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(850)).await;
            Html("<p>lent</p>")
        }),
    ))
    .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let flaky = serve(Router::new().route(
        "/",
        get(move || {
            let calls = Arc::clone(&calls);
            async move {
                // The first request fails, then every other one.
                if calls.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
                    StatusCode::BAD_GATEWAY.into_response()
                } else {
                    Html("<p>ok</p>").into_response()
                }
            }
        }),
    ))
    .await;
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_address = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let mut heavy_page = String::from("<html><body>");
    for i in 0..40 {
        write!(heavy_page, "<img src=\"/images/{i}.jpg\" alt=\"\">").unwrap();
    }
    heavy_page.push_str(&"<div><span>x</span></div>".repeat(2000));
    let heavy = serve(
        Router::new()
            .route("/", get(move || async move { Html(heavy_page) }))
            .route("/images/{name}", get(|| async { vec![0u8; 100 * 1024] })),
    )
    .await;
    vec![
        ("site-rapide", fast),
        ("site-lent", slow),
        ("site-instable", flaky),
        ("site-muet", format!("http://{silent_address}/")),
        ("site-lourd", heavy),
    ]
}

fn pilote(args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn run(args: Vec<String>) -> String {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        pilote(&args)
    })
    .await
    .unwrap()
}

async fn recorded_by_probe_and_worker(db: TestDb) {
    let sites = sites().await;
    let products: Vec<Product> = sites
        .iter()
        .map(|(slug, url)| {
            serde_json::from_value(json!({
                "slug": slug, "title": slug, "mission": "Un site de test",
                "incubator": "labo", "phases": [], "link": url
            }))
            .unwrap()
        })
        .collect();
    db.store
        .apply(
            &pilote_store::PortfolioChanges {
                products,
                ..Default::default()
            },
            &Actor::system("test"),
        )
        .await
        .unwrap();
    let probe = |extra: &[&str]| {
        let mut args: Vec<String> = [
            "probe",
            "--database",
            &db.url,
            "--timeout",
            "2",
            "--retries",
            "0",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        args.extend(extra.iter().map(ToString::to_string));
        args
    };
    // One product alone, then all of them three times, then a worker's round.
    let out = run(probe(&["--product", "site-instable"])).await;
    assert!(out.contains("1 service(s) vérifié(s), 0 en ligne"), "{out}");
    for _ in 0..3 {
        let out = run(probe(&[])).await;
        assert!(out.starts_with("5 service(s) vérifié(s)"), "{out}");
    }
    let worker: Vec<String> = [
        "worker",
        "--database",
        &db.url,
        "--timeout",
        "2",
        "--retries",
        "0",
        "--once",
        "--name",
        "essai",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let out = run(worker.clone()).await;
    assert!(
        out.contains(
            "5 vérification(s) enregistrée(s), 0 reprise(s) par un autre worker, 0 en échec"
        ),
        "{out}"
    );
    // Done: nothing is due again before the next period.
    let out = run(worker).await;
    assert!(out.contains("0 vérification(s) enregistrée(s)"), "{out}");
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["probe", "--database", &db.url, "--product", "inconnu"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("inconnu"));

    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let service = |slug: &'static str| {
        let app = &app;
        async move {
            let (status, body) = app.get(&format!("/api/v1/products/{slug}/service")).await;
            assert_eq!(status, 200, "{body}");
            body
        }
    };
    let fast = service("site-rapide").await;
    assert_eq!(fast["health"]["checks"], 4);
    assert_eq!(fast["uptime"], 100.0);
    assert!(
        fast["health"]["mean_ms"].as_f64().unwrap() < 400.0,
        "{fast}"
    );
    let latest = &fast["checks"][0];
    assert_eq!(latest["up"], true);
    assert_eq!(latest["status"], 200);
    assert_eq!(
        latest["detail"]["page"]["accessibility_mention"],
        "partially_compliant"
    );
    assert_eq!(latest["detail"]["page"]["franceconnect"], true);
    assert!(
        latest["detail"]["page"]["statement_link"]
            .as_str()
            .unwrap()
            .ends_with("/accessibilite")
    );
    assert_eq!(latest["ecoindex_grade"], "A");

    let slow = service("site-lent").await;
    assert_eq!(slow["uptime"], 100.0);
    assert!(
        slow["health"]["mean_ms"].as_f64().unwrap() >= 850.0,
        "{slow}"
    );

    // Five checks of the flaky site: the 1st, 3rd and 5th requests failed.
    let flaky = service("site-instable").await;
    assert_eq!(flaky["health"]["checks"], 5);
    assert_eq!(flaky["uptime"], 40.0);
    assert_eq!(flaky["checks"][0]["reason"], "statut HTTP 502");

    let silent = service("site-muet").await;
    assert_eq!(silent["uptime"], 0.0);
    assert_eq!(silent["checks"][0]["reason"], "délai dépassé");
    assert_eq!(silent["health"]["mean_ms"], Value::Null);

    let heavy = service("site-lourd").await;
    let page = &heavy["checks"][0]["detail"]["page"];
    assert_eq!(page["subresources_fetched"], 40);
    assert!(page["dom_elements"].as_u64().unwrap() > 4000);
    assert!(page["transferred_bytes"].as_u64().unwrap() > 4_000_000);
    assert!(
        heavy["checks"][0]["ecoindex_score"].as_u64().unwrap() < 40,
        "{heavy}"
    );

    // The observatory reads the same series: levels and the probe as their source.
    let (_, table) = app.get("/api/v1/observatory?page_size=10").await;
    let level = |slug: &str, indicator: &str| {
        let row = table["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["product"] == slug)
            .unwrap();
        let reading = row["readings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"] == indicator)
            .unwrap();
        assert_eq!(reading["source"], "probe", "{reading}");
        reading["level"].as_str().unwrap().to_owned()
    };
    assert_eq!(level("site-rapide", "uptime"), "green");
    assert_eq!(level("site-rapide", "performance"), "green");
    assert_eq!(level("site-lent", "performance"), "red");
    assert_eq!(level("site-instable", "uptime"), "red");
    app.stop().await;
}
on_both_backends!(probes, recorded_by_probe_and_worker);
