//! The API of a product's impact: its indicators and their measurements, who may declare
//! them, who sees the non-public ones, and the audit log of every write.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb};
use pilote_domain::audit::AuditAction;
use pilote_domain::identity::Scope;
use reqwest::{Method, header};
use serde_json::{Value, json};

/// The demo product of the demo product member (sarah.durand), in atelier-social.
const PRODUCT: &str = "droits-simples";
const INDICATORS: &str = "/api/v1/products/droits-simples/indicators";

/// A server over the demo portfolio, with the demo accounts.
async fn app(db: TestDb) -> TestApp {
    db.fill_demo().await;
    pilote_web::ensure_demo_accounts(&db.store).await.unwrap();
    TestApp::spawn(db, pilote_web::Config::default()).await
}

/// Sends a request, with a token when one is given; returns the status, the `Location`
/// header and the JSON body.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Option<String>, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|value| value.to_str().unwrap().to_owned());
    (
        status,
        location,
        response.json().await.unwrap_or(Value::Null),
    )
}

fn indicator(public: bool) -> Value {
    json!({
        "name": "Demandes traitées sans relance",
        "category": "users_reached",
        "unit": "count",
        "direction": "higher_is_better",
        "baseline": {"value": 100, "date": "2023-01-01", "source": "Étude préalable"},
        "target": {"value": 200, "date": "2025-12-31"},
        "methodology": "Comptage mensuel des dossiers clos sans relance.",
        "public": public
    })
}

fn measurement(start: &str, end: &str, value: f64) -> Value {
    json!({
        "period_start": start,
        "period_end": end,
        "value": value,
        "method": "measured",
        "evidence_url": "https://exemple.gouv.fr/bilan.pdf",
        "recorded_by": "quelqu'un d'autre",
        "recorded_at": "2000-01-01T00:00:00Z"
    })
}

