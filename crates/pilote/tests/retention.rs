//! Retention figures through a real server: the API on a hand-built network whose answers
//! are computed by hand (the same network as the domain's unit tests), the exports' rows,
//! the page, and the real beta.gouv.fr network within sane bounds.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb};
use pilote_domain::audit::Actor;
use serde_json::{Value, json};

/// Looked at on 2025-03-15:
/// - anne (Développement): independent 2023-01-01..2023-12-31 on `alpha`, admin from
///   2024-01-01 (open) on `alpha`;
/// - bruno (Design): service 2023-03-10..2023-06-30 and 2023-09-01..2024-02-29 on `beta`;
/// - chloe (Produit): admin 2023-06-01..2024-05-31 on `alpha`, independent
///   2024-03-01..2024-08-31 on `beta`;
/// - david (Développement): independent 2024-11-01..2025-06-30 on `beta`;
/// - emma (Design): a mission ending before it starts, and one from 2025-04-01.
///
/// `alpha` is run by `inc-a`, `beta` by `inc-b`.
async fn hand_built(db: &TestDb) {
    let mission = |start: &str, end: Option<&str>, status: &str, product: &str| json!({"start": start, "end": end, "status": status, "products": [product]});
    let member = |slug: &str, domaine: &str, missions: Vec<Value>| json!({"slug": slug, "fullname": slug, "domaine": domaine, "missions": missions});
    let members = json!([
        member(
            "anne",
            "Développement",
            vec![
                mission("2023-01-01", Some("2023-12-31"), "independent", "alpha"),
                mission("2024-01-01", None, "admin", "alpha"),
            ]
        ),
        member(
            "bruno",
            "Design",
            vec![
                mission("2023-03-10", Some("2023-06-30"), "service", "beta"),
                mission("2023-09-01", Some("2024-02-29"), "service", "beta"),
            ]
        ),
        member(
            "chloe",
            "Produit",
            vec![
                mission("2023-06-01", Some("2024-05-31"), "admin", "alpha"),
                mission("2024-03-01", Some("2024-08-31"), "independent", "beta"),
            ]
        ),
        member(
            "david",
            "Développement",
            vec![mission(
                "2024-11-01",
                Some("2025-06-30"),
                "independent",
                "beta"
            ),]
        ),
        member(
            "emma",
            "Design",
            vec![
                mission("2024-05-01", Some("2024-04-01"), "admin", "alpha"),
                mission("2025-04-01", None, "admin", "alpha"),
            ]
        ),
    ]);
    let changes = pilote_store::PortfolioChanges {
        incubators: serde_json::from_value(json!([
            {"slug": "inc-a", "title": "Incubateur A"},
            {"slug": "inc-b", "title": "Incubateur B"},
        ]))
        .unwrap(),
        products: serde_json::from_value(json!([
            {"slug": "alpha", "title": "Alpha", "mission": "m", "incubator": "inc-a"},
            {"slug": "beta", "title": "Beta", "mission": "m", "incubator": "inc-b"},
        ]))
        .unwrap(),
        members: serde_json::from_value(members).unwrap(),
        ..Default::default()
    };
    db.store
        .apply(&changes, &Actor::system("test"))
        .await
        .expect("apply");
}

fn close(value: &Value, expected: f64) {
    let got = value
        .as_f64()
        .unwrap_or_else(|| panic!("a number, not {value}"));
    assert!((got - expected).abs() < 1e-9, "{got} ≠ {expected}");
}

