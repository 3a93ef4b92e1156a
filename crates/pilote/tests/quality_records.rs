//! Products' quality records: read from the network until written, written by the
//! product's people, checked, and logged.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb};
use pilote_domain::identity::Scope;
use reqwest::Method;
use serde_json::json;

async fn written_by_the_team_and_logged(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let (status, shown) = app
        .get("/api/v1/products/droits-simples/quality-record")
        .await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["source"], "network");
    assert_eq!(shown["updated_at"], serde_json::Value::Null);
    let record = json!({
        "identity": "franceconnect",
        "hosting": {"provider": "Hébergeur qualifié", "offer": "PaaS", "model": "paas",
                    "cloud": "commercial", "data_sensitivity": "sensitive",
                    "secnumcloud": {"version": "3.2", "date": "2024-06-01"}, "location": "France"},
        "security": {"risk_analysis": true, "homologation_date": "2025-02-01",
                     "decision": "granted", "mon_service_securise": true},
        "statement": {"url": "https://droits-simples.example.org/accessibilite",
                      "date": "2025-03-01", "status": "partially_compliant"}
    });
    let member = app.token_for("membre-produit", &Scope::ALL).await;
    let (status, saved) = app
        .call(
            Method::PUT,
            "/api/v1/products/droits-simples/quality-record",
            Some(&member),
            Some(&record),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["source"], "recorded");
    assert_eq!(saved["identity"], "franceconnect");
    assert_eq!(saved["hosting"]["secnumcloud"]["version"], "3.2");
    let (_, shown) = app
        .get("/api/v1/products/droits-simples/quality-record")
        .await;
    assert_eq!(shown["statement"]["status"], "partially_compliant");
    // Another product's member may not; nor may anyone unsigned.
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/products/eau-claire/quality-record",
            Some(&member),
            Some(&record),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/products/droits-simples/quality-record",
            None,
            Some(&record),
        )
        .await;
    assert_eq!(status, 401);
    // Bad values are named and change nothing.
    let (status, refused) = app
        .call(
            Method::PUT,
            "/api/v1/products/droits-simples/quality-record",
            Some(&member),
            Some(&json!({
                "identity": "carte-vitale",
                "statement": {"status": "partially_compliant"}
            })),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        refused["error"]["fields"]["identity"].is_string(),
        "{refused}"
    );
    let (status, refused) = app
        .call(
            Method::PUT,
            "/api/v1/products/droits-simples/quality-record",
            Some(&member),
            Some(&json!({
                "security": {"decision": "provisional"},
                "hosting": {"provider": "X", "model": "iaas", "cloud": "commercial",
                            "data_sensitivity": "highly_sensitive"}
            })),
        )
        .await;
    assert_eq!(status, 422);
    let fields = refused["error"]["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("security.homologation_date"),
        "{refused}"
    );
    assert!(fields.contains_key("hosting.derogation"), "{refused}");
    let (_, shown) = app
        .get("/api/v1/products/droits-simples/quality-record")
        .await;
    assert_eq!(shown["identity"], "franceconnect", "unchanged");
    // The same record again writes nothing; a change is one update in the log.
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/products/droits-simples/quality-record",
            Some(&member),
            Some(&record),
        )
        .await;
    assert_eq!(status, 200);
    let mut changed = record.clone();
    changed["identity"] = json!("franceconnect_plus");
    app.call(
        Method::PUT,
        "/api/v1/products/droits-simples/quality-record",
        Some(&member),
        Some(&changed),
    )
    .await;
    let history = app
        .db
        .store
        .audit_history("quality_record", "droits-simples")
        .await
        .unwrap();
    let actions: Vec<String> = history
        .iter()
        .map(|e| e.action.as_str().to_owned())
        .collect();
    assert_eq!(actions, ["create", "update"]);
    let (status, _) = app.get("/api/v1/products/inconnu/quality-record").await;
    assert_eq!(status, 404);
    app.stop().await;
}
on_both_backends!(quality_records, written_by_the_team_and_logged);

#[test]
fn the_network_states_its_accessibility_and_security() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let content = pilote_import::portfolio::beta::read(&data.join("betagouv")).unwrap();
    let records: Vec<_> = content
        .portfolio
        .products
        .iter()
        .map(pilote_domain::quality::record::QualityRecord::from_network)
        .collect();
    let statements = records.iter().filter(|r| r.statement.is_some()).count();
    let risk_analyses = records
        .iter()
        .filter(|r| r.security.risk_analysis == Some(true))
        .count();
    let followed = records
        .iter()
        .filter(|r| r.security.mon_service_securise == Some(true))
        .count();
    println!(
        "real network: {} products, {statements} with a stated accessibility, {risk_analyses} with a risk analysis, {followed} in MonServiceSécurisé",
        records.len()
    );
    // From the snapshot's fields: 265 accessibility statuses, 67 risk analyses, 71 followed.
    assert_eq!(statements, 265);
    assert_eq!(risk_analyses, 67);
    assert_eq!(followed, 71);
}
