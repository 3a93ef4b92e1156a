//! Releases: read from a local server answering like GitHub's and GitLab's APIs (pages,
//! rate limit, an unreachable forge), declared by hand, and the cadence they show.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Duration, NaiveDate, Utc};
use common::{TestApp, TestDb};
use pilote_domain::audit::Actor;
use pilote_domain::portfolio::Product;
use pilote_import::delivery::{ForgeApis, ForgeClient, ForgeError, import_releases};
use serde_json::{Value, json};

fn days_ago(days: i64) -> NaiveDate {
    Utc::now().date_naive() - Duration::days(days)
}

fn stamp(date: NaiveDate) -> String {
    format!("{date}T10:00:00Z")
}

/// What the fake forge counts.
#[derive(Clone, Default)]
struct Forge {
    base: String,
    requests: Arc<AtomicUsize>,
}

#[derive(serde::Deserialize)]
struct Paging {
    page: Option<usize>,
}

/// GitHub: `demo/eau-claire` has two pages (a `Link` header to the second) and a draft;
/// `demo/limite` is refused for a spent rate limit; anything else is not found.
async fn github_releases(
    State(forge): State<Forge>,
    Path((owner, repo)): Path<(String, String)>,
    Query(paging): Query<Paging>,
) -> Response {
    forge.requests.fetch_add(1, Ordering::SeqCst);
    let mut headers = HeaderMap::new();
    headers.insert("x-ratelimit-remaining", HeaderValue::from_static("41"));
    match (owner.as_str(), repo.as_str(), paging.page.unwrap_or(1)) {
        ("demo", "eau-claire", 1) => {
            let next = format!(
                "<{}/repos/demo/eau-claire/releases?per_page=100&page=2>; rel=\"next\", <{}/repos/demo/eau-claire/releases?per_page=100&page=2>; rel=\"last\"",
                forge.base, forge.base
            );
            headers.insert("link", HeaderValue::from_str(&next).unwrap());
            let body = json!([
                {"tag_name": "v2.1.0", "name": "Version 2.1", "published_at": stamp(days_ago(5)), "body": "Nouveau tableau de bord.\n\nCorrections.", "html_url": "https://github.com/demo/eau-claire/releases/tag/v2.1.0", "draft": false},
                {"tag_name": "v2.2.0-rc", "name": null, "published_at": null, "created_at": stamp(days_ago(1)), "body": "", "draft": true},
                {"tag_name": "v2.0.0", "name": "", "published_at": stamp(days_ago(15)), "body": null, "html_url": "https://github.com/demo/eau-claire/releases/tag/v2.0.0", "draft": false}
            ]);
            (headers, axum::Json(body)).into_response()
        }
        ("demo", "eau-claire", 2) => {
            let body = json!([
                {"tag_name": "v1.9.0", "name": "Version 1.9", "published_at": stamp(days_ago(35)), "body": "Export CSV", "draft": false},
                {"tag_name": "v1.0.0", "name": "Version 1.0", "published_at": stamp(days_ago(65)), "body": "Ouverture", "draft": false}
            ]);
            (headers, axum::Json(body)).into_response()
        }
        ("demo", "limite", _) => {
            let mut headers = HeaderMap::new();
            headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
            headers.insert("x-ratelimit-reset", HeaderValue::from_static("1798675200"));
            (
                StatusCode::FORBIDDEN,
                headers,
                axum::Json(json!({"message": "API rate limit exceeded"})),
            )
                .into_response()
        }
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "Not Found"})),
        )
            .into_response(),
    }
}

/// GitLab: `groupe/velo-facile` has no release, and tags on two pages (`x-next-page`).
async fn gitlab_releases(State(forge): State<Forge>, Path(project): Path<String>) -> Response {
    forge.requests.fetch_add(1, Ordering::SeqCst);
    if project != "groupe/velo-facile" {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "404 Project Not Found"})),
        )
            .into_response();
    }
    axum::Json(json!([])).into_response()
}

