//! Support requests: every step from every status by every role, what each side sees,
//! notifications, the audit trail, the dashboard, and the pages.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{Backend, TestApp, TestDb};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::identity::{ProviderIdentity, Role, RoleGrant, Scope};
use pilote_store::DemoAccount;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The people of the tests: the steering team, the requester's side, and outsiders.
const ADMIN: &str = "administratrice";
const EXPERT: &str = "expert-accompagnement";
/// Edits dir-solidarites, the sponsor of droits-simples: files the requests.
const EDITOR: &str = "editrice-organisation";
/// Works on droits-simples.
const TEAM: &str = "membre-produit";
/// Runs fabrique-demo: nothing to do with droits-simples.
const MANAGER: &str = "responsable-incubateur";
/// Edits another organisation.
const OTHER_EDITOR: &str = "editrice-autre";

struct People {
    tokens: Vec<(&'static str, String)>,
    expert_account: i64,
}

impl People {
    fn token(&self, key: &str) -> &str {
        &self.tokens.iter().find(|(k, _)| *k == key).unwrap().1
    }
}

async fn people(app: &TestApp) -> People {
    app.db
        .store
        .ensure_demo_account(
            &DemoAccount {
                key: OTHER_EDITOR,
                identity: ProviderIdentity {
                    sub: String::new(),
                    email: "autre@emploi.gouv.fr".into(),
                    given_name: "Paul".into(),
                    usual_name: "Autre".into(),
                    siret: None,
                    uid: None,
                },
                member: None,
                grants: vec![
                    RoleGrant::new(
                        Role::OrganisationEditor,
                        Some(Slug::parse("agence-emploi").unwrap()),
                    )
                    .unwrap(),
                ],
            },
            &Actor::system("test"),
        )
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for key in [ADMIN, EXPERT, EDITOR, TEAM, MANAGER, OTHER_EDITOR] {
        tokens.push((key, app.token_for(key, &Scope::ALL).await));
    }
    let expert_account = app.db.store.demo_account(EXPERT).await.unwrap().id;
    People {
        tokens,
        expert_account,
    }
}

/// Files the editor's request for droits-simples; returns its number.
async fn file(app: &TestApp, people: &People) -> i64 {
    let (status, created) = app
        .call(
            Method::POST,
            "/api/v1/support-requests",
            Some(people.token(EDITOR)),
            Some(&json!({
                "kind": "accessibility_audit", "urgency": "high", "title": "Audit RGAA",
                "description": "Audit complet avant l'ouverture.", "product": "droits-simples"
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["organisation"], "dir-solidarites",
        "the product's sponsor"
    );
    assert_eq!(created["status"], "submitted");
    created["id"].as_i64().unwrap()
}

fn step_body(step: &str, people: &People) -> Value {
    match step {
        "accept" => json!({"step": "accept"}),
        "decline" => json!({"step": "decline", "reason": "Hors du périmètre de l'équipe."}),
        "redirect" => json!({"step": "redirect", "to": "ANSSI", "reason": "Question de sécurité."}),
        "assign" => json!({"step": "assign", "expert": people.expert_account}),
        "record_time" => json!({"step": "record_time", "minutes": 45, "note": "Revue"}),
        "close" => json!({"step": "close", "outcome": "resolved", "summary": "Rapport remis."}),
        other => panic!("no step {other}"),
    }
}

/// The steps leading from a new request to each status, and the status each step leads to.
const PATHS: [(&str, &[&str]); 6] = [
    ("submitted", &[]),
    ("accepted", &["accept"]),
    ("in_progress", &["accept", "assign"]),
    ("declined", &["decline"]),
    ("redirected", &["redirect"]),
    ("closed", &["accept", "assign", "close"]),
];

/// The status a step leads to from `status`, when allowed.
fn next(step: &str, status: &str) -> Option<&'static str> {
    match (step, status) {
        ("accept", "submitted") => Some("accepted"),
        ("decline", "submitted" | "accepted") => Some("declined"),
        ("redirect", "submitted" | "accepted") => Some("redirected"),
        ("assign", "accepted" | "in_progress") | ("record_time", "in_progress") => {
            Some("in_progress")
        }
        ("close", "in_progress") => Some("closed"),
        _ => None,
    }
}

async fn request_in(app: &TestApp, people: &People, status: &str) -> i64 {
    let id = file(app, people).await;
    let steps = PATHS.iter().find(|(s, _)| *s == status).unwrap().1;
    for step in steps {
        let (code, body) = app
            .call(
                Method::POST,
                &format!("/api/v1/support-requests/{id}/steps"),
                Some(people.token(ADMIN)),
                Some(&step_body(step, people)),
            )
            .await;
        assert_eq!(code, 200, "{step}: {body}");
    }
    let (_, shown) = app
        .call(
            Method::GET,
            &format!("/api/v1/support-requests/{id}"),
            Some(people.token(ADMIN)),
            None,
        )
        .await;
    assert_eq!(shown["status"], status);
    id
}

async fn every_step_from_every_status_by_every_role(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let people = people(&app).await;
    let roles: [Option<&str>; 7] = [
        None,
        Some(ADMIN),
        Some(EXPERT),
        Some(EDITOR),
        Some(TEAM),
        Some(MANAGER),
        Some(OTHER_EDITOR),
    ];
    let steps = [
        "accept",
        "decline",
        "redirect",
        "assign",
        "record_time",
        "close",
    ];
    let mut failures = Vec::new();
    let mut tried = 0;
    for (status, _) in PATHS {
        for role in roles {
            let steering = matches!(role, Some(ADMIN | EXPERT));
            let side = matches!(role, Some(EDITOR | TEAM));
            let token = role.map(|key| people.token(key));
            for step in steps {
                let id = request_in(&app, &people, status).await;
                let (code, body) = app
                    .call(
                        Method::POST,
                        &format!("/api/v1/support-requests/{id}/steps"),
                        token,
                        Some(&step_body(step, &people)),
                    )
                    .await;
                let allowed = next(step, status);
                let want = match role {
                    None => 401,
                    Some(_) if !steering => 403,
                    Some(_) if allowed.is_some() => 200,
                    Some(_) => 409,
                };
                tried += 1;
                if code != want {
                    failures.push(format!(
                        "{step} from {status} as {role:?}: expected {want}, got {code} {body}"
                    ));
                    continue;
                }
                if code == 409 {
                    assert!(
                        body["error"]["message"]
                            .as_str()
                            .unwrap()
                            .starts_with("impossible "),
                        "{body}"
                    );
                }
                let (_, after) = app
                    .call(
                        Method::GET,
                        &format!("/api/v1/support-requests/{id}"),
                        Some(people.token(ADMIN)),
                        None,
                    )
                    .await;
                let expected_status = if code == 200 {
                    allowed.unwrap()
                } else {
                    status
                };
                if after["status"] != expected_status {
                    failures.push(format!(
                        "{step} from {status} as {role:?}: status {} instead of {expected_status}",
                        after["status"]
                    ));
                }
            }
            // Messages: open in every status to both sides, to nobody else.
            let id = request_in(&app, &people, status).await;
            let path = format!("/api/v1/support-requests/{id}");
            let (code, _) = app
                .call(
                    Method::POST,
                    &format!("{path}/messages"),
                    token,
                    Some(&json!({"body": "Bonjour, où en est-on ?"})),
                )
                .await;
            let want = match role {
                None => 401,
                Some(_) if steering || side => 201,
                Some(_) => 404,
            };
            tried += 1;
            if code != want {
                failures.push(format!(
                    "message in {status} as {role:?}: expected {want}, got {code}"
                ));
            }
            // Reading: the same sides see it; to the others it does not exist.
            let (code, shown) = app.call(Method::GET, &path, token, None).await;
            let want = match role {
                None => 401,
                Some(_) if steering || side => 200,
                Some(_) => 404,
            };
            tried += 1;
            if code != want {
                failures.push(format!(
                    "reading in {status} as {role:?}: expected {want}, got {code}"
                ));
            }
            if code == 200 {
                let kinds: Vec<&str> = shown["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["kind"].as_str().unwrap())
                    .collect();
                assert_eq!(kinds.first(), Some(&"submitted"));
                assert_eq!(kinds.last(), Some(&"message"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {tried} attempts went wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(tried, PATHS.len() * roles.len() * (steps.len() + 2));

    // Lists: the outsiders see none of these requests, the sides see them all.
    let (_, all) = app
        .call(
            Method::GET,
            "/api/v1/support-requests?page_size=1000",
            Some(people.token(ADMIN)),
            None,
        )
        .await;
    let total = all["total"].as_u64().unwrap();
    assert!(total > 0);
    for (key, want) in [
        (EXPERT, total),
        (EDITOR, total),
        (TEAM, total),
        (MANAGER, 0),
        (OTHER_EDITOR, 0),
    ] {
        let (code, listed) = app
            .call(
                Method::GET,
                "/api/v1/support-requests",
                Some(people.token(key)),
                None,
            )
            .await;
        assert_eq!(code, 200);
        assert_eq!(listed["total"].as_u64().unwrap(), want, "{key}");
    }
    let (code, _) = app
        .call(Method::GET, "/api/v1/support-requests", None, None)
        .await;
    assert_eq!(code, 401);
    let (_, closed) = app
        .call(
            Method::GET,
            "/api/v1/support-requests?status=closed",
            Some(people.token(EDITOR)),
            None,
        )
        .await;
    assert!(
        closed["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "closed")
    );
    app.stop().await;
}
on_both_backends!(support_workflow, every_step_from_every_status_by_every_role);

async fn notifications(app: &TestApp, people: &People, key: &str) -> Vec<String> {
    let (code, body) = app
        .call(
            Method::GET,
            "/api/v1/me/notifications",
            Some(people.token(key)),
            None,
        )
        .await;
    assert_eq!(code, 200);
    body.as_array()
        .unwrap()
        .iter()
        .map(|n| n["subject"].as_str().unwrap().to_owned())
        .collect()
}

async fn each_side_is_told_and_the_dashboard_adds_up(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let people = people(&app).await;
    let id = file(&app, &people).await;
    let step = |body: Value, key: &'static str| {
        let app = &app;
        let people = &people;
        async move {
            let (code, event) = app
                .call(
                    Method::POST,
                    &format!("/api/v1/support-requests/{id}/steps"),
                    Some(people.token(key)),
                    Some(&body),
                )
                .await;
            assert_eq!(code, 200, "{event}");
            event
        }
    };
    let message = |body: &'static str, key: &'static str| {
        let app = &app;
        let people = &people;
        async move {
            let (code, event) = app
                .call(
                    Method::POST,
                    &format!("/api/v1/support-requests/{id}/messages"),
                    Some(people.token(key)),
                    Some(&json!({ "body": body })),
                )
                .await;
            assert_eq!(code, 201, "{event}");
            event
        }
    };
    // Filing reaches the whole steering team.
    for key in [ADMIN, EXPERT] {
        let told = notifications(&app, &people, key).await;
        assert_eq!(
            told,
            [format!(
                "Demande d’accompagnement n° {id} « Audit RGAA » : demande soumise"
            )],
            "{key}"
        );
    }
    assert!(notifications(&app, &people, EDITOR).await.is_empty());
    step(json!({"step": "accept", "comment": "Nous prenons."}), ADMIN).await;
    assert!(notifications(&app, &people, EDITOR).await[0].ends_with(": demande acceptée"));
    // Before anyone is assigned, the product team's message goes to the steering team.
    message("Le site ouvre le 1er septembre.", TEAM).await;
    assert!(notifications(&app, &people, EXPERT).await[0].contains("nouveau message"));
    let assigned = step(
        json!({"step": "assign", "expert": people.expert_account}),
        ADMIN,
    )
    .await;
    assert_eq!(assigned["expert"]["name"], "Nora Benali");
    assert!(notifications(&app, &people, EXPERT).await[0].ends_with(": confiée à Nora Benali"));
    assert!(notifications(&app, &people, EDITOR).await[0].ends_with(": confiée à Nora Benali"));
    let before = notifications(&app, &people, ADMIN).await.len();
    message("Je commence lundi.", EXPERT).await;
    assert!(
        notifications(&app, &people, EDITOR).await[0].contains("nouveau message de Nora Benali")
    );
    assert_eq!(
        notifications(&app, &people, ADMIN).await.len(),
        before,
        "the expert's answer goes to the requester only"
    );
    // The requester's side now writes to the expert alone.
    message("Merci !", EDITOR).await;
    assert!(
        notifications(&app, &people, EXPERT).await[0].contains("nouveau message de Élise Fontaine")
    );
    assert_eq!(notifications(&app, &people, ADMIN).await.len(), before);
    for minutes in [90, 150] {
        step(json!({"step": "record_time", "minutes": minutes}), EXPERT).await;
    }
    let refused = app
        .call(
            Method::POST,
            &format!("/api/v1/support-requests/{id}/steps"),
            Some(people.token(EXPERT)),
            Some(&json!({"step": "record_time", "minutes": 721})),
        )
        .await;
    assert_eq!(refused.0, 422);
    assert!(
        refused.1["error"]["fields"]["minutes"].is_string(),
        "{}",
        refused.1
    );
    step(
        json!({"step": "close", "outcome": "partly_resolved", "summary": "Audit fait, déclaration à publier."}),
        EXPERT,
    )
    .await;
    assert!(notifications(&app, &people, EDITOR).await[0].ends_with(": demande close"));

    // Every write is in the audit log.
    let (code, log) = app
        .call(
            Method::GET,
            &format!("/api/v1/audit/support_request/{id}"),
            Some(people.token(ADMIN)),
            None,
        )
        .await;
    assert_eq!(code, 200, "{log}");
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Filed, accepted, assigned, twice time, closed.
    assert_eq!(
        actions,
        ["create", "update", "update", "update", "update", "update"]
    );
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!(last["before"]["status"], "in_progress");
    assert_eq!(last["after"]["status"], "closed");
    assert_eq!(last["after"]["minutes_spent"], 240);
    let (_, shown) = app
        .call(
            Method::GET,
            &format!("/api/v1/support-requests/{id}"),
            Some(people.token(EDITOR)),
            None,
        )
        .await;
    let messages: Vec<&Value> = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "message")
        .collect();
    assert_eq!(messages.len(), 3);
    let (code, message_log) = app
        .call(
            Method::GET,
            &format!("/api/v1/audit/support_message/{}", messages[0]["id"]),
            Some(people.token(ADMIN)),
            None,
        )
        .await;
    assert_eq!(code, 200);
    assert_eq!(
        message_log[0]["after"]["text"],
        "Le site ouvre le 1er septembre."
    );

    // A second request, by another organisation's editor, declined after 0 hours.
    let (code, other) = app.call(Method::POST,
        "/api/v1/support-requests",
        Some(people.token(OTHER_EDITOR)),
        Some(&json!({
            "kind": "legal", "title": "Marché public", "description": "Clause de réversibilité.",
            "organisation": "agence-emploi"
        })),
    )
    .await;
    assert_eq!(code, 201, "{other}");
    // The first requester's side sees nothing of it.
    let (code, _) = app
        .call(
            Method::GET,
            &format!("/api/v1/support-requests/{}", other["id"]),
            Some(people.token(EDITOR)),
            None,
        )
        .await;
    assert_eq!(code, 404);

    // The dashboard, for the steering team only.
    let (code, _) = app
        .call(
            Method::GET,
            "/api/v1/support/dashboard",
            Some(people.token(EDITOR)),
            None,
        )
        .await;
    assert_eq!(code, 403);
    let (code, dashboard) = app
        .call(
            Method::GET,
            "/api/v1/support/dashboard",
            Some(people.token(EXPERT)),
            None,
        )
        .await;
    assert_eq!(code, 200, "{dashboard}");
    assert_eq!(dashboard["total"], 2);
    assert_eq!(dashboard["open"], 1);
    assert_eq!(dashboard["awaiting_triage"], 1);
    let kind = |key: &str| {
        dashboard["by_kind"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(kind("accessibility_audit")["total"], 1);
    assert_eq!(kind("legal")["open"], 1);
    assert_eq!(kind("design")["total"], 0);
    let ministries: Vec<(&str, u64)> = dashboard["by_ministry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["key"].as_str().unwrap(), d["total"].as_u64().unwrap()))
        .collect();
    assert_eq!(ministries.len(), 2, "{ministries:?}");
    assert!(dashboard["median_hours_to_triage"].as_f64().unwrap() < 1.0);
    assert!(dashboard["median_days_to_close"].as_f64().unwrap() < 1.0);
    assert_eq!(dashboard["by_expert"][0]["expert"]["name"], "Nora Benali");
    assert_eq!(dashboard["by_expert"][0]["minutes"], 240);
    assert_eq!(dashboard["by_expert"][0]["closed"], 1);
    app.stop().await;
}
on_both_backends!(
    support_notifications,
    each_side_is_told_and_the_dashboard_adds_up
);

#[tokio::test]
async fn bad_requests_name_their_field() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let people = people(&app).await;
    let editor = Some(people.token(EDITOR));
    let post = |body: Value| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v1/support-requests",
                editor,
                Some(&body),
            )
            .await
        }
    };
    let (code, body) = post(json!({"kind": "legal", "title": " ", "description": ""})).await;
    assert_eq!(code, 422);
    let fields = body["error"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("title") && fields.contains_key("description"));
    assert!(fields.contains_key("organisation"), "{body}");
    let (code, body) = post(
        json!({"kind": "astrologie", "title": "t", "description": "d",
        "organisation": "dir-solidarites"}),
    )
    .await;
    assert_eq!(code, 422);
    assert!(body["error"]["fields"]["kind"].is_string(), "{body}");
    // A product's request names one of its sponsors, or none.
    let (code, body) = post(json!({"kind": "legal", "title": "t", "description": "d",
        "product": "droits-simples", "organisation": "agence-emploi"}))
    .await;
    assert_eq!(code, 422);
    assert!(
        body["error"]["fields"]["organisation"]
            .as_str()
            .unwrap()
            .contains("droits-simples")
    );
    // Nobody files for an organisation they do not edit.
    let (code, _) = post(json!({"kind": "legal", "title": "t", "description": "d",
        "organisation": "agence-emploi"}))
    .await;
    assert_eq!(code, 403);
    let (code, _) = app.call(Method::POST,
        "/api/v1/support-requests",
        Some(people.token(MANAGER)),
        Some(&json!({"kind": "legal", "title": "t", "description": "d", "product": "droits-simples"})),
    )
    .await;
    assert_eq!(code, 403);
    // Assigning someone outside the steering team names the field.
    let id = request_in(&app, &people, "accepted").await;
    let editor_account = app.db.store.demo_account(EDITOR).await.unwrap().id;
    let (code, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/support-requests/{id}/steps"),
            Some(people.token(ADMIN)),
            Some(&json!({"step": "assign", "expert": editor_account})),
        )
        .await;
    assert_eq!(code, 422);
    assert!(
        body["error"]["fields"]["expert"]
            .as_str()
            .unwrap()
            .contains("équipe de pilotage")
    );
    // Unknown numbers and empty messages.
    let (code, _) = app
        .call(
            Method::GET,
            "/api/v1/support-requests/99999",
            Some(people.token(ADMIN)),
            None,
        )
        .await;
    assert_eq!(code, 404);
    let (code, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/support-requests/{id}/messages"),
            Some(people.token(EDITOR)),
            Some(&json!({"body": "  "})),
        )
        .await;
    assert_eq!(code, 422);
    assert!(body["error"]["fields"]["body"].is_string());
    // A read-only token reads but does not write.
    let reader = app.token_for(EDITOR, &[Scope::Read]).await;
    let (code, _) = app
        .call(
            Method::GET,
            &format!("/api/v1/support-requests/{id}"),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(code, 200);
    let (code, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/support-requests/{id}/messages"),
            Some(&reader),
            Some(&json!({"body": "Bonjour"})),
        )
        .await;
    assert_eq!(code, 403);
    app.stop().await;
}

/// The page at `path` as `client` reads it.
async fn page_text(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A browser-like client signed in as a demo account, with its CSRF token.
async fn signed_in(app: &TestApp, key: &str) -> (reqwest::Client, String) {
    let (cookie, csrf) = app.session_for(key).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::COOKIE,
        reqwest::header::HeaderValue::from_str(&cookie).unwrap(),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    (client, csrf)
}

#[tokio::test]
async fn pages_ask_triage_and_answer() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let people = people(&app).await;
    let (editor, editor_csrf) = signed_in(&app, EDITOR).await;
    let form = page_text(&editor, &app, "/accompagnement/nouvelle").await;
    assert!(form.contains("Direction des solidarités (démo)"));
    assert!(!form.contains("Agence"), "only the organisations one edits");
    // A missing title comes back on its field, the rest kept.
    let refused = editor
        .post(app.url("/accompagnement/nouvelle"))
        .form(&[
            ("csrf", editor_csrf.as_str()),
            ("kind", "eco_design"),
            ("urgency", "low"),
            ("title", ""),
            ("description", "Réduire le poids des pages."),
            ("organisation", "dir-solidarites"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("titre : ce champ est obligatoire"));
    assert!(page.contains("Réduire le poids des pages."));
    let created = editor
        .post(app.url("/accompagnement/nouvelle"))
        .form(&[
            ("csrf", editor_csrf.as_str()),
            ("kind", "eco_design"),
            ("urgency", "low"),
            ("title", "Alléger nos pages"),
            ("description", "Réduire le poids des pages."),
            ("organisation", "dir-solidarites"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::OK);
    let address = created.url().path().to_owned();
    assert!(address.starts_with("/accompagnement/"), "{address}");
    let page = created.text().await.unwrap();
    assert!(page.contains("Alléger nos pages") && page.contains("Écrire un message"));
    assert!(
        !page.contains("Accepter la demande"),
        "the requester does not triage"
    );

    // Another organisation's editor finds nothing there, nor in the list.
    let (other, _) = signed_in(&app, OTHER_EDITOR).await;
    let hidden = other.get(app.url(&address)).send().await.unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let list = page_text(&other, &app, "/accompagnement").await;
    assert!(list.contains("Aucune demande") && !list.contains("Alléger nos pages"));

    // The steering team declines without a reason, is told, then redirects.
    let (admin, admin_csrf) = signed_in(&app, ADMIN).await;
    let page = page_text(&admin, &app, &address).await;
    assert!(page.contains("Accepter la demande") && page.contains("Réorienter la demande"));
    let steps = format!("{address}/etapes");
    let refused = admin
        .post(app.url(&steps))
        .form(&[
            ("csrf", admin_csrf.as_str()),
            ("step", "decline"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("motif : ce champ est obligatoire")
    );
    let redirected = admin
        .post(app.url(&steps))
        .form(&[
            ("csrf", admin_csrf.as_str()),
            ("step", "redirect"),
            ("to", "Mission écoconception de la DINUM"),
            ("redirect_reason", "Elle suit déjà ce sujet."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(redirected.status(), StatusCode::OK);
    let page = redirected.text().await.unwrap();
    assert!(page.contains("Réorientée"));
    assert!(page.contains("Mission écoconception de la DINUM — Elle suit déjà ce sujet."));
    assert!(!page.contains("Accepter la demande"), "no step left");
    // A step the status forbids reads as such on the page.
    let late = admin
        .post(app.url(&steps))
        .form(&[("csrf", admin_csrf.as_str()), ("step", "accept")])
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        late.text()
            .await
            .unwrap()
            .contains("impossible d’accepter une demande « Réorientée »")
    );
    // The requester answers by message and is told on their account page.
    let answered = editor
        .post(app.url(&format!("{address}/messages")))
        .form(&[
            ("csrf", editor_csrf.as_str()),
            ("body", "Merci, nous les contactons."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::OK);
    assert!(
        answered
            .text()
            .await
            .unwrap()
            .contains("Merci, nous les contactons.")
    );
    let account = page_text(&editor, &app, "/compte").await;
    assert!(account.contains("Alléger nos pages » : demande réorientée"));
    // The dashboard page is the steering team's.
    let dashboard = admin
        .get(app.url("/accompagnement/tableau-de-bord"))
        .send()
        .await
        .unwrap();
    assert_eq!(dashboard.status(), StatusCode::OK);
    let dashboard = dashboard.text().await.unwrap();
    assert!(dashboard.contains("Écoconception") && dashboard.contains("Demande par ministère"));
    let refused = editor
        .get(app.url("/accompagnement/tableau-de-bord"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    drop(people);
    app.stop().await;
}

#[tokio::test]
async fn an_erased_member_leaves_no_name_in_requests() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let people = people(&app).await;
    // Sarah Durand (the demo product member) asks for her product, and writes.
    let (status, created) = app
        .call(
            Method::POST,
            "/api/v1/support-requests",
            Some(people.token(TEAM)),
            Some(
                &json!({"kind": "data", "title": "Données", "description": "Accès à une API.",
                         "product": "droits-simples"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["requester"]["name"], "Sarah Durand");
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/support-requests/{id}");
    app.call(
        Method::POST,
        &format!("{path}/messages"),
        Some(people.token(TEAM)),
        Some(&json!({"body": "Précision"})),
    )
    .await;
    app.db
        .store
        .erase_person(&Slug::parse("sarah.durand").unwrap(), &Actor::cli("dpo"))
        .await
        .unwrap();
    let (_, shown) = app
        .call(Method::GET, &path, Some(people.token(ADMIN)), None)
        .await;
    assert_eq!(shown["requester"]["name"], "compte supprimé");
    let names: Vec<&str> = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["compte supprimé", "compte supprimé"]);
    app.stop().await;
}
