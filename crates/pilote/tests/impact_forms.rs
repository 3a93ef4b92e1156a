//! The forms of a product's impact and its budget API, through a real server on both
//! backends: declaring, measuring, editing and deleting through the pages (with the CSRF
//! token of the form page), errors on their fields with the values kept, budget lines edited
//! around the imported FAST line, denials, and the audit log of every write.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{Browser, TestApp, TestDb, csrf_of};
use pilote_domain::audit::{Actor, AuditAction};
use pilote_domain::identity::Scope;
use pilote_domain::impact::{BudgetLine, BudgetSource};
use pilote_domain::{Money, Slug};
use reqwest::Method;
use serde_json::{Value, json};

/// The demo product of the incubator manager (fabrique-demo).
const PRODUCT: &str = "/produits/eau-claire";

/// A server over the demo portfolio, with the demo accounts and eau-claire's FAST grant.
async fn app(db: TestDb) -> TestApp {
    db.fill_demo().await;
    let fast = BudgetLine {
        product: Slug::parse("eau-claire").unwrap(),
        year: 2023,
        amount: Money::from_euros(250_000).unwrap(),
        source: BudgetSource::Fast,
        comment: "FAST, promotion 9".into(),
    };
    db.store
        .replace_budget_lines(BudgetSource::Fast, &[fast], &Actor::system("test"))
        .await
        .unwrap();
    TestApp::spawn_writable(db).await
}

/// The account number of a demo account.
async fn account(app: &TestApp, demo_key: &str) -> i64 {
    app.db.store.demo_account(demo_key).await.unwrap().id
}

/// The product's indicators as the API lists them to the administrator.
async fn indicators(app: &TestApp) -> Vec<Value> {
    let (status, list) = app
        .send(
            Method::GET,
            "/api/v1/products/eau-claire/indicators",
            &Value::Null,
        )
        .await;
    assert_eq!(status, 200, "{list}");
    list["data"].as_array().unwrap().clone()
}

const INDICATOR: [(&str, &str); 11] = [
    ("name", "Foyers alertés à temps"),
    ("category", "users_reached"),
    ("unit", "count"),
    ("direction", "higher_is_better"),
    ("baseline.value", "1 200"),
    ("baseline.date", "2023-01-01"),
    ("baseline.source", "Relevés des syndicats des eaux"),
    ("target.value", "5000"),
    ("target.date", "2026-12-31"),
    (
        "methodology",
        "Alertes envoyées avant la coupure, comptées chaque mois.",
    ),
    ("public", "on"),
];

/// `INDICATOR` with some fields replaced or removed (an empty value removes the field).
fn indicator_with<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields: Vec<(&str, &str)> = INDICATOR
        .iter()
        .copied()
        .filter(|(key, _)| !changes.iter().any(|(changed, _)| changed == key))
        .collect();
    fields.extend(
        changes
            .iter()
            .copied()
            .filter(|(_, value)| !value.is_empty()),
    );
    fields
}