async fn declares_measures_updates_and_deletes(db: TestDb) {
    let app = app(db).await;
    let member = app.token_for("membre-produit", &Scope::ALL).await;
    let account = app
        .db
        .store
        .demo_account("membre-produit")
        .await
        .unwrap()
        .id;
    let token = Some(member.as_str());

    // Declare: the product comes from the address.
    let (status, location, created) = call(
        &app,
        Method::POST,
        INDICATORS,
        token,
        Some(&indicator(true)),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert!(id > 0);
    let path = format!("{INDICATORS}/{id}");
    assert_eq!(location.as_deref(), Some(path.as_str()));
    assert_eq!(created["product"], PRODUCT);
    assert_eq!(created["measurements"], json!([]));
    assert_eq!(created["latest_value"], Value::Null);
    assert_eq!(created["progress"], Value::Null);

    // Measure twice, the later period first: the server says who and when.
    let measurements = format!("{path}/measurements");
    let (status, _, later) = call(
        &app,
        Method::POST,
        &measurements,
        token,
        Some(&measurement("2024-07-01", "2024-12-31", 150.0)),
    )
    .await;
    assert_eq!(status, 201, "{later}");
    assert_eq!(later["indicator"], id);
    let recorded_by = later["recorded_by"].as_str().unwrap();
    assert!(
        recorded_by.ends_with(&format!("du compte n° {account}")),
        "{recorded_by}"
    );
    assert_ne!(later["recorded_at"], "2000-01-01T00:00:00Z");
    let (status, _, earlier) = call(
        &app,
        Method::POST,
        &measurements,
        token,
        Some(&measurement("2024-01-01", "2024-06-30", 130.0)),
    )
    .await;
    assert_eq!(status, 201, "{earlier}");

    // The list: measurements by period end, the latest value, the progress to target.
    let (status, _, list) = call(&app, Method::GET, INDICATORS, None, None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["page"], 1);
    assert_eq!(list["page_size"], 1);
    let shown = &list["data"][0];
    assert_eq!(shown["id"], id);
    let values: Vec<f64> = shown["measurements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [130.0, 150.0]);
    assert_eq!(shown["latest_value"], 150.0);
    // (150 − 100) ÷ (200 − 100)
    assert_eq!(shown["progress"], 0.5);

    // Update the indicator: its measurements stay, progress follows the new target.
    let mut changed = indicator(true);
    changed["target"] = json!({"value": 300, "date": "2026-12-31"});
    changed["product"] = json!(PRODUCT);
    let (status, _, updated) = call(&app, Method::PUT, &path, token, Some(&changed)).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["id"], id);
    assert_eq!(updated["measurements"].as_array().unwrap().len(), 2);
    assert_eq!(updated["progress"], 0.25);
    let (status, _, one) = call(&app, Method::GET, &path, None, None).await;
    assert_eq!(status, 200);
    assert_eq!(one["target"]["value"], 300.0);

    // Update a measurement, then delete the other.
    let later_id = later["id"].as_i64().unwrap();
    let earlier_id = earlier["id"].as_i64().unwrap();
    let (status, _, remeasured) = call(
        &app,
        Method::PUT,
        &format!("{measurements}/{later_id}"),
        token,
        Some(&measurement("2024-07-01", "2024-12-31", 250.0)),
    )
    .await;
    assert_eq!(status, 200, "{remeasured}");
    assert_eq!(remeasured["value"], 250.0);
    assert!(
        remeasured["recorded_by"]
            .as_str()
            .unwrap()
            .ends_with(&format!("du compte n° {account}"))
    );
    let (status, _, _) = call(
        &app,
        Method::DELETE,
        &format!("{measurements}/{earlier_id}"),
        token,
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, _, one) = call(&app, Method::GET, &path, None, None).await;
    assert_eq!(one["measurements"].as_array().unwrap().len(), 1);
    assert_eq!(one["latest_value"], 250.0);
    assert_eq!(one["progress"], 0.75);

    // A measurement of another indicator, or one already gone: 404.
    let (status, _, _) = call(
        &app,
        Method::DELETE,
        &format!("{measurements}/{earlier_id}"),
        token,
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Delete the indicator, with its measurement.
    let (status, _, _) = call(&app, Method::DELETE, &path, token, None).await;
    assert_eq!(status, 204);
    let (status, _, _) = call(&app, Method::GET, &path, None, None).await;
    assert_eq!(status, 404);
    let (_, _, list) = call(&app, Method::GET, INDICATORS, None, None).await;
    assert_eq!(list["total"], 0);
    assert_eq!(list["data"], json!([]));

    // The audit log has every write, by the member's token.
    let history = app
        .db
        .store
        .audit_history("indicator", &id.to_string())
        .await
        .unwrap();
    let actions: Vec<AuditAction> = history.iter().map(|entry| entry.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::Delete
        ]
    );
    assert!(history.iter().all(|entry| entry.actor.name == recorded_by));
    let measured = app
        .db
        .store
        .audit_history("measurement", &later_id.to_string())
        .await
        .unwrap();
    let actions: Vec<AuditAction> = measured.iter().map(|entry| entry.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::Delete
        ]
    );
    app.stop().await;
}
on_both_backends!(crud, declares_measures_updates_and_deletes);