async fn figures_checked_by_hand(db: TestDb) {
    hand_built(&db).await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let (status, body) = app
        .get("/api/v1/retention?date=2025-03-15&from=2024-01&to=2024-03")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["incubator"], Value::Null);
    let h = &body["headline"];
    assert_eq!(h["today"], "2025-03-15");
    // Today: anne (admin) and david (independent).
    assert_eq!(h["headcount"], 2);
    assert_eq!(h["public_agents"], 1);
    close(&h["public_agent_share"], 0.5);
    // Tenures 805 (anne), 295 (bruno), 458 (chloe), 135 (david); emma has no day yet →
    // 4 members, median (295 + 458) / 2.
    assert_eq!(h["members"], 4);
    close(&h["median_tenure_days"], 376.5);
    // 2024: departures bruno 02-29 and chloe 08-31; monthly headcounts 3,3,2,2,2,2,2,2,1,1,
    // 2,2 → mean 2 → turnover 1. Renewal: bruno 02-29 no, chloe 05-31 yes (her beta
    // mission), chloe 08-31 no → 1 / 3.
    let last = &h["last_year"];
    assert_eq!(last["year"], 2024);
    assert_eq!(last["departures"], 2);
    close(&last["mean_headcount"], 2.0);
    close(&last["turnover"], 1.0);
    assert_eq!(last["missions_ended"], 3);
    assert_eq!(last["missions_renewed"], 1);
    close(&last["renewal_rate"], 1.0 / 3.0);
    // The series: January and February anne, bruno, chloe; March anne, chloe (her latest
    // mission, started 03-01, is independent).
    let months = body["months"].as_array().unwrap();
    let headcounts: Vec<i64> = months
        .iter()
        .map(|m| m["headcount"].as_i64().unwrap())
        .collect();
    assert_eq!(headcounts, [3, 3, 2]);
    assert_eq!(months[1]["month"], "2024-02");
    assert_eq!(
        months[1]["by_status"],
        json!({"admin": 2, "independent": 0, "service": 1})
    );
    assert_eq!(
        months[2]["by_status"],
        json!({"admin": 1, "independent": 1, "service": 0})
    );
    assert_eq!(body["years"].as_array().unwrap().len(), 1);

    // 2023 over the whole history: the series starts at the first mission (2023-01).
    let (_, whole) = app
        .get("/api/v1/retention?date=2025-03-15&to=2023-12")
        .await;
    assert_eq!(whole["from"], "2023-01");
    assert_eq!(whole["months"].as_array().unwrap().len(), 12);
    let y2023 = &whole["years"][0];
    // One departure (bruno 2023-06-30) over a mean of 27 / 12; renewal 1 / 2.
    assert_eq!(y2023["departures"], 1);
    close(&y2023["mean_headcount"], 2.25);
    close(&y2023["renewal_rate"], 0.5);

    // inc-b: bruno, chloe's beta mission, david. Today david alone (independent); tenures
    // 295, 184, 135 → median 184; in 2024 no renewal inside the incubator (0 / 2).
    let (status, inc) = app
        .get("/api/v1/retention?date=2025-03-15&incubator=inc-b")
        .await;
    assert_eq!(status, 200, "{inc}");
    assert_eq!(inc["incubator"], "inc-b");
    assert_eq!(inc["headline"]["headcount"], 1);
    close(&inc["headline"]["public_agent_share"], 0.0);
    close(&inc["headline"]["median_tenure_days"], 184.0);
    assert_eq!(inc["headline"]["last_year"]["missions_ended"], 2);
    close(&inc["headline"]["last_year"]["renewal_rate"], 0.0);

    // Bad parameters are refused on their field.
    for (query, field) in [
        ("from=2024-13", "from"),
        ("to=2024/03", "to"),
        ("to=2999-01", "to"),
        ("from=2024-05&to=2024-03", "from"),
        ("incubator=inconnu", "incubator"),
        ("date=hier", "date"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/retention?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "{query}: {body}"
        );
    }
    app.stop().await;
}
on_both_backends!(hand_built_figures, figures_checked_by_hand);