async fn declares_measures_edits_and_deletes(db: TestDb) {
    let app = app(db).await;
    let admin = Browser::signed_in(&app, "administratrice").await;
    let admin_account = account(&app, "administratrice").await;
    let by_admin = format!("compte n° {admin_account}");

    // The product page offers the forms to who may use them, and only to them.
    let (_, page) = admin.get(PRODUCT).await;
    assert!(page.contains("id=\"impact\""));
    assert!(page.contains("href=\"/produits/eau-claire/indicateurs/nouveau\""));
    assert!(page.contains("href=\"/produits/eau-claire/budget\""));
    let (_, public) = Browser::with(&app, None).get(PRODUCT).await;
    assert!(!public.contains("/indicateurs/nouveau"));
    assert!(!public.contains("/produits/eau-claire/budget"));

    // A value that cannot be read: shown on its field, the typed values kept, nothing written.
    let new = "/produits/eau-claire/indicateurs/nouveau";
    let (status, _, page) = admin
        .submit(new, &indicator_with(&[("baseline.value", "beaucoup")]))
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("aria-describedby=\"f-baseline-value-error\""),
        "{page}"
    );
    assert!(page.contains(
        "id=\"f-baseline-value-error\" class=\"fr-error-text\">nombre invalide (par exemple 1250 ou 12,5)"
    ));
    assert!(
        page.contains("value=\"Foyers alertés à temps\""),
        "typed values are kept"
    );
    assert!(page.contains("value=\"beaucoup\""));
    assert!(page.contains("<option value=\"users_reached\" selected>"));
    assert!(page.contains("name=\"public\" value=\"on\" checked"));
    assert!(
        page.contains("href=\"#f-baseline-value\""),
        "the summary links to the field"
    );
    assert!(
        page.contains("<title>Erreur"),
        "the title says the form has errors"
    );
    assert!(indicators(&app).await.is_empty(), "nothing is written");

    // Inconsistent values: each problem on its field, as the API says them.
    let (status, _, page) = admin
        .submit(
            new,
            &indicator_with(&[("target.value", "900"), ("methodology", "")]),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("aria-describedby=\"f-target-value-error\""),
        "{page}"
    );
    assert!(page.contains(
        "id=\"f-methodology-error\" class=\"fr-error-text\">un indicateur public doit décrire sa méthodologie"
    ));
    assert!(page.contains("href=\"#f-methodology\">Méthodologie : "));
    let (status, _, page) = admin
        .submit(new, &indicator_with(&[("name", " "), ("category", "")]))
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("id=\"f-category-error\" class=\"fr-error-text\">ce champ est obligatoire"),
        "{page}"
    );

    // Declared: back to the product's impact section.
    let (status, location, _) = admin.submit(new, &INDICATOR).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/produits/eau-claire#impact"))
    );
    let listed = indicators(&app).await;
    assert_eq!(listed.len(), 1);
    let indicator = &listed[0];
    let id = indicator["id"].as_i64().unwrap();
    assert_eq!(indicator["name"], "Foyers alertés à temps");
    assert_eq!(
        indicator["baseline"]["value"], 1200.0,
        "« 1 200 » reads as 1200"
    );
    assert_eq!(indicator["public"], true);
    let base = format!("/produits/eau-claire/indicateurs/{id}");
    let (_, page) = admin.get(PRODUCT).await;
    assert!(page.contains(&format!("href=\"{base}/mesures/nouvelle\"")));
    assert!(page.contains(&format!("href=\"{base}/modifier\"")));

    // Edit: the form starts from the stored values.
    let (status, form) = admin.get(&format!("{base}/modifier")).await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"Relevés des syndicats des eaux\""));
    assert!(form.contains("<option value=\"higher_is_better\" selected>"));
    assert!(form.contains("Aucune mesure enregistrée."));
    let (status, location, _) = admin
        .submit(
            &format!("{base}/modifier"),
            &indicator_with(&[("name", "Foyers alertés avant la coupure"), ("public", "")]),
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/produits/eau-claire#impact"))
    );
    let indicator = &indicators(&app).await[0];
    assert_eq!(indicator["name"], "Foyers alertés avant la coupure");
    assert_eq!(indicator["public"], false, "an unticked box is not public");

    // Measure: an error first, then the measurement, recorded by the administrator.
    let measure = format!("{base}/mesures/nouvelle");
    let (status, _, page) = admin
        .submit(
            &measure,
            &[
                ("period_start", "2025-01-01"),
                ("period_end", "2024-12-31"),
                ("value", "1 250,5"),
                ("method", "measured"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("aria-describedby=\"f-period-end-error\""),
        "{page}"
    );
    assert!(page.contains("value=\"1 250,5\""));
    let (status, location, _) = admin
        .submit(
            &measure,
            &[
                ("period_start", "2025-01-01"),
                ("period_end", "2025-06-30"),
                ("value", "1 250,5"),
                ("method", "estimated"),
                ("evidence_url", "https://exemple.gouv.fr/alertes-2025.csv"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/produits/eau-claire#impact"))
    );
    let indicator = &indicators(&app).await[0];
    let measurement = &indicator["measurements"][0];
    assert_eq!(measurement["value"], 1250.5);
    assert_eq!(measurement["method"], "estimated");
    assert_eq!(measurement["recorded_by"], by_admin.as_str());
    let mid = measurement["id"].as_i64().unwrap();

    // Edit the measurement, from the indicator's page.
    let (_, form) = admin.get(&format!("{base}/modifier")).await;
    assert!(form.contains(&format!("href=\"{base}/mesures/{mid}/modifier\"")));
    let (status, form) = admin.get(&format!("{base}/mesures/{mid}/modifier")).await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"1250.5\""));
    let (status, _, _) = admin
        .submit(
            &format!("{base}/mesures/{mid}/modifier"),
            &[
                ("period_start", "2025-01-01"),
                ("period_end", "2025-06-30"),
                ("value", "1300"),
                ("method", "measured"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let indicator = &indicators(&app).await[0];
    assert_eq!(indicator["measurements"][0]["value"], 1300.0);
    assert_eq!(indicator["measurements"][0]["evidence_url"], Value::Null);

    // Delete the measurement, after confirming.
    let (status, confirm) = admin.get(&format!("{base}/mesures/{mid}/supprimer")).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Cette action est définitive"));
    assert!(confirm.contains("la mesure du 2025-01-01 au 2025-06-30"));
    let (status, location, _) = admin
        .submit(&format!("{base}/mesures/{mid}/supprimer"), &[])
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/produits/eau-claire#impact"))
    );
    assert_eq!(indicators(&app).await[0]["measurements"], json!([]));

    // A post without the form's token is refused, and changes nothing.
    let (status, _, _) = admin.post(&format!("{base}/supprimer"), &[], None).await;
    assert_eq!(status, 403);
    assert_eq!(indicators(&app).await.len(), 1);

    // Delete the indicator.
    let (status, confirm) = admin.get(&format!("{base}/supprimer")).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("l’indicateur « Foyers alertés avant la coupure »"));
    let (status, location, _) = admin.submit(&format!("{base}/supprimer"), &[]).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/produits/eau-claire#impact"))
    );
    assert!(indicators(&app).await.is_empty());
    assert_eq!(admin.get(&format!("{base}/modifier")).await.0, 404);

    // Every write is in the audit log, by the administrator's account.
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
    assert!(history.iter().all(|entry| entry.actor.name == by_admin));
    let history = app
        .db
        .store
        .audit_history("measurement", &mid.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 3, "created, edited, deleted");
    app.stop().await;
}
on_both_backends!(
    indicators_and_measurements,
    declares_measures_edits_and_deletes
);

async fn edits_budget_lines_around_fast(db: TestDb) {
    let app = app(db).await;
    let manager = Browser::signed_in(&app, "responsable-incubateur").await;
    let by_manager = format!(
        "compte n° {}",
        account(&app, "responsable-incubateur").await
    );
    let path = "/produits/eau-claire/budget";

    // The FAST line is shown, not offered for editing.
    let (status, form) = manager.get(path).await;
    assert_eq!(status, 200);
    assert!(form.contains("Financement FAST"));
    assert!(
        form.contains("2023 : 250\u{202f}000 € (FAST, promotion 9)"),
        "{form}"
    );
    assert!(!form.contains("<option value=\"fast\""));
    assert!(
        form.contains("name=\"lines[0].year\" value=\"\""),
        "only empty rows: {form}"
    );

    // Two lines of one year and source, and a FAST line slipped in: refused on their fields.
    let (status, _, page) = manager
        .submit(
            path,
            &[
                ("lines[0].year", "2024"),
                ("lines[0].amount", "120 000"),
                ("lines[0].source", "ministry"),
                ("lines[1].year", "2024"),
                ("lines[1].amount", "5000"),
                ("lines[1].source", "ministry"),
                ("lines[2].year", "2025"),
                ("lines[2].amount", "1"),
                ("lines[2].source", "fast"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("aria-describedby=\"f-lines-1-year-error\""),
        "{page}"
    );
    assert!(page.contains("la ligne 1 a déjà l&#39;année 2024 et la source « Ministère »"));
    assert!(page.contains("aria-describedby=\"f-lines-2-source-error\""));
    assert!(page.contains("href=\"#f-lines-1-year\">Ligne 2 : année : "));
    assert!(page.contains("value=\"120 000\""), "typed values are kept");
    let (status, _, page) = manager
        .submit(
            path,
            &[
                ("lines[0].year", "deux mille"),
                ("lines[0].amount", "10"),
                ("lines[0].source", "ministry"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains(
            "id=\"f-lines-0-year-error\" class=\"fr-error-text\">année invalide (attendu AAAA)"
        ),
        "{page}"
    );

    // Saved: the FAST line stays.
    let (status, location, _) = manager
        .submit(
            path,
            &[
                ("lines[0].year", "2024"),
                ("lines[0].amount", "120 000"),
                ("lines[0].source", "ministry"),
                ("lines[1].year", ""),
                ("lines[1].amount", ""),
                ("lines[2].year", "2024"),
                ("lines[2].amount", "30000,50"),
                ("lines[2].source", "european_funds"),
                ("lines[2].comment", "FEDER"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/produits/eau-claire#impact"))
    );
    let (status, budget) = app.get("/api/v1/products/eau-claire/budget").await;
    assert_eq!(status, 200);
    assert_eq!(budget["total"], 3);
    assert_eq!(
        budget["data"],
        json!([
            {"product": "eau-claire", "year": 2023, "amount": 250_000, "source": "fast", "comment": "FAST, promotion 9"},
            {"product": "eau-claire", "year": 2024, "amount": 120_000, "source": "ministry", "comment": ""},
            {"product": "eau-claire", "year": 2024, "amount": 30_000.5, "source": "european_funds", "comment": "FEDER"},
        ])
    );

    // The form starts from the stored lines; emptying one removes it.
    let (_, form) = manager.get(path).await;
    assert!(
        form.contains("name=\"lines[0].amount\" value=\"120000\""),
        "{form}"
    );
    let (status, _, _) = manager
        .submit(
            path,
            &[
                ("lines[0].year", "2024"),
                ("lines[0].amount", "120000"),
                ("lines[0].source", "ministry"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, budget) = app.get("/api/v1/products/eau-claire/budget").await;
    assert_eq!(budget["total"], 2);

    let history = app
        .db
        .store
        .audit_history("budget_line", "eau-claire/2024/european_funds")
        .await
        .unwrap();
    let actions: Vec<AuditAction> = history.iter().map(|entry| entry.action).collect();
    assert_eq!(actions, [AuditAction::Create, AuditAction::Delete]);
    assert!(history.iter().all(|entry| entry.actor.name == by_manager));
    app.stop().await;
}
on_both_backends!(budget_form, edits_budget_lines_around_fast);

async fn refuses_who_may_not_manage_impact(db: TestDb) {
    let app = app(db).await;
    let (status, indicator) = app
        .send(
            Method::POST,
            "/api/v1/products/eau-claire/indicators",
            &json!({
                "name": "Foyers informés", "category": "users_reached",
                "unit": "count", "direction": "higher_is_better"
            }),
        )
        .await;
    assert_eq!(status, 201, "{indicator}");
    let edit = format!(
        "/produits/eau-claire/indicateurs/{}/modifier",
        indicator["id"]
    );

    // Sarah works on droits-simples, not on eau-claire: its forms are refused, not offered.
    let member = Browser::signed_in(&app, "membre-produit").await;
    let (_, page) = member.get(PRODUCT).await;
    assert!(!page.contains("/indicateurs/nouveau"));
    assert!(!page.contains("/produits/eau-claire/budget"));
    for path in [
        "/produits/eau-claire/indicateurs/nouveau",
        "/produits/eau-claire/budget",
    ] {
        let (status, page) = member.get(path).await;
        assert_eq!(status, 403, "{path}");
        assert!(page.contains("Accès refusé"));
    }
    // Her own product's are hers.
    let (_, page) = member.get("/produits/droits-simples").await;
    assert!(page.contains("href=\"/produits/droits-simples/indicateurs/nouveau\""));
    assert_eq!(member.get("/produits/droits-simples/budget").await.0, 200);
    // A post with her valid token is refused too, and writes nothing.
    let (_, form) = member.get("/produits/droits-simples/budget").await;
    let token = csrf_of(&form);
    let (status, _, _) = member
        .post(
            "/produits/eau-claire/budget",
            &[
                ("lines[0].year", "2024"),
                ("lines[0].amount", "1"),
                ("lines[0].source", "ministry"),
            ],
            Some(&token),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _, _) = member.post(&edit, &INDICATOR, Some(&token)).await;
    assert_eq!(status, 403);
    let (_, budget) = app.get("/api/v1/products/eau-claire/budget").await;
    assert_eq!(budget["total"], 1, "only the FAST line");

    // Someone who may manage no product's impact is not offered the forms at all.
    let editor = Browser::signed_in(&app, "editrice-organisation").await;
    assert_eq!(editor.get(&edit).await.0, 403);
    // Signed out: sign in first.
    let (status, page) = Browser::with(&app, None).get(&edit).await;
    assert_eq!(status, 401);
    assert!(page.contains("Connexion requise"));
    app.stop().await;
}
on_both_backends!(denials, refuses_who_may_not_manage_impact);

/// Sends a JSON request with a token, if any; returns the status and the body.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, app.url(path))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn budget_api_reads_replaces_and_refuses(db: TestDb) {
    let app = app(db).await;
    let path = "/api/v1/products/eau-claire/budget";
    let manager = app.token_for("responsable-incubateur", &Scope::ALL).await;
    let manager_account = account(&app, "responsable-incubateur").await;
    let member = app.token_for("membre-produit", &Scope::ALL).await;
    let reader = app
        .token_for("responsable-incubateur", &[Scope::Read])
        .await;

    // Reading is open.
    let (status, budget) = call(&app, Method::GET, path, None, &Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(
        budget,
        json!({"data": [{"product": "eau-claire", "year": 2023, "amount": 250_000, "source": "fast", "comment": "FAST, promotion 9"}], "page": 1, "page_size": 1, "total": 1})
    );
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/products/nope/budget",
        None,
        &Value::Null,
    )
    .await;
    assert_eq!(status, 404);

    let lines = json!({"lines": [
        {"year": 2025, "amount": 180_000, "source": "ministry", "comment": "Crédits 2025"},
        {"product": "eau-claire", "year": 2024, "amount": 90_000.5, "source": "other"}
    ]});
    // Writing needs a token, the write scope and the right on the product.
    assert_eq!(call(&app, Method::PUT, path, None, &lines).await.0, 401);
    assert_eq!(
        call(&app, Method::PUT, path, Some(&reader), &lines).await.0,
        403
    );
    assert_eq!(
        call(&app, Method::PUT, path, Some(&member), &lines).await.0,
        403
    );
    assert_eq!(
        call(
            &app,
            Method::PUT,
            "/api/v1/products/nope/budget",
            Some(&manager),
            &lines
        )
        .await
        .0,
        404
    );

    // FAST lines are the import's: refused, by field.
    let (status, refused) = call(
        &app,
        Method::PUT,
        path,
        Some(&manager),
        &json!({"lines": [
            {"year": 2025, "amount": 1000, "source": "ministry"},
            {"year": 2023, "amount": 300_000, "source": "fast"}
        ]}),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let fields = refused["error"]["fields"].as_object().unwrap();
    assert_eq!(fields.keys().collect::<Vec<_>>(), ["lines[1].source"]);
    assert!(fields["lines[1].source"].as_str().unwrap().contains("FAST"));

    // Other refusals name their field too.
    for (body, field) in [
        (
            json!({"lines": [{"year": 2025, "amount": -5, "source": "ministry"}]}),
            "lines[0].amount",
        ),
        (
            json!({"lines": [
                {"year": 2025, "amount": 5, "source": "ministry"},
                {"year": 2025, "amount": 6, "source": "ministry"}
            ]}),
            "lines[1].year",
        ),
        (
            json!({"lines": [{"product": "velo-facile", "year": 2025, "amount": 5, "source": "other"}]}),
            "lines[0].product",
        ),
        (
            json!({"lines": [{"year": 2025, "amount": 5, "source": "crowdfunding"}]}),
            "lines[0].source",
        ),
        (
            json!({"lines": [{"year": 2025, "source": "other"}]}),
            "lines[0].amount",
        ),
        (json!({}), "lines"),
    ] {
        let (status, refused) = call(&app, Method::PUT, path, Some(&manager), &body).await;
        assert_eq!(status, 422, "{body}: {refused}");
        assert!(
            refused["error"]["fields"].get(field).is_some(),
            "{body}: {refused}"
        );
    }
    let (_, unchanged) = call(&app, Method::GET, path, None, &Value::Null).await;
    assert_eq!(unchanged["total"], 1, "nothing refused was written");

    // Replaced: the answer is every line of the product, FAST included.
    let (status, replaced) = call(&app, Method::PUT, path, Some(&manager), &lines).await;
    assert_eq!(status, 200, "{replaced}");
    let rows: Vec<(i64, &str)> = replaced["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            (
                line["year"].as_i64().unwrap(),
                line["source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [(2023, "fast"), (2024, "other"), (2025, "ministry")]);
    assert_eq!(replaced["data"][1]["amount"], 90_000.5);
    let (_, read) = call(&app, Method::GET, path, None, &Value::Null).await;
    assert_eq!(read, replaced);

    // Again with one line less and one changed: only what differs is logged.
    let (status, _) = call(
        &app,
        Method::PUT,
        path,
        Some(&manager),
        &json!({"lines": [{"year": 2025, "amount": 200_000, "source": "ministry", "comment": "Crédits 2025"}]}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, read) = call(&app, Method::GET, path, None, &Value::Null).await;
    assert_eq!(read["total"], 2);
    let history = app
        .db
        .store
        .audit_history("budget_line", "eau-claire/2025/ministry")
        .await
        .unwrap();
    let actions: Vec<AuditAction> = history.iter().map(|entry| entry.action).collect();
    assert_eq!(actions, [AuditAction::Create, AuditAction::Update]);
    assert!(history.iter().all(|entry| {
        entry.actor.account_number() == Some(manager_account)
            && entry.actor.name.starts_with("jeton n° ")
    }));
    assert_eq!(history[1].before.as_ref().unwrap()["amount"], 180_000);
    assert_eq!(history[1].after.as_ref().unwrap()["amount"], 200_000);
    let removed = app
        .db
        .store
        .audit_history("budget_line", "eau-claire/2024/other")
        .await
        .unwrap();
    assert_eq!(removed.last().unwrap().action, AuditAction::Delete);
    let fast = app
        .db
        .store
        .audit_history("budget_line", "eau-claire/2023/fast")
        .await
        .unwrap();
    assert_eq!(fast.len(), 1, "the FAST line was never touched");

    // An empty list clears the product's own lines, not FAST.
    let (status, cleared) = call(
        &app,
        Method::PUT,
        path,
        Some(&manager),
        &json!({"lines": []}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(cleared["total"], 1);
    assert_eq!(cleared["data"][0]["source"], "fast");
    app.stop().await;
}
on_both_backends!(budget_api, budget_api_reads_replaces_and_refuses);
