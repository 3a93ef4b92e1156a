//! Probes against real HTTP servers on loopback: a fast compliant site, a slow one, one that
//! fails half the time, one that never answers, one with a heavy page.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use pilote_domain::quality::Grade;
use pilote_domain::quality::rgaa::StatementStatus;
use pilote_probe::{Availability, ProbeConfig, Prober};

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

fn prober(timeout_ms: u64, retries: u32) -> Prober {
    Prober::new(ProbeConfig {
        timeout: Duration::from_millis(timeout_ms),
        retries,
        backoff: Duration::from_millis(10),
        ..ProbeConfig::default()
    })
    .unwrap()
}

const COMPLIANT: &str = r#"<!doctype html><html lang="fr"><head><title>Démarche</title>
<link rel="stylesheet" href="/style.css"></head><body><main><h1>Démarche</h1>
<img src="/logo.svg" alt="Logo"><a class="fr-connect" href="/fc">S’identifier avec FranceConnect</a></main>
<footer><a href="/accessibilite">Accessibilité : totalement conforme</a></footer></body></html>"#;

#[tokio::test]
async fn a_fast_compliant_site() {
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [
                        (
                            header::STRICT_TRANSPORT_SECURITY,
                            HeaderValue::from_static("max-age=63072000"),
                        ),
                        (
                            header::X_CONTENT_TYPE_OPTIONS,
                            HeaderValue::from_static("nosniff"),
                        ),
                    ],
                    Html(COMPLIANT),
                )
            }),
        )
        .route("/style.css", get(|| async { "body { margin: 0 }" }))
        .route("/logo.svg", get(|| async { "<svg/>".repeat(100) }));
    let base = serve(app).await;
    let check = prober(2000, 0).check(&base).await.unwrap();
    let Availability::Up {
        status,
        response_ms,
    } = check.availability
    else {
        panic!("{check:?}")
    };
    assert_eq!(status, 200);
    assert!(response_ms < 1000);
    assert_eq!(check.attempts, 1);
    assert!(!check.https, "loopback is plain HTTP");
    assert_eq!(
        check.security_headers,
        ["strict-transport-security", "x-content-type-options"]
    );
    let page = check.page.unwrap();
    assert_eq!(
        page.analysis.accessibility_mention,
        Some(StatementStatus::FullyCompliant)
    );
    assert_eq!(
        page.analysis.statement_link.as_deref(),
        Some(format!("{base}/accessibilite").as_str())
    );
    assert!(page.analysis.franceconnect);
    assert_eq!(
        (page.subresources_fetched, page.subresources_failed),
        (2, 0)
    );
    assert_eq!(
        page.transferred_bytes,
        (COMPLIANT.len() + "body { margin: 0 }".len() + 600) as u64
    );
    let ecoindex = page.ecoindex.unwrap();
    assert_eq!(ecoindex.grade, Grade::A, "{ecoindex:?}");
}

#[tokio::test]
async fn a_slow_site_is_up_and_timed() {
    let app = Router::new().route(
        "/",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Html("<p>lent</p>")
        }),
    );
    let base = serve(app).await;
    let check = prober(2000, 0).check(&base).await.unwrap();
    let Availability::Up { response_ms, .. } = check.availability else {
        panic!("{check:?}")
    };
    assert!((300..2000).contains(&response_ms), "{response_ms}");
    // The same site with a shorter timeout is down.
    let check = prober(100, 0).check(&base).await.unwrap();
    assert_eq!(
        check.availability,
        Availability::Down {
            reason: "délai dépassé".into()
        }
    );
}

#[tokio::test]
async fn a_site_failing_half_the_time_is_retried() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let app = Router::new().route(
        "/",
        get(move || {
            let counter = Arc::clone(&counter);
            async move {
                if counter.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                } else {
                    Html("<p>ok</p>").into_response()
                }
            }
        }),
    );
    let base = serve(app).await;
    let check = prober(2000, 2).check(&base).await.unwrap();
    assert!(matches!(check.availability, Availability::Up { .. }));
    assert_eq!(check.attempts, 2);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // Without retries, the failing half is recorded as down.
    let check = prober(2000, 0).check(&base).await.unwrap();
    assert_eq!(
        check.availability,
        Availability::Down {
            reason: "statut HTTP 503".into()
        }
    );
}

#[tokio::test]
async fn a_site_that_never_answers_is_down_after_its_retries() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let started = std::time::Instant::now();
    let check = prober(150, 1)
        .check(&format!("http://{address}/"))
        .await
        .unwrap();
    assert_eq!(check.attempts, 2);
    assert_eq!(
        check.availability,
        Availability::Down {
            reason: "délai dépassé".into()
        }
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(check.page.is_none());
    // A closed port is another reason.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let check = prober(500, 0)
        .check(&format!("http://{closed}/"))
        .await
        .unwrap();
    assert_eq!(
        check.availability,
        Availability::Down {
            reason: "connexion impossible".into()
        }
    );
}

#[tokio::test]
async fn a_heavy_page_scores_low() {
    let mut html = String::from("<!doctype html><html><body>");
    for i in 0..60 {
        write!(html, "<img src=\"/images/{i}.jpg\" alt=\"\">").unwrap();
    }
    for _ in 0..2500 {
        html.push_str("<div><span>x</span></div>");
    }
    html.push_str("</body></html>");
    let app = Router::new()
        .route("/", get(move || async move { Html(html) }))
        .route("/images/{name}", get(|| async { vec![0u8; 100 * 1024] }));
    let base = serve(app).await;
    let check = prober(5000, 0).check(&base).await.unwrap();
    let page = check.page.unwrap();
    assert_eq!(page.subresources_fetched, 60);
    assert!(page.analysis.dom_elements > 5000);
    assert!(page.transferred_bytes > 6_000_000);
    let ecoindex = page.ecoindex.unwrap();
    assert!(ecoindex.score < 30, "{ecoindex:?}");
    assert!(matches!(ecoindex.grade, Grade::E | Grade::F | Grade::G));
    assert_eq!(
        page.analysis.accessibility_mention, None,
        "no mention on it"
    );
}

#[tokio::test]
async fn an_address_that_is_not_http_is_refused() {
    let error = prober(100, 0).check("ftp://example.org").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "adresse invalide « ftp://example.org » : attendu http:// ou https://"
    );
}
