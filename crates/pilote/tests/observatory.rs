//! The quality observatory: every product against the indicators, with levels, sources and
//! dates; filters; CSV and JSON downloads; quarterly editions frozen by administrators.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb};
use pilote_domain::identity::Scope;
use reqwest::Method;
use serde_json::{Value, json};

fn reading<'a>(row: &'a Value, indicator: &str) -> &'a Value {
    row["readings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no {indicator} in {row}"))
}

fn row<'a>(page: &'a Value, product: &str) -> &'a Value {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["product"] == product)
        .unwrap_or_else(|| panic!("no {product} in {page}"))
}

async fn levels_sources_filters_and_editions(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let (status, page) = app.get("/api/v1/observatory?page_size=100").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 9);
    let eau = row(&page, "eau-claire");
    assert_eq!(eau["incubator"], "fabrique-demo");
    assert_eq!(eau["ministries"], json!(["ecologie"]));
    assert_eq!(eau["phase"], "acceleration");
    assert_eq!(eau["readings"].as_array().unwrap().len(), 11);
    // Nothing known yet: no statement is red, the rest gray, usage without a colour.
    assert_eq!(reading(eau, "handicap")["level"], "yellow");
    assert_eq!(reading(eau, "uptime")["level"], "gray");
    assert_eq!(reading(eau, "uptime")["shown"], "Non mesuré");
    assert_eq!(reading(eau, "usage")["level"], Value::Null);

    // The team declares its figures.
    let record = json!({
        "identity": "franceconnect_plus",
        "statement": {"url": "https://eau-claire.example.org/accessibilite",
                      "date": "2026-10-01", "status": "fully_compliant"},
        "declared": {"date": "2026-09-30", "satisfaction": {"score": 7.5, "reviews": 340},
                     "dlnuf_fields": 0, "help_reachable": 72.0, "online": "proactive",
                     "usage": 64.0}
    });
    let (status, saved) = app
        .send(
            Method::PUT,
            "/api/v1/products/eau-claire/quality-record",
            &record,
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    // Out of range: refused, by field.
    let (status, refused) = app
        .send(
            Method::PUT,
            "/api/v1/products/eau-claire/quality-record",
            &json!({"declared": {"usage": 140.0}}),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.to_string().contains("declared.usage"), "{refused}");

    let (_, page) = app
        .get("/api/v1/observatory?incubator=fabrique-demo&page_size=100")
        .await;
    assert_eq!(page["total"], 4);
    let eau = row(&page, "eau-claire");
    let satisfaction = reading(eau, "satisfaction");
    assert_eq!(satisfaction["level"], "yellow");
    assert_eq!(satisfaction["shown"], "7,5/10 (340 avis)");
    assert_eq!(satisfaction["source"], "declared");
    assert_eq!(satisfaction["date"], "2026-09-30");
    let handicap = reading(eau, "handicap");
    assert_eq!(
        (&handicap["level"], &handicap["source"], &handicap["date"]),
        (&json!("green"), &json!("declared"), &json!("2026-10-01"))
    );
    assert_eq!(reading(eau, "auth")["level"], "blue");
    assert_eq!(reading(eau, "dlnuf")["level"], "green");
    assert_eq!(reading(eau, "help_reachable")["level"], "yellow");
    assert_eq!(reading(eau, "online")["level"], "blue");
    assert_eq!(reading(eau, "usage")["shown"], "64 %");

    // An audit's rate wins over the statement: one criterion compliant, the 24 others of the
    // quick audit still to complete (applicable until then).
    let (status, audit) = app
        .send(
            Method::POST,
            "/api/v1/products/eau-claire/audits",
            &json!({"kind": "fast", "date": "2026-11-02",
                    "pages": [{"title": "Accueil", "url": "https://eau-claire.example.org/"}]}),
        )
        .await;
    assert_eq!(status, 201, "{audit}");
    let (status, body) = app
        .send(
            Method::PUT,
            &format!(
                "/api/v1/products/eau-claire/audits/{}/pages/1/criteria/1.1",
                audit["id"]
            ),
            &json!({"status": "compliant"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, page) = app.get("/api/v1/observatory?page_size=100").await;
    let handicap = reading(row(&page, "eau-claire"), "handicap");
    assert_eq!(
        (
            &handicap["level"],
            &handicap["source"],
            &handicap["value"],
            &handicap["date"]
        ),
        (
            &json!("red"),
            &json!("audit"),
            &json!(4.0),
            &json!("2026-11-02")
        )
    );

    // Filters: ministry and phase; an unknown phase is refused.
    let (_, page) = app
        .get("/api/v1/observatory?ministry=solidarite-sante")
        .await;
    let slugs: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["product"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        ["aidants-connect-demo", "dossier-unique", "droits-simples"]
    );
    let (_, page) = app.get("/api/v1/observatory?phase=construction").await;
    assert_eq!(page["total"], 2);
    let (status, body) = app.get("/api/v1/observatory?phase=nulle-part").await;
    assert_eq!(status, 422, "{body}");

    // Downloads carry the same rows, with level, value, text, source and date.
    let csv = reqwest::get(app.url("/observatoire.csv?incubator=fabrique-demo"))
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.len(), 6 + 11 * 5);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 4);
    let eau = records.iter().find(|r| &r[0] == "eau-claire").unwrap();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(&eau[column("satisfaction_level")], "yellow");
    assert_eq!(&eau[column("satisfaction_value")], "7.5");
    assert_eq!(&eau[column("handicap_source")], "audit");
    let json_rows: Value = reqwest::get(app.url("/observatoire.json?phase=construction"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json_rows.as_array().unwrap().len(), 2);
    let html = reqwest::get(app.url("/observatoire?incubator=fabrique-demo"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("4 produits"), "{html}");
    assert!(html.contains("7,5/10 (340 avis)"));

    // An administrator freezes the quarter; later changes leave the edition as it was.
    let (status, frozen) = app
        .send(
            Method::POST,
            "/api/v1/observatory/editions",
            &json!({"edition": "2026-T3"}),
        )
        .await;
    assert_eq!(status, 201, "{frozen}");
    assert_eq!(frozen["edition"], "2026-T3");
    let (status, _) = app
        .send(
            Method::POST,
            "/api/v1/observatory/editions",
            &json!({"edition": "2026-T3"}),
        )
        .await;
    assert_eq!(status, 409);
    let (status, _) = app
        .send(
            Method::POST,
            "/api/v1/observatory/editions",
            &json!({"edition": "T3"}),
        )
        .await;
    assert_eq!(status, 422);
    let (status, current) = app
        .send(Method::POST, "/api/v1/observatory/editions", &json!({}))
        .await;
    assert_eq!(status, 201, "{current}");
    assert!(current["edition"].as_str().unwrap().contains("-T"));
    let (_, editions) = app.get("/api/v1/observatory/editions").await;
    assert_eq!(editions.as_array().unwrap().len(), 2);
    let (status, _) = app
        .send(
            Method::PUT,
            "/api/v1/products/eau-claire/quality-record",
            &json!({"identity": "none"}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, live) = app.get("/api/v1/observatory?page_size=100").await;
    assert_eq!(reading(row(&live, "eau-claire"), "auth")["level"], "red");
    let (_, frozen) = app
        .get("/api/v1/observatory?edition=2026-T3&page_size=100")
        .await;
    assert_eq!(reading(row(&frozen, "eau-claire"), "auth")["level"], "blue");
    let (status, _) = app.get("/api/v1/observatory?edition=1999-T1").await;
    assert_eq!(status, 404);
    // Only administrators freeze.
    let member = app.token_for("membre-produit", &Scope::ALL).await;
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/observatory/editions",
            Some(&member),
            Some(&json!({"edition": "2026-T2"})),
        )
        .await;
    assert_eq!(status, 403);
    app.stop().await;
}
on_both_backends!(observatory, levels_sources_filters_and_editions);