async fn exports_and_page(db: TestDb) {
    hand_built(&db).await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let query = "date=2025-03-15&from=2024-01&to=2024-03";
    let csv = app
        .client
        .get(app.url(&format!("/talents/retention.csv?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "month,headcount,admin,independent,service,public_agent_share,developpement,intraprenariat,deploiement,produit,design,coaching,animation,data,support,attributaire,autre"
    );
    // February: anne (Développement, admin), bruno (Design, service), chloe (Produit, admin).
    assert_eq!(lines[2], "2024-02,3,2,0,1,0.6667,1,0,0,1,1,0,0,0,0,0,0");
    assert_eq!(lines.len(), 4);
    let (status, json) = app.get(&format!("/talents/retention.json?{query}")).await;
    assert_eq!(status, 200);
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2]["month"], "2024-03");
    assert_eq!(rows[2]["headcount"], "2");
    assert_eq!(rows[2]["public_agent_share"], "0.5000");
    let (status, _) = app.get("/talents/retention.json?from=2024-99").await;
    assert_eq!(status, 422);

    let page = app
        .client
        .get(app.url("/talents/retention?date=2025-03-15"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for expected in [
        "Effectif aujourd’hui",
        "50 %",
        "12,4 mois (376,5 jours)",
        "Rotation en 2024",
        "33,3 %",
        "2 départs pour un effectif moyen de 2",
        "1 missions renouvelées sur 3 terminées",
        "Effectif mensuel par statut",
        "Effectif mensuel par domaine",
        "caption-mois",
        "/talents/retention.csv?date=2025-03-15",
        "<option value=\"inc-b\">Incubateur B</option>",
    ] {
        assert!(html.contains(expected), "the page lacks {expected}");
    }
    // The default window: the 12 months up to March 2025.
    assert!(html.contains("<th scope=\"row\">2024-04</th>"));
    assert!(!html.contains("<th scope=\"row\">2024-03</th>"));
    // The incubator chosen with the GET form.
    let html = app
        .client
        .get(app.url("/talents/retention?incubator=inc-b&date=2025-03-15"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("l’incubateur Incubateur B"));
    assert!(html.contains("<option value=\"inc-b\" selected>"));
    app.stop().await;
}
on_both_backends!(retention_exports_and_page, exports_and_page);

async fn the_real_network(db: TestDb) {
    let Some(data) = common::shared_data() else {
        return;
    };
    pilote_import::portfolio::beta::import(
        &db.store,
        &data.join("betagouv"),
        pilote_import::ImportOptions::default(),
        &Actor::system("test"),
    )
    .await
    .expect("import");
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let (status, body) = app.get("/api/v1/retention").await;
    assert_eq!(status, 200);
    let h = &body["headline"];
    let last = &h["last_year"];
    println!(
        "real network on {}: {} members counted, headcount now {}, public agents {} ({:.4}), median tenure {} days, turnover {} {:.4} ({} departures / mean headcount {:.2}), renewal rate {:.4} ({} / {}), series from {}",
        h["today"],
        h["members"],
        h["headcount"],
        h["public_agents"],
        h["public_agent_share"].as_f64().unwrap(),
        h["median_tenure_days"],
        last["year"],
        last["turnover"].as_f64().unwrap(),
        last["departures"],
        last["mean_headcount"].as_f64().unwrap(),
        last["renewal_rate"].as_f64().unwrap(),
        last["missions_renewed"],
        last["missions_ended"],
        body["from"],
    );
    let members = h["members"].as_u64().unwrap();
    assert!((2_000..=3_484).contains(&members), "{members}");
    let headcount = h["headcount"].as_u64().unwrap();
    assert!((100..=members).contains(&headcount), "{headcount}");
    let share = h["public_agent_share"].as_f64().unwrap();
    assert!(share > 0.0 && share < 0.6, "{share}");
    let tenure = h["median_tenure_days"].as_f64().unwrap();
    assert!((60.0..=2_500.0).contains(&tenure), "{tenure}");
    let turnover = last["turnover"].as_f64().unwrap();
    assert!(turnover > 0.0 && turnover < 2.0, "{turnover}");
    let renewal = last["renewal_rate"].as_f64().unwrap();
    assert!(renewal > 0.0 && renewal < 1.0, "{renewal}");
    // Every month's statuses add up to its headcount, and the series reaches this month.
    for month in body["months"].as_array().unwrap() {
        let s = &month["by_status"];
        let sum: u64 = ["admin", "independent", "service"]
            .iter()
            .map(|k| s[k].as_u64().unwrap())
            .sum();
        assert_eq!(sum, month["headcount"].as_u64().unwrap());
    }
    app.stop().await;
}
on_both_backends!(real_network, the_real_network);