async fn gitlab_tags(
    State(forge): State<Forge>,
    Path(project): Path<String>,
    Query(paging): Query<Paging>,
) -> Response {
    forge.requests.fetch_add(1, Ordering::SeqCst);
    assert_eq!(project, "groupe/velo-facile");
    let mut headers = HeaderMap::new();
    let tags = if paging.page.unwrap_or(1) == 1 {
        headers.insert("x-next-page", HeaderValue::from_static("2"));
        json!([{"name": "2024.3", "message": "", "commit": {"created_at": stamp(days_ago(100))}}])
    } else {
        headers.insert("x-next-page", HeaderValue::from_static(""));
        json!([{"name": "2024.1", "message": "Première version", "commit": {"created_at": stamp(days_ago(300))}}])
    };
    (headers, axum::Json(tags)).into_response()
}

/// Starts the fake forge; its base URL serves as both GitHub's API and GitLab's `/api/v4`.
async fn start_forge() -> Forge {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let forge = Forge {
        base: format!("http://{}", listener.local_addr().unwrap()),
        requests: Arc::default(),
    };
    let app = axum::Router::new()
        .route("/repos/{owner}/{repo}/releases", get(github_releases))
        // GitLab's project path arrives as one encoded segment.
        .route("/api/v4/projects/{project}/releases", get(gitlab_releases))
        .route(
            "/api/v4/projects/{project}/repository/tags",
            get(gitlab_tags),
        )
        .with_state(forge.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    forge
}

/// The demo portfolio with repositories on the fake forges.
async fn with_repositories(db: &TestDb) -> Vec<Product> {
    db.fill_demo().await;
    let mut products = db.store.load_portfolio().await.unwrap().products;
    for product in &mut products {
        product.repository = match product.slug.as_str() {
            "eau-claire" => Some("https://github.com/demo/eau-claire/".into()),
            "velo-facile" => {
                Some("https://gitlab.example.org/groupe/velo-facile/-/tree/main".into())
            }
            "signal-bruit" => Some("github.com/demo/limite".into()),
            "cantine-locale" => Some("https://github.com/demo/autre".into()),
            _ => product.repository.clone(),
        };
    }
    let changes = pilote_store::PortfolioChanges {
        products: products.clone(),
        ..Default::default()
    };
    db.store
        .apply(&changes, &Actor::system("test"))
        .await
        .unwrap();
    products
}

fn client(forge: &Forge) -> ForgeClient {
    ForgeClient::new(
        ForgeApis {
            github: forge.base.clone(),
            gitlab: Some(format!("{}/api/v4", forge.base)),
        },
        std::time::Duration::from_secs(5),
    )
    .unwrap()
}

async fn forge_import(db: TestDb) {
    let forge = start_forge().await;
    let products = with_repositories(&db).await;
    let actor = Actor::cli("test");
    let outcome = import_releases(&db.store, &client(&forge), &products, &actor)
        .await
        .unwrap();
    let imported: Vec<(&str, usize, usize)> = outcome
        .imported
        .iter()
        .map(|(slug, found, changed)| (slug.as_str(), *found, *changed))
        .collect();
    // Drafts are left out; both GitHub pages and both GitLab tag pages are read.
    assert_eq!(imported, [("eau-claire", 4, 4), ("velo-facile", 2, 2)]);
    let failed: Vec<(&str, String)> = outcome
        .failed
        .iter()
        .map(|(slug, error)| (slug.as_str(), error.to_string()))
        .collect();
    assert!(
        failed.contains(&(
            "signal-bruit",
            "limite de requêtes atteinte sur 127.0.0.1 jusqu'à 2026-12-31 00:00:00 UTC".to_owned()
        )),
        "{failed:?}"
    );
    assert!(
        failed.contains(&(
            "cantine-locale",
            "dépôt introuvable ou privé : github.com/demo/autre".to_owned()
        )),
        "{failed:?}"
    );
    assert!(
        outcome
            .without_forge
            .iter()
            .any(|slug| slug.as_str() == "dossier-unique")
    );

    // A second run changes nothing and logs nothing.
    let log_before = db.store.audit_page(0, 1).await.unwrap().total;
    let again = import_releases(&db.store, &client(&forge), &products, &actor)
        .await
        .unwrap();
    assert!(
        again.imported.iter().all(|(_, _, changed)| *changed == 0),
        "{:?}",
        again.imported
    );
    assert_eq!(db.store.audit_page(0, 1).await.unwrap().total, log_before);

    // An unreachable forge: what was imported stays.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let unreachable = ForgeClient::new(
        ForgeApis {
            github: closed,
            gitlab: None,
        },
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let eau_claire: Vec<Product> = products
        .iter()
        .filter(|p| p.slug.as_str() == "eau-claire")
        .cloned()
        .collect();
    let outcome = import_releases(&db.store, &unreachable, &eau_claire, &actor)
        .await
        .unwrap();
    assert!(
        matches!(outcome.failed[0].1, ForgeError::Unreachable { .. }),
        "{:?}",
        outcome.failed
    );
    assert!(
        outcome.failed[0]
            .1
            .to_string()
            .starts_with("forge injoignable (127.0.0.1)")
    );

    let app = TestApp::spawn_writable(db).await;
    let (status, body) = app.get("/api/v1/products/eau-claire/releases").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 4);
    // Gaps of 10, 20 and 30 days: a median of 20; the last release was 5 days ago.
    assert_eq!(body["cadence_days"], 20.0);
    assert_eq!(body["delivers_monthly"], true);
    let names: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Version 2.1", "v2.0.0", "Version 1.9", "Version 1.0"]
    );
    assert_eq!(
        body["data"][0]["summary"],
        "Nouveau tableau de bord. Corrections."
    );
    assert_eq!(body["data"][0]["source"], "forge");
    // GitLab tags 200 days apart, the older outside the six months: no cadence.
    let (_, velo) = app.get("/api/v1/products/velo-facile/releases").await;
    assert_eq!(velo["total"], 2);
    assert_eq!(velo["cadence_days"], Value::Null);
    assert_eq!(velo["delivers_monthly"], false);

    let (status, cadence) = app.get("/api/v1/delivery/cadence").await;
    assert_eq!(status, 200);
    let demo = cadence["incubators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["incubator"] == "fabrique-demo")
        .unwrap();
    let products_of_demo = demo["products"].as_u64().unwrap();
    assert_eq!(demo["delivering_monthly"], 1);
    assert_eq!(demo["products_with_releases"], 2);
    assert_eq!(demo["median_cadence_days"], 20.0);
    let share = demo["monthly_share"].as_f64().unwrap();
    assert!((share * f64::from(u32::try_from(products_of_demo).unwrap()) - 1.0).abs() < 1e-12);
    assert!(forge.requests.load(Ordering::SeqCst) >= 8);

    // The product page says it in one sentence; /livraisons shows the incubators' table.
    let page = app
        .client
        .get(app.url("/produits/eau-claire"))
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains("4 livraisons, la dernière « Version 2.1 »")
            && page.contains(
                "une livraison tous les 20 jours en médiane sur six mois : au moins une par mois"
            ),
        "{page}"
    );
    let page = app
        .client
        .get(app.url("/produits/dossier-unique"))
        .send()
        .await
        .unwrap();
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Aucune livraison connue")
    );
    let page = app.client.get(app.url("/livraisons")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    // fabrique-demo: all its products, 2 with releases, 1 delivering monthly, a median of 20 days.
    let row = format!("<td>{products_of_demo}</td><td>2</td><td>1</td>");
    assert!(
        page.contains(&row) && page.contains("<td>20 j</td>"),
        "{page}"
    );
    app.stop().await;
}
on_both_backends!(releases_from_forges, forge_import);

