//! The OpenAPI document: its snapshot, and real responses checked against it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use common::{TestApp, TestDb};
use serde_json::{Value, json};

#[test]
fn the_document_is_stable() {
    let document = serde_json::to_value(pilote_web::api::openapi_document()).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", document);
}

/// The schema a path declares for a method and status, resolvable against the document.
fn response_schema(document: &Value, path: &str, method: &str, status: u16) -> Value {
    let schema = &document["paths"][path][method]["responses"][status.to_string()]["content"]["application/json"]
        ["schema"];
    assert!(
        !schema.is_null(),
        "{method} {path} declares no schema for {status}"
    );
    json!({ "components": document["components"], "allOf": [schema] })
}

on_both_backends!(real_responses_match_the_document, responses_match);
async fn responses_match(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let (status, document) = app.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    let cases = [
        ("/api/v1/products?page_size=50", "/api/v1/products", 200),
        ("/api/v1/products?phase=prototype", "/api/v1/products", 422),
        (
            "/api/v1/products/eau-claire",
            "/api/v1/products/{slug}",
            200,
        ),
        (
            "/api/v1/products/dossier-unique",
            "/api/v1/products/{slug}",
            200,
        ),
        ("/api/v1/products/nope", "/api/v1/products/{slug}", 404),
        (
            "/api/v1/products/eau-claire/budget",
            "/api/v1/products/{slug}/budget",
            200,
        ),
        (
            "/api/v1/products/nope/budget",
            "/api/v1/products/{slug}/budget",
            404,
        ),
        ("/api/v1/members?page_size=50", "/api/v1/members", 200),
        ("/api/v1/members/lea.bernard", "/api/v1/members/{slug}", 200),
        ("/api/v1/incubators", "/api/v1/incubators", 200),
        (
            "/api/v1/incubators/fabrique-demo",
            "/api/v1/incubators/{slug}",
            200,
        ),
        ("/api/v1/organisations", "/api/v1/organisations", 200),
        (
            "/api/v1/organisations/region-exemple",
            "/api/v1/organisations/{slug}",
            200,
        ),
        ("/api/v1/teams", "/api/v1/teams", 200),
        ("/api/v1/teams/pilotage-demo", "/api/v1/teams/{slug}", 200),
    ];
    for (url, path, expected) in cases {
        let (status, body) = app.get(url).await;
        assert_eq!(status, expected, "{url}");
        let schema = response_schema(&document, path, "get", status);
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{url} does not match its schema: {errors:#?}"
        );
        // The check can fail: a body of the wrong shape is refused.
        assert!(
            !validator.is_valid(&json!({"data": "nope", "error": 1, "slug": 3})),
            "{url}: the schema accepts anything"
        );
    }
    app.stop().await;
}

on_both_backends!(data_responses_match_the_document, data_responses_match);
async fn data_responses_match(db: TestDb) {
    let Some(data) = common::shared_data() else {
        return;
    };
    let actor = pilote_domain::audit::Actor::system("test");
    for (source, path) in [
        (
            pilote_domain::data::DataSource::Udata,
            data.join("udata/api-fixtures.json"),
        ),
        (
            pilote_domain::data::DataSource::Apigouv,
            data.join("apigouv"),
        ),
    ] {
        pilote_import::data::import(
            &db.store,
            source,
            &path,
            pilote_import::ImportOptions::default(),
            &actor,
        )
        .await
        .unwrap();
    }
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let (_, document) = app.get("/api/openapi.json").await;
    let cases = [
        ("/api/v1/datasets?page_size=50", "/api/v1/datasets", 200),
        ("/api/v1/datasets?access=closed", "/api/v1/datasets", 422),
        (
            "/api/v1/datasets/base-adresse-nationale",
            "/api/v1/datasets/{slug}",
            200,
        ),
        ("/api/v1/datasets/nope", "/api/v1/datasets/{slug}", 404),
        (
            "/api/v1/data-producers?page_size=100",
            "/api/v1/data-producers",
            200,
        ),
        ("/api/v1/data-apis?page_size=200", "/api/v1/data-apis", 200),
        (
            "/api/v1/data-apis/base-adresse-nationale",
            "/api/v1/data-apis/{slug}",
            200,
        ),
        ("/api/v1/data-apis/nope", "/api/v1/data-apis/{slug}", 404),
    ];
    for (url, path, expected) in cases {
        let (status, body) = app.get(url).await;
        assert_eq!(status, expected, "{url}");
        let schema = response_schema(&document, path, "get", status);
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{url} does not match its schema: {errors:#?}"
        );
    }
    app.stop().await;
}
