//! The impact summary through a real server, on both backends, over the demo's indicators:
//! each grouping, what is measured, cost against benefit, and the products without any
//! measured impact.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb};
use pilote_domain::audit::Actor;
use pilote_domain::impact::{BudgetLine, BudgetSource, Indicator, Measurement};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct DemoIndicator {
    #[serde(flatten)]
    indicator: Indicator,
    measurements: Vec<Measurement>,
}

#[derive(Deserialize)]
struct DemoImpact {
    indicators: Vec<DemoIndicator>,
    budget_lines: Vec<BudgetLine>,
}

/// The demo portfolio with the demo's indicators, measurements and budgets.
async fn demo_with_impact(db: TestDb) -> TestApp {
    db.fill_demo().await;
    let impact: DemoImpact = serde_json::from_str(include_str!("../src/demo/impact.json")).unwrap();
    let actor = Actor::system("test");
    for demo in impact.indicators {
        let indicator = db
            .store
            .create_indicator(&demo.indicator, &actor)
            .await
            .unwrap();
        for measurement in demo.measurements {
            let measurement = Measurement {
                indicator: indicator.id,
                ..measurement
            };
            db.store
                .create_measurement(&measurement, &actor)
                .await
                .unwrap();
        }
    }
    for source in [BudgetSource::Ministry, BudgetSource::EuropeanFunds] {
        let lines: Vec<BudgetLine> = impact
            .budget_lines
            .iter()
            .filter(|line| line.source == source)
            .cloned()
            .collect();
        db.store
            .replace_budget_lines(source, &lines, &actor)
            .await
            .unwrap();
    }
    TestApp::spawn(db, pilote_web::Config::default()).await
}

fn group<'a>(summary: &'a Value, key: &str) -> &'a Value {
    summary["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {summary}"))
}

fn total<'a>(group: &'a Value, unit: &str, category: &str) -> &'a Value {
    group["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["unit"] == unit && t["category"] == category)
        .unwrap_or_else(|| panic!("no {unit}/{category} total in {group}"))
}

async fn rolls_up_by_each_grouping(db: TestDb) {
    let app = demo_with_impact(db).await;

    let (status, by_category) = app
        .get("/api/v1/impact/summary?group_by=category&from=2024&to=2025")
        .await;
    assert_eq!(status, 200, "{by_category}");
    // Costs avoided in 2024–2025: droits-simples 380,000 (estimated) + 250,000 (measured),
    // emploi-proche 1,250,000 + 1,400,000 (measured); velo-facile's estimate is not public.
    let costs = group(&by_category, "costs_avoided");
    let eur = total(costs, "eur", "costs_avoided");
    assert_eq!(eur["value"], 3_280_000.0);
    assert_eq!(eur["measured_value"], 2_900_000.0);
    assert_eq!(eur["products"], 2);
    // Money avoided against the 2024–2025 budgets of those two products (350,000 + 600,000).
    assert_eq!(costs["cost_benefit"]["money_avoided"], 3_280_000.0);
    assert_eq!(costs["cost_benefit"]["budget"], 950_000);
    let ratio = costs["cost_benefit"]["ratio"].as_f64().unwrap();
    assert!((ratio - 3_280_000.0 / 950_000.0).abs() < 1e-9);
    // All four categories the strategy names are there.
    for key in [
        "costs_avoided",
        "failing_health_journeys_avoided",
        "non_take_up_reduced",
        "user_delays_shortened",
    ] {
        group(&by_category, key);
    }
    // Percentages are levels, not quantities: never added up.
    assert!(
        by_category["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["key"] != "satisfaction")
    );

    let (_, by_incubator) = app
        .get("/api/v1/impact/summary?group_by=incubator&from=2024&to=2025")
        .await;
    let social = group(&by_incubator, "atelier-social");
    assert_eq!(
        social["products"], 2,
        "droits-simples and aidants-connect-demo"
    );
    assert_eq!(
        total(social, "count", "failing_health_journeys_avoided")["value"],
        500.0
    );
    assert_eq!(
        total(social, "count", "failing_health_journeys_avoided")["measured_value"],
        190.0
    );

    let (_, by_sponsor) = app
        .get("/api/v1/impact/summary?group_by=sponsor&from=2024&to=2025")
        .await;
    assert_eq!(
        total(group(&by_sponsor, "agence-emploi"), "eur", "costs_avoided")["value"],
        2_650_000.0
    );

    let (_, by_year) = app.get("/api/v1/impact/summary?group_by=year").await;
    assert_eq!(
        total(group(&by_year, "2023"), "days", "user_delays_shortened")["value"],
        31_000.0
    );
    assert_eq!(
        total(group(&by_year, "2024"), "days", "user_delays_shortened")["value"],
        52_000.0
    );

    let (_, by_ministry) = app
        .get("/api/v1/impact/summary?group_by=ministry&from=2024&to=2025")
        .await;
    assert!(!by_ministry["groups"].as_array().unwrap().is_empty());

    // Products without measured impact are listed, not hidden.
    let without: Vec<&str> = by_category["products_without_measurement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        without.contains(&"signal-bruit") && without.contains(&"velo-facile"),
        "{without:?}"
    );
    assert!(!without.contains(&"droits-simples"));

    // Cost against benefit per product.
    let per_product = by_category["cost_benefit_by_product"].as_array().unwrap();
    let emploi = per_product
        .iter()
        .find(|p| p["product"] == "emploi-proche")
        .unwrap();
    assert!((emploi["ratio"].as_f64().unwrap() - 2_650_000.0 / 600_000.0).abs() < 1e-9);

    let (status, refused) = app.get("/api/v1/impact/summary?from=2026&to=2024").await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["error"]["fields"]["from"].is_string());
    let (status, _) = app.get("/api/v1/impact/summary?group_by=planet").await;
    assert_eq!(status, 422);
    app.stop().await;
}