async fn declared(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let release = json!({"name": "Parcours simplifié", "date": days_ago(3).to_string(), "summary": "Un formulaire de moins", "size": "medium", "notes_url": "https://droits-simples.example.org/nouveautes"});
    let (status, created) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/products/droits-simples/releases",
            &release,
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["source"], "declared");
    assert_eq!(created["product"], "droits-simples");
    let id = created["id"].as_i64().unwrap();

    // The same name again is a conflict; bad fields are named.
    let (status, _) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/products/droits-simples/releases",
            &release,
        )
        .await;
    assert_eq!(status, 409);
    let (status, error) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/products/droits-simples/releases",
            &json!({"name": "", "date": "2026-01-01"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(error["error"]["fields"]["name"], "ce champ est obligatoire");
    let (status, error) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/products/droits-simples/releases",
            &json!({"name": "x", "date": "2026-01-01", "size": "huge"}),
        )
        .await;
    assert_eq!(status, 422, "{error}");
    assert!(error["error"]["fields"]["size"].is_string(), "{error}");
    let (status, error) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/products/droits-simples/releases",
            &json!({"name": "x", "date": "2026-01-01", "source": "forge"}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(error["error"]["fields"]["source"].is_string());

    // A member of another product may not declare its releases.
    let member = app
        .token_for("membre-produit", &pilote_domain::identity::Scope::ALL)
        .await;
    let response = app
        .client
        .post(app.url("/api/v1/products/eau-claire/releases"))
        .bearer_auth(&member)
        .json(&json!({"name": "v9", "date": "2026-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let response = app
        .client
        .post(app.url("/api/v1/products/droits-simples/releases"))
        .bearer_auth(&member)
        .json(&json!({"name": "v9", "date": "2026-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        201,
        "a member of the product may"
    );

    let history = app
        .db
        .store
        .audit_history("release", &id.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    let (status, _) = app
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/products/droits-simples/releases/{id}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/products/eau-claire/releases/{id}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 404);
    let (_, body) = app.get("/api/v1/products/droits-simples/releases").await;
    assert_eq!(body["total"], 1);
    assert_eq!(
        app.db
            .store
            .audit_history("release", &id.to_string())
            .await
            .unwrap()
            .len(),
        2
    );
    app.stop().await;
}
on_both_backends!(declared_releases, declared);

#[tokio::test]
async fn the_releases_page_declares_and_withdraws() {
    let db = TestDb::fresh(common::Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let (_, csrf) = app.session.clone().unwrap();
    let page = app
        .client
        .get(app.url("/produits/droits-simples/livraisons"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Aucune livraison pour l’instant."));
    assert!(page.contains("Déclarer la livraison"));
    // A date that is none comes back on its field, the name kept.
    let refused = app
        .client
        .post(app.url("/produits/droits-simples/livraisons"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "v1.2"),
            ("date", "31/02/2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("31/02/2026") && page.contains("value=\"v1.2\""),
        "{page}"
    );
    assert!(page.contains("aria-invalid=\"true\""));
    let date = days_ago(2).to_string();
    let declared = app
        .client
        .post(app.url("/produits/droits-simples/livraisons"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "v1.2"),
            ("date", date.as_str()),
            ("size", "small"),
            ("summary", "Un justificatif de moins"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), StatusCode::OK);
    let page = declared.text().await.unwrap();
    assert!(
        page.contains("Un justificatif de moins") && page.contains("Petite"),
        "{page}"
    );
    // The same name again is refused on the name.
    let again = app
        .client
        .post(app.url("/produits/droits-simples/livraisons"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "v1.2"),
            ("date", date.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, listed) = app.get("/api/v1/products/droits-simples/releases").await;
    assert_eq!(listed["total"], 1);
    let id = listed["data"][0]["id"].as_i64().unwrap();
    // Anonymous visitors read the page but get no form.
    let anonymous = reqwest::get(app.url("/produits/droits-simples/livraisons"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(anonymous.contains("v1.2") && !anonymous.contains("Déclarer la livraison"));
    let withdrawn = app
        .client
        .post(app.url(&format!(
            "/produits/droits-simples/livraisons/{id}/supprimer"
        )))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), StatusCode::OK);
    let (_, listed) = app.get("/api/v1/products/droits-simples/releases").await;
    assert_eq!(listed["total"], 0);
    app.stop().await;
}
