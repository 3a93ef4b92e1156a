//! Hostile input and overload: oversized, deeply nested and non-UTF-8 bodies, path
//! traversal in every path parameter of the API, requests that take too long, and more
//! expensive requests at once than the server allows. Each is answered cleanly, with the
//! API's error body, and never with a 5xx.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::time::Duration;

use common::{Backend, TestApp, TestDb};
use reqwest::Method;
use serde_json::Value;

async fn writable() -> TestApp {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    TestApp::spawn_writable(db).await
}

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Vec<u8>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let response = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(app.token.as_deref().unwrap())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

fn code(body: &str) -> String {
    serde_json::from_str::<Value>(body).map_or_else(
        |_| format!("not JSON: {body}"),
        |v| v["error"]["code"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn oversized_nested_and_garbled_bodies_are_refused_cleanly() {
    let app = writable().await;

    // 10 MB, declared.
    let big = vec![b' '; 10 * 1024 * 1024];
    let (status, headers, body) = raw(&app, Method::POST, "/api/v1/products", big.clone()).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(code(&body), "payload_too_large");
    assert!(headers.contains_key("x-request-id"));

    // 10 MB, streamed without a length.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..160).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/products"))
        .bearer_auth(app.token.as_deref().unwrap())
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(code(&response.text().await.unwrap()), "payload_too_large");

    // JSON nested 100,000 deep, and its object form.
    for nested in [
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("{}1{}", r#"{"a":"#.repeat(50_000), "}".repeat(50_000)),
    ] {
        let (status, _, body) =
            raw(&app, Method::POST, "/api/v1/products", nested.into_bytes()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(code(&body), "bad_request");
    }

    // Bytes that are not UTF-8, as a body and inside a JSON string.
    for garbled in [
        vec![0xff, 0xfe, 0xfd, 0x00, 0x80],
        b"{\"slug\": \"\xff\xfe\"}".to_vec(),
    ] {
        let (status, _, body) = raw(&app, Method::POST, "/api/v1/products", garbled).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(code(&body), "bad_request");
    }
    // Percent-encoded bytes that are not UTF-8 in a query and a path.
    for path in [
        "/api/v1/products?q=%ff%fe",
        "/api/v1/search?q=%ff%c3",
        "/api/v1/products/%ff%fe",
        "/produits/%ff",
    ] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        let status = response.status().as_u16();
        assert!(matches!(status, 200 | 400 | 404 | 422), "{path}: {status}");
    }
    app.stop().await;
}

/// Replaces every `{parameter}` of an OpenAPI path with `value`.
fn with_parameters(path: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str(value);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn path_traversal_in_every_path_parameter_finds_nothing() {
    let app = writable().await;
    let (_, document) = app.get("/api/openapi.json").await;
    let paths = document["paths"].as_object().unwrap();
    let attempts = [
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "..%252F..%252Fetc%252Fpasswd",
        "%2e%2e%2f%2e%2e%2fCargo.toml",
        "..%5C..%5Cwindows%5Cwin.ini",
        "%00",
        "fichier%00.json",
        "....%2F%2F....%2F%2Fetc%2Fpasswd",
    ];
    let mut tried = 0;
    for (path, operations) in paths {
        if !path.contains('{') {
            continue;
        }
        for method in operations.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for attempt in attempts {
                let address = with_parameters(path, attempt);
                let body = if method == Method::GET || method == Method::DELETE {
                    Vec::new()
                } else {
                    b"{}".to_vec()
                };
                let (status, _, text) = raw(&app, method.clone(), &address, body).await;
                // A history of a record that never existed is an empty list; anything
                // else is refused.
                let empty = status == 200 && text == "[]";
                assert!(
                    empty || matches!(status, 400 | 404 | 405 | 409 | 422),
                    "{method} {address}: {status} {text}"
                );
                assert!(!text.contains("root:"), "{address} leaked a file");
                assert!(!text.contains("[package]"), "{address} leaked a file");
                tried += 1;
            }
        }
    }
    // And the pages, the assets and the downloads.
    for page in [
        "/produits/",
        "/membres/",
        "/logiciels/",
        "/donnees/jeux-de-donnees/",
        "/static/",
        "/recherche?q=",
    ] {
        for attempt in attempts {
            let response = reqwest::get(app.url(&format!("{page}{attempt}")))
                .await
                .unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            assert!(status < 500, "{page}{attempt}: {status}");
            assert!(
                !text.contains("root:") && !text.contains("[package]"),
                "{page}{attempt}"
            );
            tried += 1;
        }
    }
    println!("{tried} hostile paths answered cleanly");
    assert!(tried > 200, "{tried}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn too_long_and_too_many_expensive_requests_are_answered_408_and_503() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let app = TestApp::spawn_writable_with(
        db,
        pilote_web::Config {
            bounds: pilote_web::Bounds {
                request_timeout: Duration::from_secs(1),
                ..pilote_web::Bounds::default()
            },
            ..pilote_web::Config::default()
        },
    )
    .await;
    // A body that trickles in: its first bytes, then nothing for three seconds.
    let trickle = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok::<_, std::io::Error>(b"{\"slug\": ".to_vec()), 1)),
            1 => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                Some((Ok(b"\"lent\"}".to_vec()), 2))
            }
            _ => None,
        }
    });
    let started = std::time::Instant::now();
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/products"))
        .bearer_auth(app.token.as_deref().unwrap())
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(trickle))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 408);
    assert_eq!(code(&response.text().await.unwrap()), "timeout");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "answered at the bound, not after the body"
    );
    assert_eq!(
        reqwest::get(app.url("/healthz")).await.unwrap().status(),
        200
    );
    app.stop().await;

    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let app = TestApp::spawn(
        db,
        pilote_web::Config {
            bounds: pilote_web::Bounds {
                max_expensive_requests: 1,
                ..pilote_web::Bounds::default()
            },
            ..pilote_web::Config::default()
        },
    )
    .await;
    let mut refused = 0;
    let mut served = 0;
    for _ in 0..10 {
        let requests = (0..24).map(|i| {
            let url = app.url(if i % 2 == 0 {
                "/membres.csv"
            } else {
                "/impact.csv"
            });
            async move { reqwest::get(url).await.unwrap() }
        });
        for response in futures_util::future::join_all(requests).await {
            match response.status().as_u16() {
                200 => served += 1,
                503 => {
                    assert_eq!(response.headers()["retry-after"], "2");
                    assert_eq!(code(&response.text().await.unwrap()), "unavailable");
                    refused += 1;
                }
                other => panic!("{other}"),
            }
        }
        if refused > 0 {
            break;
        }
    }
    println!("one expensive request at a time: {served} served, {refused} answered 503");
    assert!(
        served > 0 && refused > 0,
        "{served} served, {refused} refused"
    );
    app.stop().await;
}