on_both_backends!(summary_rolls_up, rolls_up_by_each_grouping);

async fn pages_show_impact(db: TestDb) {
    let app = demo_with_impact(db).await;
    let page = |path: &'static str| {
        let app = &app;
        async move {
            let response = app.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            response.text().await.unwrap()
        }
    };
    let impact = page("/impact?group_by=category&from=2024&to=2025").await;
    assert!(impact.contains("Coûts évités"), "{impact}");
    assert!(impact.contains("3\u{202f}280\u{202f}000 €"), "{impact}");
    assert!(
        impact.contains("href=\"/produits/signal-bruit\""),
        "products without impact are listed"
    );

    let product = page("/produits/droits-simples").await;
    assert!(product.contains("Foyers ayant ouvert un droit après une simulation"));
    assert!(product.contains("<td>Mesuré</td>") && product.contains("<td>Estimé</td>"));
    assert!(product.contains("href=\"https://exemple.gouv.fr/droits-simples/bilan-2024.pdf\""));
    // Each indicator has its chart, with a text alternative saying what it shows.
    assert_eq!(product.matches("<svg class=\"pilote-chart\"").count(), 2);
    assert!(
        product
            .contains("départ 0 le 2023-01-01 ; cible 12\u{202f}000 le 2026-12-31 ; 3 mesure(s)"),
        "{product}"
    );
    // The last measurement ended more than six months ago: the page says so.
    let aidants = page("/produits/aidants-connect-demo").await;
    assert!(aidants.contains("Aucune mesure d’impact depuis plus de six mois"));
    // A non-public indicator is for the product's people only.
    let velo = page("/produits/velo-facile").await;
    assert!(!velo.contains("Achats groupés évités"));
    assert!(velo.contains("Aucun indicateur d’impact déclaré"));
    app.stop().await;
}

on_both_backends!(impact_pages, pages_show_impact);

#[tokio::test]
async fn incubators_list_their_products_to_measure_again() {
    let db = TestDb::fresh(common::Backend::Sqlite).await.unwrap();
    let app = demo_with_impact(db).await;
    let social = app
        .client
        .get(app.url("/incubateurs/atelier-social"))
        .send()
        .await
        .unwrap();
    let social = social.text().await.unwrap();
    // aidants-connect-demo was last measured in June 2025; droits-simples in June 2026.
    let listed = social
        .split("Impact à mesurer")
        .nth(1)
        .expect("the list of products to measure");
    let listed = listed.split("</p>").next().unwrap();
    assert!(
        listed.contains("/produits/aidants-connect-demo"),
        "{listed}"
    );
    assert!(!listed.contains("/produits/droits-simples"), "{listed}");
    app.stop().await;
}

async fn exports_round_trip(db: TestDb) {
    let app = demo_with_impact(db).await;
    let csv = app.client.get(app.url("/impact.csv")).send().await.unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(ToOwned::to_owned)
        .collect();
    assert_eq!(
        header[..4],
        ["product", "indicator_id", "indicator", "category"]
    );
    assert_eq!(header.last().unwrap(), "evidence_url");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let json: Vec<Value> = app
        .client
        .get(app.url("/impact.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json.len(), rows.len(), "CSV and JSON hold the same rows");
    for (row, object) in rows.iter().zip(&json) {
        for (column, cell) in header.iter().zip(row.iter()) {
            assert_eq!(object[column], cell, "{column}");
        }
    }
    // Every public measurement, once; the non-public estimate never.
    let measured = rows.iter().filter(|r| !r[11].is_empty()).count();
    let model = app.db.store.load_impact().await.unwrap();
    let public: Vec<i64> = model
        .indicators
        .iter()
        .filter(|i| i.public)
        .map(|i| i.id)
        .collect();
    let expected = model
        .measurements
        .iter()
        .filter(|m| public.contains(&m.indicator))
        .count();
    assert_eq!(measured, expected);
    assert!(!csv.contains("Achats groupés évités"));
    // Products without any public indicator are listed, not hidden.
    assert!(
        rows.iter()
            .any(|r| &r[0] == "signal-bruit" && r[1].is_empty())
    );
    app.stop().await;
}

on_both_backends!(open_data_exports, exports_round_trip);
