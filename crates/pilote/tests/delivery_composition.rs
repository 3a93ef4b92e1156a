//! Team composition through a real server: a constructed team checked by hand (disciplines,
//! what is missing, active members, public agents, turnover), the recommended composition
//! configured by administrators only (API and form, audited), and the real network's
//! figures: products in construction or acceleration lacking an intrapreneur, a coach, a
//! designer.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb};
use pilote_domain::audit::Actor;
use pilote_domain::delivery::RecommendedComposition;
use pilote_domain::identity::Scope;
use pilote_import::ImportOptions;
use pilote_import::portfolio::beta;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

const RECOMMENDED: &str = "/api/v1/delivery/recommended-composition";

/// The day the constructed team is looked at.
const DAY: &str = "2025-06-30";

async fn writable(db: TestDb) -> TestApp {
    db.fill_demo().await;
    TestApp::spawn_writable(db).await
}

fn mission(start: &str, end: Option<&str>, status: &str, product: &str) -> Value {
    json!({"start": start, "end": end, "status": status, "employer": null, "products": [product]})
}

/// A product in construction since 2024 and seven members, one per case of the rules.
async fn constructed_team(app: &TestApp) {
    let (status, body) = app
        .send(
            Method::POST,
            "/api/v1/products",
            &json!({
                "slug": "equipe-type", "title": "Équipe type", "mission": "Vérifier les calculs",
                "incubator": "fabrique-demo",
                "phases": [
                    {"name": "investigation", "start": "2023-06-01", "end": "2023-12-31"},
                    {"name": "construction", "start": "2024-01-01"}
                ]
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let p = "equipe-type";
    let members = [
        // Active public agent intrapreneur.
        (
            "t.intra",
            "Intraprenariat",
            vec![mission("2023-06-01", None, "admin", p)],
        ),
        // Active freelance developer, there a year ago too.
        (
            "t.dev",
            "Développement",
            vec![mission("2024-01-01", Some("2026-01-01"), "independent", p)],
        ),
        // Active designer through a service company, arrived this year.
        (
            "t.design",
            "Design",
            vec![mission("2025-01-01", None, "service", p)],
        ),
        // The coach left in March: a departure, present a year ago.
        (
            "t.coach",
            "Coaching",
            vec![mission("2024-01-01", Some("2025-03-31"), "independent", p)],
        ),
        // Left in 2023: neither a departure nor counted a year ago.
        (
            "t.produit",
            "Produit",
            vec![mission("2023-06-01", Some("2023-12-31"), "admin", p)],
        ),
        // Active animator: a member who brings no discipline of the table.
        (
            "t.anim",
            "Animation",
            vec![mission("2025-02-01", None, "admin", p)],
        ),
        // Works on another product only.
        (
            "t.ailleurs",
            "Coaching",
            vec![mission("2020-01-01", None, "admin", "eau-claire")],
        ),
    ];
    for (slug, domaine, missions) in members {
        let (status, body) = app
            .send(
                Method::POST,
                "/api/v1/members",
                &json!({"slug": slug, "fullname": slug, "domaine": domaine, "missions": missions}),
            )
            .await;
        assert_eq!(status, 201, "{slug}: {body}");
    }
}

async fn checks_a_constructed_team_by_hand(db: TestDb) {
    let app = writable(db).await;
    constructed_team(&app).await;

    let (status, team) = app
        .get(&format!("/api/v1/products/equipe-type/team?date={DAY}"))
        .await;
    assert_eq!(status, 200, "{team}");
    assert_eq!(team["phase"], "construction");
    assert_eq!(
        team["disciplines"],
        json!([
            {"discipline": "intrapreneurship", "members": 1},
            {"discipline": "design", "members": 1},
            {"discipline": "development", "members": 1}
        ])
    );
    assert_eq!(
        team["recommended"],
        json!([
            "intrapreneurship",
            "product",
            "design",
            "development",
            "coaching"
        ])
    );
    assert_eq!(
        team["missing"],
        json!([
            {"discipline": "product", "message": "construction sans responsable produit"},
            {"discipline": "coaching", "message": "construction sans coach"}
        ])
    );
    assert_eq!(team["complete"], false);
    let health = &team["health"];
    assert_eq!(health["active_members"], 4);
    assert_eq!(health["public_agents"], 2);
    assert_eq!(health["public_agent_share"], 0.5);
    assert_eq!(health["headcount_12_months_ago"], 3);
    assert_eq!(health["departures_12_months"], 1);
    assert_eq!(health["average_headcount_12_months"], 3.5);
    let turnover = health["turnover_12_months"].as_f64().unwrap();
    assert!((turnover - 1.0 / 3.5).abs() < 1e-9, "{turnover}");
    let members: Vec<&str> = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["slug"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["t.anim", "t.design", "t.dev", "t.intra"]);

    // The portfolio view counts it, filtered by incubator and phase.
    let (status, view) = app
        .get(&format!(
            "/api/v1/delivery/composition?incubator=fabrique-demo&phase=construction&date={DAY}"
        ))
        .await;
    assert_eq!(status, 200, "{view}");
    let ours = view["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["product"] == "equipe-type")
        .expect("the constructed product is listed");
    assert_eq!(ours["complete"], false);
    assert_eq!(ours["active_members"], 4);
    assert!(
        view["products"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["incubator"] == "fabrique-demo" && p["phase"] == "construction")
    );
    let lacking_coach = view["lacking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gap| gap["discipline"] == "coaching")
        .unwrap();
    assert!(lacking_coach["products"].as_u64().unwrap() >= 1);
    assert_eq!(view["by_incubator"][0]["incubator"], "fabrique-demo");
    let (status, _) = app.get("/api/v1/delivery/composition?phase=nulle").await;
    assert_eq!(status, 422);
    let (status, _) = app.get("/api/v1/products/inconnu/team").await;
    assert_eq!(status, 404);

    // The pages show it (the product page looks at today, when the coach has long left).
    let html = app
        .client
        .get(app.url("/produits/equipe-type"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("construction sans coach"), "{html}");
    let html = app
        .client
        .get(app.url("/equipes-produits?incubator=fabrique-demo&phase=construction"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("/produits/equipe-type"));
    assert!(html.contains("construction sans coach"));
    app.stop().await;
}
on_both_backends!(constructed_team_by_hand, checks_a_constructed_team_by_hand);

/// The composition's entries in the audit log, read with the administrator's token.
async fn audit_history(app: &TestApp) -> Vec<Value> {
    let response = app
        .client
        .get(app.url("/api/v1/audit/recommended_composition/phases"))
        .bearer_auth(app.token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn configures_the_recommended_composition(db: TestDb) {
    let app = writable(db).await;
    // The migration seeds the domain's defaults.
    let (status, seeded) = app.get(RECOMMENDED).await;
    assert_eq!(status, 200);
    assert_eq!(
        seeded,
        serde_json::to_value(RecommendedComposition::default()).unwrap()
    );

    let lighter = json!({"phases": [
        {"phase": "construction", "disciplines": ["intrapreneurship", "development"]},
        {"phase": "acceleration", "disciplines": ["deployment", "intrapreneurship"]}
    ]});
    // Anonymous callers, other roles and tokens without the admin scope are refused.
    let anonymous = app
        .client
        .put(app.url(RECOMMENDED))
        .header(header::COOKIE, "")
        .json(&lighter)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    for (key, scopes) in [
        ("responsable-incubateur", &Scope::ALL[..]),
        ("membre-produit", &Scope::ALL[..]),
        ("administratrice", &[Scope::Read, Scope::WritePortfolio][..]),
    ] {
        let token = app.token_for(key, scopes).await;
        let response = app
            .client
            .put(app.url(RECOMMENDED))
            .bearer_auth(token)
            .json(&lighter)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{key}");
    }
    let (status, _) = app
        .send(
            Method::PUT,
            RECOMMENDED,
            &json!({"phases": [{"phase": "construction", "disciplines": ["marketing"]}]}),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = app
        .send(
            Method::PUT,
            RECOMMENDED,
            &json!({"phases": [
                {"phase": "construction", "disciplines": []},
                {"phase": "construction", "disciplines": ["design"]}
            ]}),
        )
        .await;
    assert_eq!(status, 422);

    // The administrator replaces it; every phase comes back, in order.
    let (status, stored) = app.send(Method::PUT, RECOMMENDED, &lighter).await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored["phases"].as_array().unwrap().len(), 8);
    let construction = stored["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["phase"] == "construction")
        .unwrap();
    assert_eq!(
        construction["disciplines"],
        json!(["intrapreneurship", "development"])
    );
    assert_eq!(app.get(RECOMMENDED).await.1, stored);
    let history = audit_history(&app).await;
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0]["after"], stored);
    // Products are judged against the new composition at once.
    constructed_team(&app).await;
    let (_, team) = app
        .get(&format!("/api/v1/products/equipe-type/team?date={DAY}"))
        .await;
    assert_eq!(team["complete"], true, "{team}");

    // The form: the administrator's session changes it, another person's is refused.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form_post = |cookie: String, csrf: String| {
        client
            .post(app.url("/admin/composition-recommandee"))
            .header(header::COOKIE, cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("construction", "coaching"),
                ("construction", "design"),
                ("investigation", "intrapreneurship"),
            ])
            .send()
    };
    let (cookie, csrf) = app.session_for("membre-produit").await;
    let refused = form_post(cookie, csrf).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (cookie, csrf) = app.session_for("administratrice").await;
    let page = client
        .get(app.url("/admin/composition-recommandee"))
        .header(header::COOKIE, cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("name=\"construction\" value=\"development\" checked")
    );
    let saved = form_post(cookie, csrf).await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, now) = app.get(RECOMMENDED).await;
    let construction = now["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["phase"] == "construction")
        .unwrap();
    assert_eq!(construction["disciplines"], json!(["design", "coaching"]));
    assert_eq!(audit_history(&app).await.len(), 2);
    app.stop().await;
}
on_both_backends!(
    recommended_composition,
    configures_the_recommended_composition
);

/// The day of the real data's snapshot (its README), so the figures do not drift.
const SNAPSHOT_DAY: &str = "2026-08-20";

async fn reports_the_real_network(db: TestDb) {
    let Some(data) = common::shared_data() else {
        return;
    };
    let options = ImportOptions {
        dry_run: false,
        skip_invalid: false,
    };
    beta::import(
        &db.store,
        &data.join("betagouv"),
        options,
        &Actor::cli("test"),
    )
    .await
    .expect("import");
    let backend = db.store.backend_name();
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let mut considered = 0;
    let mut lacking = std::collections::BTreeMap::<String, u64>::new();
    for phase in ["construction", "acceleration"] {
        let (status, view) = app
            .get(&format!(
                "/api/v1/delivery/composition?phase={phase}&date={SNAPSHOT_DAY}"
            ))
            .await;
        assert_eq!(status, 200, "{view}");
        let n = view["products_considered"].as_u64().unwrap();
        let incomplete = view["incomplete"].as_u64().unwrap();
        assert!(incomplete <= n);
        considered += n;
        for gap in view["lacking"].as_array().unwrap() {
            *lacking
                .entry(gap["discipline"].as_str().unwrap().to_owned())
                .or_default() += gap["products"].as_u64().unwrap();
        }
        let active: u64 = view["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["active_members"].as_u64().unwrap())
            .sum();
        eprintln!(
            "[{backend}] {phase} on {SNAPSHOT_DAY}: {n} products, {incomplete} incomplete, {active} active members, lacking {}",
            view["lacking"]
        );
    }
    let of = |d: &str| lacking.get(d).copied().unwrap_or(0);
    eprintln!(
        "[{backend}] construction or acceleration on {SNAPSHOT_DAY}: {considered} products; without an intrapreneur {}, without a coach {}, without a designer {}",
        of("intrapreneurship"),
        of("coaching"),
        of("design")
    );
    // Plausible figures: a real portfolio with many such products, some lacking each role,
    // not all of them.
    assert!(considered > 50, "{considered}");
    for discipline in ["intrapreneurship", "coaching", "design"] {
        assert!(of(discipline) > 0, "{discipline}");
        assert!(of(discipline) < considered, "{discipline}");
    }
    app.stop().await;
}
on_both_backends!(real_network, reports_the_real_network);
