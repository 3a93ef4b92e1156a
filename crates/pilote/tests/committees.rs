//! Investment committees through a real server: a decision that moves a product changes its
//! phases in the same write, keeps the evidence presented as it was, and shows in the
//! product's history; who may hold committees; which products are overdue for one.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use chrono::{Months, NaiveDate, Utc};
use common::{TestApp, TestDb};
use pilote_domain::identity::Scope;
use reqwest::Method;
use serde_json::{Value, json};

fn product(slug: &str, incubator: &str, phases: &[(&str, NaiveDate)]) -> Value {
    json!({
        "slug": slug,
        "title": format!("Produit {slug}"),
        "mission": "Mesurer l'eau",
        "incubator": incubator,
        "phases": phases.iter().map(|(name, start)| json!({"name": name, "start": start})).collect::<Vec<_>>(),
    })
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

async fn a_decision_moves_the_product_and_freezes_its_evidence(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let admin = app.token.clone();
    let admin = admin.as_deref();
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/products",
            admin,
            Some(&product(
                "compteur-eau",
                "fabrique-demo",
                &[
                    ("investigation", day("2023-01-01")),
                    ("construction", day("2024-01-01")),
                ],
            )),
        )
        .await;
    assert_eq!(status, 201);
    let (status, indicator) = app
        .call(
            Method::POST,
            "/api/v1/products/compteur-eau/indicators",
            admin,
            Some(&json!({
                "name": "Fuites détectées", "category": "costs_avoided", "unit": "count",
                "direction": "higher_is_better",
                "baseline": {"value": 100, "date": "2023-01-01", "source": "Régie"},
                "target": {"value": 200, "date": "2026-12-31"},
                "methodology": "Comptage annuel.", "public": true
            })),
        )
        .await;
    assert_eq!(status, 201);
    let measurements = format!(
        "/api/v1/products/compteur-eau/indicators/{}/measurements",
        indicator["id"]
    );
    // Known at the committee's date; the second period ends after it.
    for (start, end, value) in [
        ("2024-01-01", "2024-12-31", 150),
        ("2025-01-01", "2025-12-31", 180),
    ] {
        let (status, _) = app.call(Method::POST,
            &measurements,
            admin,
            Some(&json!({"period_start": start, "period_end": end, "value": value, "method": "measured"})),
        )
        .await;
        assert_eq!(status, 201);
    }

    let (status, committee) = app
        .call(
            Method::POST,
            "/api/v1/committees",
            admin,
            Some(&json!({
                "date": "2025-06-01", "incubator": "fabrique-demo",
                "members": ["Marc Michel, responsable de l'incubateur", "Julie Simon, DINUM"]
            })),
        )
        .await;
    assert_eq!(status, 201, "{committee}");
    let decisions = format!("/api/v1/committees/{}/decisions", committee["id"]);

    // Refusals say why, on their field.
    let (status, refused) = app.call(Method::POST,
        &decisions,
        admin,
        Some(&json!({"product": "compteur-eau", "kind": "move_to_phase", "phase": "construction"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        refused["error"]["fields"]["phase"],
        "le produit est déjà en phase « Construction » : choisissez une autre phase"
    );
    let (status, refused) = app
        .call(
            Method::POST,
            &decisions,
            admin,
            Some(&json!({"product": "compteur-eau", "kind": "funding"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        refused["error"]["fields"]["amount_cents"],
        "un financement accordé doit indiquer un montant positif, en centimes"
    );

    // A funding decision keeps its amount in cents.
    let (status, funding) = app
        .call(
            Method::POST,
            &decisions,
            admin,
            Some(
                &json!({"product": "compteur-eau", "kind": "funding", "amount_cents": 15_000_000}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{funding}");
    assert_eq!(funding["amount_cents"], 15_000_000);
    assert_eq!(funding["phase_after"], Value::Null);

    // The move: the product's phases change with the decision; what the body says of the
    // evidence and the date is not taken.
    let (status, moved) = app
        .call(
            Method::POST,
            &decisions,
            admin,
            Some(&json!({
                "product": "compteur-eau", "kind": "move_to_phase", "phase": "acceleration",
                "comment": "Impact démontré", "evidence": [], "date": "1999-01-01"
            })),
        )
        .await;
    assert_eq!(status, 201, "{moved}");
    assert_eq!(moved["date"], "2025-06-01");
    assert_eq!(moved["phase_before"], "construction");
    assert_eq!(moved["phase_after"], "acceleration");
    assert_eq!(moved["source"], "committee");
    let evidence = moved["evidence"].clone();
    assert_eq!(evidence.as_array().unwrap().len(), 1);
    assert_eq!(evidence[0]["name"], "Fuites détectées");
    assert_eq!(evidence[0]["latest"]["value"], 150.0);
    assert_eq!(evidence[0]["latest"]["period_end"], "2024-12-31");
    assert_eq!(evidence[0]["progress"], 0.5);

    let (_, shown) = app.get("/api/v1/products/compteur-eau").await;
    assert_eq!(shown["current_phase"], "acceleration");
    let phases = shown["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 3);
    assert_eq!(phases[1]["name"], "construction");
    assert_eq!(phases[1]["end"], "2025-06-01");
    assert_eq!(phases[2]["start"], "2025-06-01");

    // The product's history holds the phase change, and the decision has its own entry.
    let (status, history) = app
        .call(
            Method::GET,
            "/api/v1/audit/product/compteur-eau",
            admin,
            None,
        )
        .await;
    assert_eq!(status, 200, "{history}");
    let entries = history.as_array().unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last["action"], "update");
    assert_eq!(last["after"]["phases"][2]["name"], "acceleration");
    assert_eq!(last["before"]["phases"].as_array().unwrap().len(), 2);
    let (status, decision_log) = app
        .call(
            Method::GET,
            &format!("/api/v1/audit/decision/{}", moved["id"]),
            admin,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(decision_log[0]["action"], "create");
    let page = app
        .client
        .get(app.url("/produits/compteur-eau/historique"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("phases"));
    let page = app
        .client
        .get(app.url("/produits/compteur-eau"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Passage de phase : Construction → Accélération"));
    assert!(page.contains("Financement accordé : 150"));

    // Later changes to the indicator and its measurements leave the evidence as it was.
    let indicator_path = format!(
        "/api/v1/products/compteur-eau/indicators/{}",
        indicator["id"]
    );
    let mut changed = indicator.clone();
    changed["name"] = json!("Fuites détectées et réparées");
    changed["target"] = json!({"value": 400, "date": "2027-12-31"});
    let (status, _) = app
        .call(Method::PUT, &indicator_path, admin, Some(&changed))
        .await;
    assert_eq!(status, 200);
    let (status, _) = app.call(Method::POST,
        &measurements,
        admin,
        Some(&json!({"period_start": "2025-01-01", "period_end": "2025-03-31", "value": 999, "method": "declared"})),
    )
    .await;
    assert_eq!(status, 201);
    let (_, listed) = app.get("/api/v1/products/compteur-eau/decisions").await;
    assert_eq!(listed["total"], 2);
    let frozen = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == moved["id"])
        .unwrap();
    assert_eq!(frozen["evidence"], evidence);
    let (_, committee_shown) = app
        .get(&format!("/api/v1/committees/{}", committee["id"]))
        .await;
    assert_eq!(committee_shown["decisions"].as_array().unwrap().len(), 2);
    let (_, committees) = app.get("/api/v1/committees?incubator=fabrique-demo").await;
    assert_eq!(committees["total"], 1);
    let page = app
        .client
        .get(app.url(&format!("/comites/{}", committee["id"])))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Fuites détectées : 150"));
    assert!(
        !page.contains("Fuites détectées : 999"),
        "the evidence stays frozen"
    );

    // A stop from acceleration ends in `abandon`; stopping again is refused.
    let (status, stopped) = app
        .call(
            Method::POST,
            &decisions,
            admin,
            Some(&json!({"product": "compteur-eau", "kind": "stop"})),
        )
        .await;
    assert_eq!(status, 201, "{stopped}");
    assert_eq!(stopped["phase_after"], "abandon");
    let (status, _) = app
        .call(
            Method::POST,
            &decisions,
            admin,
            Some(&json!({"product": "compteur-eau", "kind": "stop"})),
        )
        .await;
    assert_eq!(status, 422);
    app.stop().await;
}
on_both_backends!(
    decision_moves_and_freezes,
    a_decision_moves_the_product_and_freezes_its_evidence
);

async fn only_the_incubators_managers_and_administrators_decide(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let admin = app.token.clone().unwrap();
    let manager = app.token_for("responsable-incubateur", &Scope::ALL).await;
    let manager_reading = app
        .token_for("responsable-incubateur", &[Scope::Read])
        .await;
    let member = app.token_for("membre-produit", &Scope::ALL).await;
    let committee = |incubator: &str| json!({"date": "2025-06-01", "incubator": incubator, "members": ["Julie Simon, DINUM"]});
    let post = |token: Option<&str>, body: Value| {
        let app = &app;
        let token = token.map(str::to_owned);
        async move {
            app.call(
                Method::POST,
                "/api/v1/committees",
                token.as_deref(),
                Some(&body),
            )
            .await
        }
    };
    let body = committee("fabrique-demo");
    assert_eq!(post(None, body.clone()).await.0, 401);
    assert_eq!(post(Some(&member), body.clone()).await.0, 403);
    assert_eq!(post(Some(&manager_reading), body.clone()).await.0, 403);
    assert_eq!(
        post(Some(&manager), committee("atelier-social")).await.0,
        403
    );
    let (status, refused) = post(
        Some(&manager),
        json!({"date": "2025-06-01", "incubator": "fabrique-demo", "members": []}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        refused["error"]["fields"]["members"],
        "indiquez au moins un membre du comité"
    );
    let (status, own) = post(Some(&manager), body.clone()).await;
    assert_eq!(status, 201);
    let (status, other) = post(Some(&admin), committee("atelier-social")).await;
    assert_eq!(status, 201);

    let decide = |committee: &Value, token: Option<&str>, product: &str| {
        let path = format!("/api/v1/committees/{}/decisions", committee["id"]);
        let token = token.map(str::to_owned);
        let body = json!({"product": product, "kind": "continue"});
        let app = &app;
        async move {
            app.call(Method::POST, &path, token.as_deref(), Some(&body))
                .await
        }
    };
    assert_eq!(decide(&own, None, "eau-claire").await.0, 401);
    assert_eq!(decide(&own, Some(&member), "eau-claire").await.0, 403);
    assert_eq!(
        decide(&other, Some(&manager), "droits-simples").await.0,
        403
    );
    let (status, refused) = decide(&own, Some(&manager), "droits-simples").await;
    assert_eq!(status, 422);
    assert_eq!(
        refused["error"]["fields"]["product"],
        "le produit « droits-simples » n'est pas suivi par l'incubateur du comité (« fabrique-demo »)"
    );
    assert_eq!(decide(&own, Some(&manager), "eau-claire").await.0, 201);
    assert_eq!(decide(&other, Some(&admin), "droits-simples").await.0, 201);
    let (status, _) = app
        .call(Method::GET, "/api/v1/committees/999999", None, None)
        .await;
    assert_eq!(status, 404);

    // The pages: the forms are offered to those who may use them only.
    let anonymous = reqwest::Client::new();
    let new_form = anonymous
        .get(app.url("/comites/nouveau"))
        .send()
        .await
        .unwrap();
    assert_eq!(new_form.status(), 401);
    let shown = anonymous
        .get(app.url(&format!("/comites/{}", own["id"])))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("Julie Simon, DINUM"));
    assert!(!shown.contains("Enregistrer une décision"));
    let (_, csrf) = app.session.clone().unwrap();
    let created = app
        .client
        .post(app.url("/comites/nouveau"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("date", "2025-09-01"),
            ("incubator", "fabrique-demo"),
            ("members", "Julie Simon, DINUM\nMarc Michel"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200, "redirected to the committee's page");
    let page = created.text().await.unwrap();
    assert!(page.contains("Comité d’investissement du 2025-09-01"));
    assert!(page.contains("Enregistrer une décision"));
    let committees = app
        .client
        .get(app.url("/comites"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(committees.contains("Comité du 2025-09-01"));
    let (_, listed) = app.get("/api/v1/committees").await;
    let latest = listed["data"][0]["id"].clone();
    let refused = app
        .client
        .post(app.url(&format!("/comites/{latest}/decisions")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("product", "eau-claire"),
            ("kind", "funding"),
            ("amount", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("un financement accordé doit indiquer un montant positif"));
    let granted = app
        .client
        .post(app.url(&format!("/comites/{latest}/decisions")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("product", "eau-claire"),
            ("kind", "funding"),
            ("amount", "150 000,50"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(granted.status(), 200);
    let (_, decisions) = app.get("/api/v1/products/eau-claire/decisions").await;
    assert_eq!(decisions["data"][0]["amount_cents"], 15_000_050);
    app.stop().await;
}
on_both_backends!(
    committee_permissions,
    only_the_incubators_managers_and_administrators_decide
);

async fn lists_products_overdue_for_a_committee(db: TestDb) {
    db.fill_demo().await;
    let today = Utc::now().date_naive();
    let ago = |months: u32| today.checked_sub_months(Months::new(months)).unwrap();
    let app = TestApp::spawn_writable(db).await;
    let admin = app.token.clone();
    let admin = admin.as_deref();
    let mut reviewed = product("revu", "fabrique-demo", &[("construction", ago(24))]);
    reviewed["events"] = json!([{"name": "committee", "date": ago(1), "comment": "Poursuite"}]);
    for body in [
        product("en-retard", "fabrique-demo", &[("construction", ago(8))]),
        product("recent", "fabrique-demo", &[("construction", ago(2))]),
        reviewed,
        product("revu-ancien", "fabrique-demo", &[("construction", ago(24))]),
        product("accelere", "fabrique-demo", &[("acceleration", ago(30))]),
    ] {
        let (status, answer) = app
            .call(Method::POST, "/api/v1/products", admin, Some(&body))
            .await;
        assert_eq!(status, 201, "{answer}");
    }
    // A committee seven months ago decided to go on: overdue again since a month.
    let (_, committee) = app
        .call(
            Method::POST,
            "/api/v1/committees",
            admin,
            Some(
                &json!({"date": ago(7), "incubator": "fabrique-demo", "members": ["Julie Simon"]}),
            ),
        )
        .await;
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/committees/{}/decisions", committee["id"]),
            admin,
            Some(&json!({"product": "revu-ancien", "kind": "continue"})),
        )
        .await;
    assert_eq!(status, 201);
    let ours = ["en-retard", "recent", "revu", "revu-ancien", "accelere"];
    let overdue = |body: &Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["product"].as_str().unwrap().to_owned())
            .filter(|slug| ours.contains(&slug.as_str()))
            .collect()
    };
    let (status, body) = app
        .get("/api/v1/delivery/overdue-committees?incubator=fabrique-demo&page_size=1000")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["rule"],
        json!({"months": 6, "phases": ["construction"]})
    );
    let mut found = overdue(&body);
    found.sort();
    assert_eq!(found, ["en-retard", "revu-ancien"]);
    let late = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["product"] == "revu-ancien")
        .unwrap();
    assert_eq!(late["last_committee"], json!(ago(7)));
    assert_eq!(
        late["due"],
        json!(ago(7).checked_add_months(Months::new(6)).unwrap())
    );
    assert_eq!(late["title"], "Produit revu-ancien");
    let page = app
        .client
        .get(app.url("/comites/en-retard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Produit en-retard"));
    assert!(!page.contains("Produit recent"));

    // Another rule, set for another server on the same database.
    let config = pilote_web::Config {
        committee_rule: pilote_domain::delivery::OverdueRule {
            months: 24,
            phases: vec![
                pilote_domain::portfolio::PhaseName::Construction,
                pilote_domain::portfolio::PhaseName::Acceleration,
            ],
        },
        ..pilote_web::Config::default()
    };
    let other = TestApp::spawn(app.db.another_handle().await, config).await;
    let (_, body) = other
        .get("/api/v1/delivery/overdue-committees?page_size=1000")
        .await;
    assert_eq!(overdue(&body), ["accelere"]);
    other.stop().await;
    app.stop().await;
}
on_both_backends!(overdue_committees, lists_products_overdue_for_a_committee);