async fn invalid_values_are_refused_by_field(db: TestDb) {
    let app = app(db).await;
    let admin = app.token_for("administratrice", &Scope::ALL).await;
    let token = Some(admin.as_str());

    // The body's product must be the address's.
    let mut elsewhere = indicator(true);
    elsewhere["product"] = json!("eau-claire");
    let (status, _, body) = call(&app, Method::POST, INDICATORS, token, Some(&elsewhere)).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["product"].is_string(), "{body}");

    // The domain's checks, each on its field.
    let mut bad = indicator(true);
    bad["name"] = json!("  ");
    bad["methodology"] = json!("");
    bad["target"] = json!({"value": 50, "date": "2025-12-31"});
    let (status, _, body) = call(&app, Method::POST, INDICATORS, token, Some(&bad)).await;
    assert_eq!(status, 422, "{body}");
    let fields = body["error"]["fields"].as_object().unwrap();
    for field in ["name", "methodology", "target.value"] {
        assert!(fields.contains_key(field), "{field} in {body}");
    }

    // A value of the wrong type names its field.
    let mut typed = indicator(true);
    typed["unit"] = json!("litres");
    let (status, _, body) = call(&app, Method::POST, INDICATORS, token, Some(&typed)).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["unit"].is_string(), "{body}");

    // Nothing was stored.
    let (_, _, list) = call(&app, Method::GET, INDICATORS, token, None).await;
    assert_eq!(list["total"], 0);

    // Measurements are checked against the indicator's unit.
    let mut percent = indicator(true);
    percent["unit"] = json!("percent");
    percent["baseline"]["value"] = json!(10);
    percent["target"]["value"] = json!(60);
    let (status, _, created) = call(&app, Method::POST, INDICATORS, token, Some(&percent)).await;
    assert_eq!(status, 201, "{created}");
    let measurements = format!("{INDICATORS}/{}/measurements", created["id"]);
    let mut wrong = measurement("2024-06-30", "2024-01-01", 120.0);
    wrong["evidence_url"] = json!("ftp://exemple.gouv.fr/bilan");
    let (status, _, body) = call(&app, Method::POST, &measurements, token, Some(&wrong)).await;
    assert_eq!(status, 422, "{body}");
    let fields = body["error"]["fields"].as_object().unwrap();
    for field in ["period_end", "value", "evidence_url"] {
        assert!(fields.contains_key(field), "{field} in {body}");
    }
    let (_, _, shown) = call(
        &app,
        Method::GET,
        &format!("{INDICATORS}/{}", created["id"]),
        None,
        None,
    )
    .await;
    assert_eq!(shown["measurements"], json!([]));

    // Unknown product, unknown indicator, an indicator of another product: 404.
    let (status, _, _) = call(
        &app,
        Method::GET,
        "/api/v1/products/inconnu/indicators",
        None,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, _) = call(
        &app,
        Method::POST,
        "/api/v1/products/inconnu/indicators",
        token,
        Some(&indicator(true)),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, _) = call(&app, Method::GET, &format!("{INDICATORS}/9999"), None, None).await;
    assert_eq!(status, 404);
    let (status, _, _) = call(&app, Method::GET, &format!("{INDICATORS}/abc"), None, None).await;
    assert_eq!(status, 404);
    let other = format!("/api/v1/products/eau-claire/indicators/{}", created["id"]);
    let (status, _, _) = call(&app, Method::GET, &other, None, None).await;
    assert_eq!(status, 404);
    let (status, _, _) = call(&app, Method::DELETE, &other, token, None).await;
    assert_eq!(status, 404);
    app.stop().await;
}
on_both_backends!(invalid_values, invalid_values_are_refused_by_field);

