//! RGAA audits through the API: a sample, results page by page, the report's rate and
//! statement, refusals, and the audit log.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb};
use pilote_domain::identity::Scope;
use reqwest::Method;
use serde_json::{Value, json};

async fn run_page_by_page(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let member = app.token_for("membre-produit", &Scope::ALL).await;
    let (status, created) = app
        .call(
            Method::POST,
            "/api/v1/products/droits-simples/audits",
            Some(&member),
            Some(&json!({
                "kind": "fast", "date": "2025-05-02", "auditor": "Cabinet Accès",
                "pages": [
                    {"title": "Accueil", "url": "https://droits-simples.example.org/"},
                    {"title": "Simulateur", "url": "https://droits-simples.example.org/simuler"}
                ]
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["product"], "droits-simples");
    assert_eq!(created["figures"]["incomplete"], 25, "nothing tested yet");
    assert_eq!(created["figures"]["rate"], 0.0);
    assert_eq!(created["criteria"].as_array().unwrap().len(), 25);
    let id = created["id"].as_i64().unwrap();
    let base = format!("/api/v1/products/droits-simples/audits/{id}");
    let put = |page: u32, criterion: &str, body: Value| {
        let app = &app;
        let member = member.clone();
        let path = format!("{base}/pages/{page}/criteria/{criterion}");
        async move {
            app.call(Method::PUT, &path, Some(&member), Some(&body))
                .await
        }
    };
    // Every criterion of the quick audit not applicable on both pages, but three.
    let (_, report) = app.get(&base).await;
    for line in report["criteria"].as_array().unwrap() {
        let criterion = line["criterion"].as_str().unwrap();
        for page in [1, 2] {
            let (status, _) = put(page, criterion, json!({"status": "not_applicable"})).await;
            assert_eq!(status, 200);
        }
    }
    // 1.1: compliant on one page, not applicable on the other: compliant.
    put(1, "1.1", json!({"status": "compliant"})).await;
    // 11.1: non-compliant on the second page, with what fails.
    put(1, "11.1", json!({"status": "compliant"})).await;
    let (status, report) = put(
        2,
        "11.1",
        json!({"status": "non_compliant", "comment": "Champ sans étiquette",
               "non_compliances": [{"title": "Le champ « revenus » n'a pas d'étiquette",
                                    "impact": "blocking", "quick_win": true}]}),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    // 8.5: left untested on the second page.
    put(1, "8.5", json!({"status": "compliant"})).await;
    let (status, report) = put(2, "8.5", json!({"status": "not_tested"})).await;
    assert_eq!(status, 200);
    let figures = &report["figures"];
    assert_eq!(figures["compliant"], 1);
    assert_eq!(figures["non_compliant"], 1);
    assert_eq!(figures["incomplete"], 1);
    assert_eq!(figures["not_applicable"], 22);
    // 1 compliant of 3 applicable.
    assert_eq!(figures["rate"], 33.33);
    assert_eq!(figures["statement"], "not_compliant");
    let status_of = |report: &Value, criterion: &str| {
        report["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["criterion"] == criterion)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status_of(&report, "1.1"), "compliant");
    assert_eq!(status_of(&report, "11.1"), "non_compliant");
    assert_eq!(status_of(&report, "8.5"), "incomplete");
    // Testing 8.5 and fixing 11.1 makes it 100 %.
    put(2, "8.5", json!({"status": "compliant"})).await;
    let (_, report) = put(2, "11.1", json!({"status": "compliant"})).await;
    assert_eq!(report["figures"]["rate"], 100.0);
    assert_eq!(report["figures"]["statement"], "fully_compliant");
    let (_, shown) = app.get(&base).await;
    assert_eq!(shown["results"][1]["11.1"]["status"], "compliant");

    // Refusals: a criterion the quick audit does not check, a page outside the sample,
    // non-compliances on a compliant criterion, another product's member.
    let (status, _) = put(1, "2.1", json!({"status": "compliant"})).await;
    assert_eq!(status, 404);
    let (status, _) = put(3, "1.1", json!({"status": "compliant"})).await;
    assert_eq!(status, 404);
    let (status, refused) = put(
        1,
        "1.1",
        json!({"status": "compliant", "non_compliances": [{"title": "x", "impact": "minor"}]}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        refused["error"]["fields"]["results[0].1.1.non_compliances"].is_string(),
        "{refused}"
    );
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/products/eau-claire/audits",
            Some(&member),
            Some(&json!({"kind": "full", "date": "2025-05-02", "pages": [
                {"title": "Accueil", "url": "https://eau-claire.example.org/"}]})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, refused) = app
        .call(
            Method::POST,
            "/api/v1/products/droits-simples/audits",
            Some(&member),
            Some(&json!({"kind": "full", "date": "2025-05-02", "pages": [{"title": "", "url": "accueil"}]})),
        )
        .await;
    assert_eq!(status, 422);
    let fields = refused["error"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("pages[0].title") && fields.contains_key("pages[0].url"));
    // Another product's address does not reach this audit.
    let (status, _) = app
        .get(&format!("/api/v1/products/eau-claire/audits/{id}"))
        .await;
    assert_eq!(status, 404);
    let (_, listed) = app.get("/api/v1/products/droits-simples/audits").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["figures"]["rate"], 100.0);
    // Every write is in the log: the creation and each result.
    let history = app
        .db
        .store
        .audit_history("rgaa_audit", &id.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 1 + 50 + 3 + 2 + 2);
    // The pages: the product's quality and the audit's report.
    let text = |path: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url(&path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let quality = text("/produits/droits-simples/qualite".into()).await;
    assert!(
        quality.contains("Audit du 2025-05-02") && quality.contains("100 %"),
        "{quality}"
    );
    assert!(quality.contains("Aucune autoévaluation RGESN."));
    let report = text(format!("/produits/droits-simples/audits/{id}")).await;
    assert!(
        report.contains("Taux de conformité : <strong>100 %</strong> (totalement conforme)"),
        "{report}"
    );
    assert!(report.contains("Simulateur : https://droits-simples.example.org/simuler"));
    assert!(report.contains("Aucune non-conformité relevée."));
    app.stop().await;
}
on_both_backends!(rgaa_audits, run_page_by_page);

async fn self_assess_eco_design(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let member = app.token_for("membre-produit", &Scope::ALL).await;
    let path = "/api/v1/products/droits-simples/rgesn";
    let (status, empty) = app.get(path).await;
    assert_eq!(status, 200);
    assert_eq!(
        (empty["criteria"].as_u64(), empty["answered"].as_u64()),
        (Some(79), Some(0))
    );
    assert_eq!(empty["overall"]["percent"], Value::Null);
    let answers = json!({"assessments": [
        {"criterion": "1.1", "answer": "met", "comment": "Utilité évaluée en atelier"},
        {"criterion": "1.2", "answer": "not_met"},
        {"criterion": "4.1", "answer": "met"},
        {"criterion": "4.2", "answer": "not_applicable"},
        {"criterion": "8.1", "answer": "met"}
    ]});
    let (status, saved) = app
        .call(Method::PUT, path, Some(&member), Some(&answers))
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["answered"], 5);
    assert_eq!(saved["themes"][0]["percent"], 50.0);
    assert_eq!(saved["themes"][3]["percent"], 100.0);
    assert_eq!(saved["themes"][1]["percent"], Value::Null);
    assert_eq!(saved["overall"]["met"], 3);
    assert_eq!(saved["overall"]["applicable"], 4);
    assert_eq!(saved["overall"]["percent"], 75.0);
    let (status, refused) = app
        .call(
            Method::PUT,
            path,
            Some(&member),
            Some(&json!({"assessments": [
                {"criterion": "4.20", "answer": "met"},
                {"criterion": "1.1", "answer": "met"},
                {"criterion": "1.1", "answer": "not_met"}
            ]})),
        )
        .await;
    assert_eq!(status, 422);
    let fields = refused["error"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("assessments[0].criterion"), "{refused}");
    assert!(fields.contains_key("assessments[2].criterion"), "{refused}");
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/products/eau-claire/rgesn",
            Some(&member),
            Some(&answers),
        )
        .await;
    assert_eq!(status, 403);
    let (_, shown) = app.get(path).await;
    assert_eq!(shown["answered"], 5, "unchanged by the refusals");
    let history = app
        .db
        .store
        .audit_history("rgesn_assessment", "droits-simples")
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    app.stop().await;
}
on_both_backends!(rgesn, self_assess_eco_design);