async fn only_those_who_manage_the_product_may_write(db: TestDb) {
    let app = app(db).await;
    let admin = app.token_for("administratrice", &Scope::ALL).await;
    let (status, _, created) = call(
        &app,
        Method::POST,
        INDICATORS,
        Some(&admin),
        Some(&indicator(true)),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let path = format!("{INDICATORS}/{}", created["id"]);
    let measurements = format!("{path}/measurements");

    // The manager of another incubator (fabrique-demo) and an organisation editor: 403.
    for key in ["responsable-incubateur", "editrice-organisation"] {
        let token = app.token_for(key, &Scope::ALL).await;
        let token = Some(token.as_str());
        let (status, _, body) = call(
            &app,
            Method::POST,
            INDICATORS,
            token,
            Some(&indicator(true)),
        )
        .await;
        assert_eq!(status, 403, "{key}: {body}");
        let (status, _, _) = call(&app, Method::PUT, &path, token, Some(&indicator(true))).await;
        assert_eq!(status, 403, "{key}");
        let (status, _, _) = call(
            &app,
            Method::POST,
            &measurements,
            token,
            Some(&measurement("2024-01-01", "2024-12-31", 120.0)),
        )
        .await;
        assert_eq!(status, 403, "{key}");
        let (status, _, _) = call(&app, Method::DELETE, &path, token, None).await;
        assert_eq!(status, 403, "{key}");
    }

    // The product member with a read-only token: 403.
    let read_only = app.token_for("membre-produit", &[Scope::Read]).await;
    let (status, _, _) = call(&app, Method::DELETE, &path, Some(&read_only), None).await;
    assert_eq!(status, 403);

    // Anonymous: 401.
    let (status, _, _) = call(&app, Method::POST, INDICATORS, None, Some(&indicator(true))).await;
    assert_eq!(status, 401);
    let (status, _, _) = call(&app, Method::DELETE, &path, None, None).await;
    assert_eq!(status, 401);
    let (status, _, _) = call(
        &app,
        Method::POST,
        &measurements,
        None,
        Some(&measurement("2024-01-01", "2024-12-31", 120.0)),
    )
    .await;
    assert_eq!(status, 401);

    // The manager of eau-claire's incubator may declare its impact.
    let manager = app.token_for("responsable-incubateur", &Scope::ALL).await;
    let (status, _, body) = call(
        &app,
        Method::POST,
        "/api/v1/products/eau-claire/indicators",
        Some(&manager),
        Some(&indicator(true)),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // Nothing changed on droits-simples.
    let (_, _, list) = call(&app, Method::GET, INDICATORS, None, None).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["data"][0]["measurements"], json!([]));
    app.stop().await;
}
on_both_backends!(permissions, only_those_who_manage_the_product_may_write);

async fn non_public_indicators_are_hidden_from_the_public(db: TestDb) {
    let app = app(db).await;
    let member = app.token_for("membre-produit", &Scope::ALL).await;
    let mut hidden = indicator(false);
    hidden["name"] = json!("Indicateur interne");
    hidden["methodology"] = json!("");
    let (status, _, private) =
        call(&app, Method::POST, INDICATORS, Some(&member), Some(&hidden)).await;
    assert_eq!(status, 201, "{private}");
    let (status, _, public) = call(
        &app,
        Method::POST,
        INDICATORS,
        Some(&member),
        Some(&indicator(true)),
    )
    .await;
    assert_eq!(status, 201, "{public}");
    let private_path = format!("{INDICATORS}/{}", private["id"]);

    let names = |list: &Value| -> Vec<String> {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };

    // The public, and those who may not manage the product, see the public one only.
    let editor = app.token_for("editrice-organisation", &Scope::ALL).await;
    let manager = app.token_for("responsable-incubateur", &Scope::ALL).await;
    for token in [None, Some(editor.as_str()), Some(manager.as_str())] {
        let (status, _, list) = call(&app, Method::GET, INDICATORS, token, None).await;
        assert_eq!(status, 200);
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(names(&list), ["Demandes traitées sans relance"]);
        let (status, _, _) = call(&app, Method::GET, &private_path, token, None).await;
        assert_eq!(status, 404);
    }

    // The product member and administrators see both.
    let admin = app.token_for("administratrice", &Scope::ALL).await;
    for token in [member.as_str(), admin.as_str()] {
        let (status, _, list) = call(&app, Method::GET, INDICATORS, Some(token), None).await;
        assert_eq!(status, 200);
        assert_eq!(list["total"], 2, "{list}");
        assert!(names(&list).contains(&"Indicateur interne".to_owned()));
        let (status, _, shown) = call(&app, Method::GET, &private_path, Some(token), None).await;
        assert_eq!(status, 200);
        assert_eq!(shown["public"], false);
    }

    // The public list is cached apart: asking again anonymously still hides it.
    let (_, _, list) = call(&app, Method::GET, INDICATORS, None, None).await;
    assert_eq!(list["total"], 1);
    app.stop().await;
}
on_both_backends!(visibility, non_public_indicators_are_hidden_from_the_public);
