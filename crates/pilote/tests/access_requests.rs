//! Access requests to restricted data (DESIGN §5): every event from every state by every
//! kind of person, the authorisations approvals grant, the guards, who sees what, the
//! trail and the audit log, reminders and archiving.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{Agent, TestApp, TestDb};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::data::{Api, DataSource, Dataset, Producer};
use pilote_domain::identity::{Role, Scope};
use pilote_store::DataImport;
use reqwest::Method;
use serde_json::{Value, json};

/// The applicant's organisation (DINUM's SIRET) and another one.
const SIRET: &str = "13002526500013";
const OTHER_SIRET: &str = "12002701600563";

/// Starts the requests.
const APPLICANT: &str = "demandeuse";
/// Works in the same organisation.
const COLLEAGUE: &str = "collegue";
/// Works in another organisation.
const OUTSIDER: &str = "demandeur-autre";
/// Instructs the producer `insee`'s requests.
const INSTRUCTOR: &str = "instructrice-insee";
/// Manages the producer `insee`.
const MANAGER: &str = "responsable-insee";
/// Reads the producer `insee`'s requests.
const REPORTER: &str = "rapporteur-insee";
/// Instructs another producer's requests.
const OTHER_INSTRUCTOR: &str = "instructeur-dgfip";
/// The steering team: no part in access requests.
const ADMIN: &str = "admin-donnees";
/// An account without SIRET.
const NO_SIRET: &str = "sans-siret";

const PEOPLE: [Agent; 9] = [
    (APPLICANT, Some(SIRET), None),
    (COLLEAGUE, Some(SIRET), None),
    (OUTSIDER, Some(OTHER_SIRET), None),
    (INSTRUCTOR, None, Some((Role::DataInstructor, "insee"))),
    (MANAGER, None, Some((Role::DataManager, "insee"))),
    (REPORTER, None, Some((Role::DataReporter, "insee"))),
    (
        OTHER_INSTRUCTOR,
        None,
        Some((Role::DataInstructor, "dgfip")),
    ),
    (ADMIN, None, Some((Role::Administrator, ""))),
    (NO_SIRET, None, None),
];

struct People {
    tokens: Vec<(&'static str, String)>,
}

impl People {
    fn token(&self, key: &str) -> &str {
        &self.tokens.iter().find(|(k, _)| *k == key).unwrap().1
    }
}

fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// Two producers, a restricted and an open dataset of `insee`, a restricted API of
/// `dgfip`, and the people.
async fn setup(db: &TestDb) -> People {
    let actor = Actor::system("test");
    db.store
        .apply_data_import(
            &DataImport {
                source: DataSource::Manual,
                producers: vec![
                    from_json::<Producer>(json!({"slug": "insee", "name": "INSEE"})),
                    from_json::<Producer>(json!({"slug": "dgfip", "name": "DGFiP"})),
                ],
                datasets: vec![
                    from_json::<Dataset>(json!({
                        "slug": "sirene-diffusion-restreinte", "title": "Sirene, diffusion restreinte",
                        "producer": "insee", "access": "restricted", "audiences": ["administrations"]
                    })),
                    from_json::<Dataset>(json!({
                        "slug": "sirene-ouvert", "title": "Sirene ouvert", "producer": "insee"
                    })),
                ],
                apis: vec![from_json::<Api>(json!({
                    "slug": "api-impot-particulier", "title": "API Impôt particulier",
                    "producer": "dgfip", "access": "restricted"
                }))],
            },
            false,
            &actor,
        )
        .await
        .unwrap();
    db.add_agents(&PEOPLE).await;
    let mut tokens = Vec::new();
    for (key, _, _) in PEOPLE {
        tokens.push((key, db.token_for(key, &Scope::ALL).await));
    }
    People { tokens }
}

fn complete_form() -> Value {
    json!({
        "dataset": "sirene-diffusion-restreinte",
        "title": "Contrôle des aides aux entreprises",
        "purpose": "Vérifier l'existence des entreprises qui demandent une aide.",
        "legal_basis": "Article L. 100-3 du code des relations entre le public et l'administration",
        "legal_basis_url": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367319",
        "data_requested": "Raison sociale, adresse, état administratif",
        "retention_months": 24,
        "dpo_email": "dpo@exemple.gouv.fr",
        "technical_contact_email": "technique@exemple.gouv.fr"
    })
}

async fn start(app: &TestApp, people: &People) -> i64 {
    let (status, created) = app
        .call(
            Method::POST,
            "/api/v1/access-requests",
            Some(people.token(APPLICANT)),
            Some(&complete_form()),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["state"], "draft");
    assert_eq!(created["provider"], "insee");
    assert_eq!(created["siret"], SIRET);
    created["id"].as_i64().unwrap()
}

async fn event(app: &TestApp, token: Option<&str>, id: i64, event: &str) -> (u16, Value) {
    app.call(
        Method::POST,
        &format!("/api/v1/access-requests/{id}/events"),
        token,
        Some(&json!({"event": event, "message": "Motif de l'événement."})),
    )
    .await
}

/// The events leading from a new draft to each state; `reopened` is a draft that was
/// validated once, which its producer sees.
/// A way to a state: its name, the state reached, and who takes which event on the way.
type Way = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const PATHS: [Way; 8] = [
    ("draft", "draft", &[]),
    ("submitted", "submitted", &[(APPLICANT, "submit")]),
    (
        "changes_requested",
        "changes_requested",
        &[(APPLICANT, "submit"), (INSTRUCTOR, "request_changes")],
    ),
    (
        "validated",
        "validated",
        &[(APPLICANT, "submit"), (INSTRUCTOR, "approve")],
    ),
    (
        "refused",
        "refused",
        &[(APPLICANT, "submit"), (INSTRUCTOR, "refuse")],
    ),
    (
        "revoked",
        "revoked",
        &[
            (APPLICANT, "submit"),
            (INSTRUCTOR, "approve"),
            (MANAGER, "revoke"),
        ],
    ),
    (
        "archived",
        "archived",
        &[
            (APPLICANT, "submit"),
            (INSTRUCTOR, "refuse"),
            (APPLICANT, "archive"),
        ],
    ),
    (
        "reopened",
        "draft",
        &[
            (APPLICANT, "submit"),
            (INSTRUCTOR, "approve"),
            (APPLICANT, "reopen"),
        ],
    ),
];

async fn request_in(app: &TestApp, people: &People, path: &str) -> i64 {
    let id = start(app, people).await;
    let (_, state, steps) = PATHS.iter().find(|(name, _, _)| *name == path).unwrap();
    for (who, name) in *steps {
        let (code, body) = event(app, Some(people.token(who)), id, name).await;
        assert_eq!(code, 200, "{name} by {who}: {body}");
    }
    assert_eq!(state_of(app, people, id).await, *state);
    id
}

async fn state_of(app: &TestApp, people: &People, id: i64) -> String {
    let (code, shown) = app
        .call(
            Method::GET,
            &format!("/api/v1/access-requests/{id}"),
            Some(people.token(APPLICANT)),
            None,
        )
        .await;
    assert_eq!(code, 200, "{shown}");
    shown["state"].as_str().unwrap().to_owned()
}

/// DESIGN §5's arrows.
fn next(event: &str, state: &str) -> Option<&'static str> {
    match (event, state) {
        ("submit", "draft" | "changes_requested") => Some("submitted"),
        ("request_changes", "submitted") => Some("changes_requested"),
        ("approve", "submitted" | "changes_requested") => Some("validated"),
        ("refuse", "submitted" | "changes_requested") => Some("refused"),
        ("revoke", "validated") => Some("revoked"),
        ("archive", "draft" | "refused" | "revoked") => Some("archived"),
        ("reopen", "validated") => Some("draft"),
        _ => None,
    }
}

const EVENTS: [&str; 7] = [
    "submit",
    "request_changes",
    "approve",
    "refuse",
    "revoke",
    "archive",
    "reopen",
];

/// What `role` should get for `event` on a request reached by `path` (in `state`).
fn expected(role: Option<&str>, path: &str, state: &str, event: &str) -> u16 {
    let applicant_side = matches!(role, Some(APPLICANT | COLLEAGUE));
    let instructor_side = matches!(role, Some(INSTRUCTOR | MANAGER));
    // A draft never submitted is the applicant's organisation's alone.
    let producer_sees = path != "draft";
    let reads = applicant_side || ((instructor_side || role == Some(REPORTER)) && producer_sees);
    let Some(_) = role else { return 401 };
    if !reads {
        return 404;
    }
    if next(event, state).is_none() {
        return 409;
    }
    let applicants_event =
        matches!(event, "submit" | "reopen") || (event == "archive" && state == "draft");
    let instructors_event = matches!(event, "request_changes" | "approve" | "refuse" | "revoke")
        || (event == "archive" && state != "draft");
    let allowed = (applicant_side && (applicants_event || event == "archive"))
        || (instructor_side && instructors_event);
    if allowed { 200 } else { 403 }
}

async fn every_event_from_every_state_by_everyone(db: TestDb) {
    let people = setup(&db).await;
    let app = TestApp::spawn_writable(db).await;
    let roles: [Option<&str>; 9] = [
        None,
        Some(APPLICANT),
        Some(COLLEAGUE),
        Some(OUTSIDER),
        Some(INSTRUCTOR),
        Some(MANAGER),
        Some(REPORTER),
        Some(OTHER_INSTRUCTOR),
        Some(ADMIN),
    ];
    let mut failures = Vec::new();
    let mut tried = 0;
    let mut allowed = 0;
    for (path, state, _) in PATHS {
        for name in EVENTS {
            // Refusals change nothing: one request serves them all, checked after each.
            let shared = request_in(&app, &people, path).await;
            for role in roles {
                let want = expected(role, path, state, name);
                let id = if want == 200 {
                    request_in(&app, &people, path).await
                } else {
                    shared
                };
                let (code, body) = event(&app, role.map(|k| people.token(k)), id, name).await;
                tried += 1;
                if code != want {
                    failures.push(format!(
                        "{name} from {path} by {role:?}: expected {want}, got {code} {body}"
                    ));
                    continue;
                }
                if code == 409 {
                    let message = body["error"]["message"].as_str().unwrap();
                    assert!(message.starts_with("impossible "), "{message}");
                }
                let after = state_of(&app, &people, id).await;
                let expected_state = if code == 200 {
                    allowed += 1;
                    assert_eq!(body["kind"], name, "{body}");
                    next(name, state).unwrap()
                } else {
                    state
                };
                if after != expected_state {
                    failures.push(format!(
                        "{name} from {path} by {role:?}: state {after} instead of {expected_state}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(tried, 8 * 7 * 9);
    // Each arrow by each person of the side that owns it (two on each side).
    assert!(allowed >= 24, "{allowed}");
}

on_both_backends!(
    access_state_machine,
    every_event_from_every_state_by_everyone
);

async fn authorisations(app: &TestApp, token: Option<&str>, query: &str) -> (u16, Value) {
    app.call(
        Method::GET,
        &format!("/api/v1/authorisations?{query}"),
        token,
        None,
    )
    .await
}

async fn approvals_grant_and_end_authorisations(db: TestDb) {
    let people = setup(&db).await;
    let app = TestApp::spawn_writable(db).await;
    let id = request_in(&app, &people, "validated").await;
    let query = "dataset=sirene-diffusion-restreinte";
    let (code, granted) = authorisations(&app, Some(people.token(REPORTER)), query).await;
    assert_eq!(code, 200, "{granted}");
    assert_eq!(granted.as_array().unwrap().len(), 1);
    assert_eq!(granted[0]["state"], "active");
    assert_eq!(granted[0]["siret"], SIRET);
    let first = granted[0]["id"].clone();

    // Reopened, the running authorisation stays until the new version is approved.
    let (code, _) = event(&app, Some(people.token(COLLEAGUE)), id, "reopen").await;
    assert_eq!(code, 200);
    let (_, shown) = app
        .call(
            Method::GET,
            &format!("/api/v1/access-requests/{id}"),
            Some(people.token(INSTRUCTOR)),
            None,
        )
        .await;
    assert_eq!(shown["state"], "draft");
    assert_eq!(shown["authorisations"][0]["state"], "active");
    let (code, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/access-requests/{id}"),
            Some(people.token(APPLICANT)),
            Some(&json!({
                "dataset": "sirene-diffusion-restreinte", "title": "Contrôle des aides, version 2",
                "purpose": "Vérifier aussi les établissements.", "legal_basis": "CRPA L. 100-3",
                "data_requested": "Raison sociale, adresse, établissements", "retention_months": 36,
                "dpo_email": "dpo@exemple.gouv.fr", "technical_contact_email": "technique@exemple.gouv.fr"
            })),
        )
        .await;
    assert_eq!(code, 200);
    for (who, name) in [(APPLICANT, "submit"), (MANAGER, "approve")] {
        let (code, body) = event(&app, Some(people.token(who)), id, name).await;
        assert_eq!(code, 200, "{body}");
    }
    let (_, after) = authorisations(&app, Some(people.token(INSTRUCTOR)), query).await;
    let states: Vec<(&Value, &str)> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (&a["id"], a["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states.len(), 2);
    assert!(states.contains(&(&first, "obsolete")), "{after}");
    assert_eq!(
        states.iter().filter(|(_, s)| *s == "active").count(),
        1,
        "{after}"
    );
    let (code, _) = event(&app, Some(people.token(INSTRUCTOR)), id, "revoke").await;
    assert_eq!(code, 200);
    let (_, revoked) = authorisations(&app, Some(people.token(MANAGER)), query).await;
    let states: Vec<&str> = revoked
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["revoked", "obsolete"]);

    // Who is authorised is the producer's to know, not the public's nor the applicant's.
    for (token, want) in [
        (None, 401),
        (Some(people.token(APPLICANT)), 403),
        (Some(people.token(OUTSIDER)), 403),
        (Some(people.token(OTHER_INSTRUCTOR)), 403),
        (Some(people.token(ADMIN)), 403),
    ] {
        let (code, body) = authorisations(&app, token, query).await;
        assert_eq!(code, want, "{body}");
    }
    let (code, body) = authorisations(&app, Some(people.token(INSTRUCTOR)), "").await;
    assert_eq!(code, 422, "{body}");
    let (code, _) = authorisations(&app, Some(people.token(INSTRUCTOR)), "dataset=inconnu").await;
    assert_eq!(code, 404);

    // The trail names every step with its actor, and the audit log holds the request.
    let (_, shown) = app
        .call(
            Method::GET,
            &format!("/api/v1/access-requests/{id}"),
            Some(people.token(APPLICANT)),
            None,
        )
        .await;
    let kinds: Vec<&str> = shown["trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created", "submit", "approve", "reopen", "updated", "submit", "approve", "revoke"
        ]
    );
    assert_eq!(
        shown["trail"][2]["actor"]["name"],
        "instructrice-insee Agent"
    );
    assert_eq!(shown["trail"][7]["text"], "Motif de l'événement.");
}

on_both_backends!(
    access_authorisations,
    approvals_grant_and_end_authorisations
);

async fn guards_and_bad_input(db: TestDb) {
    let people = setup(&db).await;
    let app = TestApp::spawn_writable(db).await;
    let post = |token: &'static str, body: Value| {
        let app = &app;
        let token = people.token(token).to_owned();
        async move {
            app.call(
                Method::POST,
                "/api/v1/access-requests",
                Some(&token),
                Some(&body),
            )
            .await
        }
    };
    let with = |changes: Value| {
        let mut form = complete_form();
        for (key, value) in changes.as_object().unwrap() {
            form[key] = value.clone();
        }
        form
    };
    for (body, field, message) in [
        (
            with(json!({"dataset": "sirene-ouvert"})),
            "dataset",
            "ces données sont en accès « ouvert » : elles ne se demandent pas",
        ),
        (
            with(json!({"dataset": "inconnu"})),
            "dataset",
            "jeu de données inconnu « inconnu »",
        ),
        (
            with(json!({"api": "api-impot-particulier"})),
            "api",
            "une demande porte sur un jeu de données ou sur une API, pas les deux",
        ),
        (
            with(json!({"dpo_email": "pas-une-adresse"})),
            "dpo_email",
            "adresse électronique invalide « pas-une-adresse »",
        ),
        (
            with(json!({"retention_months": 500})),
            "retention_months",
            "durée de conservation invalide (500 mois) : entre 1 et 120 mois",
        ),
    ] {
        let (code, answer) = post(APPLICANT, body).await;
        assert_eq!(code, 422, "{answer}");
        assert_eq!(answer["error"]["fields"][field], message, "{answer}");
    }
    let (code, answer) = post(NO_SIRET, complete_form()).await;
    assert_eq!(code, 422);
    assert!(answer["error"]["fields"]["siret"].is_string(), "{answer}");
    let (code, answer) = app
        .call(
            Method::POST,
            "/api/v1/access-requests",
            None,
            Some(&complete_form()),
        )
        .await;
    assert_eq!(code, 401, "{answer}");

    // An API is asked for from its own producer.
    let (code, api_request) = post(
        OUTSIDER,
        json!({"api": "api-impot-particulier", "title": "Calcul du quotient familial"}),
    )
    .await;
    assert_eq!(code, 201, "{api_request}");
    assert_eq!(api_request["provider"], "dgfip");
    assert_eq!(api_request["siret"], OTHER_SIRET);

    // A draft may be incomplete; submitting it names what is missing.
    let (code, draft) = post(APPLICANT, json!({"dataset": "sirene-diffusion-restreinte"})).await;
    assert_eq!(code, 201, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    let (code, refused) = event(&app, Some(people.token(APPLICANT)), id, "submit").await;
    assert_eq!(code, 422);
    let fields: Vec<&String> = refused["error"]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        fields,
        [
            "data_requested",
            "dpo_email",
            "legal_basis",
            "purpose",
            "retention_months",
            "technical_contact_email",
            "title"
        ]
    );
    assert_eq!(state_of(&app, &people, id).await, "draft");

    // The applicant's organisation writes it; nobody else does.
    let path = format!("/api/v1/access-requests/{id}");
    let (code, _) = app
        .call(
            Method::PUT,
            &path,
            Some(people.token(COLLEAGUE)),
            Some(&complete_form()),
        )
        .await;
    assert_eq!(code, 200);
    let (code, _) = app
        .call(
            Method::PUT,
            &path,
            Some(people.token(OUTSIDER)),
            Some(&complete_form()),
        )
        .await;
    assert_eq!(code, 404);
    let (code, _) = app
        .call(
            Method::PUT,
            &path,
            Some(people.token(APPLICANT)),
            Some(&with(
                json!({"dataset": null, "api": "api-impot-particulier"}),
            )),
        )
        .await;
    assert_eq!(code, 422, "another producer's API");
    let (code, _) = event(&app, Some(people.token(APPLICANT)), id, "submit").await;
    assert_eq!(code, 200);
    let (code, _) = app
        .call(
            Method::PUT,
            &path,
            Some(people.token(INSTRUCTOR)),
            Some(&complete_form()),
        )
        .await;
    assert_eq!(code, 403);
    let (code, answer) = app
        .call(
            Method::PUT,
            &path,
            Some(people.token(APPLICANT)),
            Some(&complete_form()),
        )
        .await;
    assert_eq!(code, 409, "submitted: no longer the applicant's to change");
    assert_eq!(
        answer["error"]["message"],
        "une demande « Soumise » ne se modifie plus"
    );

    // Refusing, asking for changes and revoking say why.
    let (code, answer) = app
        .call(
            Method::POST,
            &format!("{path}/events"),
            Some(people.token(INSTRUCTOR)),
            Some(&json!({"event": "refuse"})),
        )
        .await;
    assert_eq!(code, 422);
    assert_eq!(
        answer["error"]["fields"]["message"],
        "motif : ce champ est obligatoire"
    );
    let (code, _) = app
        .call(
            Method::POST,
            &format!("{path}/events"),
            Some(people.token(INSTRUCTOR)),
            Some(&json!({"event": "accorder"})),
        )
        .await;
    assert_eq!(code, 422);
    for bad in ["0", "abc", "99999"] {
        let (code, _) = app
            .call(
                Method::GET,
                &format!("/api/v1/access-requests/{bad}"),
                Some(people.token(APPLICANT)),
                None,
            )
            .await;
        assert!(matches!(code, 404 | 422), "{bad}: {code}");
    }
}

on_both_backends!(access_guards, guards_and_bad_input);

async fn listed(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let (code, page) = app
        .call(
            Method::GET,
            &format!("/api/v1/access-requests?page_size=1000{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(code, 200, "{page}");
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

async fn notifications(app: &TestApp, people: &People, key: &str) -> Vec<String> {
    let (code, body) = app
        .call(
            Method::GET,
            "/api/v1/me/notifications",
            Some(people.token(key)),
            None,
        )
        .await;
    assert_eq!(code, 200, "{body}");
    body["data"]
        .as_array()
        .or_else(|| body.as_array())
        .unwrap()
        .iter()
        .map(|n| n["subject"].as_str().unwrap().to_owned())
        .collect()
}

async fn who_sees_what_and_is_told(db: TestDb) {
    let people = setup(&db).await;
    let app = TestApp::spawn_writable(db).await;
    let draft = request_in(&app, &people, "draft").await;
    let submitted = request_in(&app, &people, "submitted").await;
    let (_, other) = app
        .call(
            Method::POST,
            "/api/v1/access-requests",
            Some(people.token(OUTSIDER)),
            Some(&json!({"api": "api-impot-particulier"})),
        )
        .await;
    let other = other["id"].as_i64().unwrap();

    assert_eq!(
        listed(&app, people.token(APPLICANT), "").await,
        [submitted, draft]
    );
    assert_eq!(
        listed(&app, people.token(COLLEAGUE), "").await,
        [submitted, draft]
    );
    assert_eq!(listed(&app, people.token(OUTSIDER), "").await, [other]);
    assert_eq!(
        listed(&app, people.token(INSTRUCTOR), "").await,
        [submitted]
    );
    assert_eq!(listed(&app, people.token(REPORTER), "").await, [submitted]);
    for key in [OTHER_INSTRUCTOR, ADMIN, NO_SIRET] {
        assert!(
            listed(&app, people.token(key), "").await.is_empty(),
            "{key}"
        );
    }
    assert_eq!(
        listed(&app, people.token(APPLICANT), "&state=draft").await,
        [draft]
    );
    assert!(
        listed(&app, people.token(APPLICANT), "&older_than_days=1")
            .await
            .is_empty()
    );
    assert_eq!(
        listed(
            &app,
            people.token(APPLICANT),
            "&provider=insee&older_than_days=0"
        )
        .await,
        [submitted, draft]
    );
    let (code, _) = app
        .call(
            Method::GET,
            "/api/v1/access-requests?state=perdue",
            Some(people.token(APPLICANT)),
            None,
        )
        .await;
    assert_eq!(code, 422);
    let (code, _) = app
        .call(Method::GET, "/api/v1/access-requests", None, None)
        .await;
    assert_eq!(code, 401);

    // Messages go to the other side; a reporter only reads.
    let path = format!("/api/v1/access-requests/{submitted}/messages");
    let message = |key: &'static str, text: &'static str| {
        let app = &app;
        let token = people.token(key).to_owned();
        let path = path.clone();
        async move {
            app.call(
                Method::POST,
                &path,
                Some(&token),
                Some(&json!({"body": text})),
            )
            .await
            .0
        }
    };
    assert_eq!(
        message(APPLICANT, "Le cadre juridique est joint.").await,
        200
    );
    assert_eq!(message(INSTRUCTOR, "Merci, nous regardons.").await, 200);
    assert_eq!(message(REPORTER, "Bonjour").await, 403);
    assert_eq!(message(OUTSIDER, "Bonjour").await, 404);
    assert_eq!(message(OTHER_INSTRUCTOR, "Bonjour").await, 404);
    assert_eq!(message(APPLICANT, "   ").await, 422);

    let subject = format!("Demande d’accès n° {submitted} « Contrôle des aides aux entreprises »");
    let told = notifications(&app, &people, INSTRUCTOR).await;
    assert!(
        told.contains(&format!("{subject} : demande soumise")),
        "{told:?}"
    );
    assert!(told.contains(&format!("{subject} : nouveau message de demandeuse Agent")));
    assert!(!told.iter().any(|s| s.contains("Merci")), "not one's own");
    let told = notifications(&app, &people, APPLICANT).await;
    assert!(told.contains(&format!(
        "{subject} : nouveau message de instructrice-insee Agent"
    )));
    assert!(
        !told.iter().any(|s| s.ends_with(": demande soumise")),
        "not one's own submission: {told:?}"
    );
    // A draft never submitted tells nobody at the producer.
    assert!(
        !notifications(&app, &people, INSTRUCTOR)
            .await
            .iter()
            .any(|s| s.contains(&format!("n° {draft} "))),
    );
    // The reporter is not an instructor: not told.
    assert!(notifications(&app, &people, REPORTER).await.is_empty());

    // Every change is in the audit log.
    let (code, history) = app
        .call(
            Method::GET,
            &format!("/api/v1/audit/access_request/{submitted}"),
            Some(people.token(ADMIN)),
            None,
        )
        .await;
    assert_eq!(code, 200, "{history}");
    let entries = history["data"]
        .as_array()
        .or_else(|| history.as_array())
        .unwrap();
    assert_eq!(entries.len(), 2, "created, submitted: {history}");
}

on_both_backends!(access_visibility, who_sees_what_and_is_told);

async fn waiting_requests_are_reminded_then_archived(db: TestDb) {
    let people = setup(&db).await;
    let store = db.store.clone();
    let app = TestApp::spawn_writable(db).await;
    let draft = request_in(&app, &people, "draft").await;
    let sent_back = request_in(&app, &people, "changes_requested").await;
    let submitted = request_in(&app, &people, "submitted").await;
    let actor = Actor::system("test");
    let now = chrono::Utc::now();
    let stamp = |days: i64| pilote_store::timestamp(now + chrono::Duration::days(days));
    // Nothing waits 30 days yet.
    let swept = store
        .sweep_access_requests(&stamp(-30), &stamp(-183), &actor, &stamp(0))
        .await
        .unwrap();
    assert_eq!((swept.reminded, swept.archived), (0, 0));
    // 31 days on: both requests waiting on the applicant are reminded, once.
    let swept = store
        .sweep_access_requests(&stamp(1), &stamp(-152), &actor, &stamp(31))
        .await
        .unwrap();
    assert_eq!((swept.reminded, swept.archived), (2, 0));
    let swept = store
        .sweep_access_requests(&stamp(2), &stamp(-151), &actor, &stamp(32))
        .await
        .unwrap();
    assert_eq!((swept.reminded, swept.archived), (0, 0), "once per wait");
    let told = notifications(&app, &people, APPLICANT).await;
    assert!(
        told.iter()
            .any(|s| s.contains(&format!("n° {sent_back} "))
                && s.ends_with("elle attend votre action")),
        "{told:?}"
    );
    // Six months on: the draft is archived; a request sent back for changes is not (DESIGN
    // §5 archives drafts, refused and revoked requests only).
    let swept = store
        .sweep_access_requests(&stamp(2), &stamp(1), &actor, &stamp(184))
        .await
        .unwrap();
    assert_eq!(swept.archived, 1);
    assert_eq!(state_of(&app, &people, draft).await, "archived");
    assert_eq!(
        state_of(&app, &people, sent_back).await,
        "changes_requested"
    );
    assert_eq!(state_of(&app, &people, submitted).await, "submitted");
    let (_, shown) = app
        .call(
            Method::GET,
            &format!("/api/v1/access-requests/{draft}"),
            Some(people.token(APPLICANT)),
            None,
        )
        .await;
    let last = shown["trail"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "archive");
    assert_eq!(last["actor"]["name"], "Pilote");
}

on_both_backends!(
    access_reminders,
    waiting_requests_are_reminded_then_archived
);

async fn the_pages_carry_a_request_from_draft_to_authorisation(db: TestDb) {
    use common::{Browser, csrf_of};
    setup(&db).await;
    let app = TestApp::spawn_writable(db).await;
    let applicant = Browser::signed_in(&app, APPLICANT).await;
    let new = "/donnees/demandes/nouvelle?jeu=sirene-diffusion-restreinte";
    let (status, form) = applicant.get(new).await;
    assert_eq!(status, 200);
    assert!(
        form.contains("pour l’organisation de SIRET 13002526500013"),
        "{form}"
    );

    // A draft may start with its title alone; a bad duration is named on its field.
    let (status, _, page) = applicant
        .submit(
            new,
            &[
                ("dataset", "sirene-diffusion-restreinte"),
                ("title", "Contrôle"),
                ("retention_months", "deux ans"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("« deux ans » n’est pas un nombre entier de mois"),
        "{page}"
    );
    let (status, location, _) = applicant
        .submit(
            new,
            &[
                ("dataset", "sirene-diffusion-restreinte"),
                ("title", "Contrôle"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let address = location.unwrap();
    let (_, shown) = applicant.get(&address).await;
    assert!(
        shown.contains("Brouillon") && shown.contains("à compléter"),
        "{shown}"
    );

    // Submitting it incomplete lists what is missing, on the page.
    let events = format!("{address}/evenements");
    let (status, _, page) = applicant
        .post(&events, &[("event", "submit")], Some(&csrf_of(&shown)))
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Le formulaire contient 6 erreurs"), "{page}");
    assert!(page.contains("finalité : ce champ est obligatoire"));

    let (status, location, page) = applicant
        .submit(
            &format!("{address}/modifier"),
            &[
                ("dataset", "sirene-diffusion-restreinte"),
                ("title", "Contrôle des aides"),
                ("purpose", "Vérifier les entreprises aidées."),
                ("legal_basis", "CRPA, article L. 100-3"),
                ("data_requested", "Raison sociale"),
                ("retention_months", "12"),
                ("dpo_email", "dpo@exemple.gouv.fr"),
                ("technical_contact_email", "tech@exemple.gouv.fr"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(location.as_deref(), Some(address.as_str()));
    let (_, shown) = applicant.get(&address).await;
    let (status, _, _) = applicant
        .post(&events, &[("event", "submit")], Some(&csrf_of(&shown)))
        .await;
    assert_eq!(status, 303);

    let (status, page) = applicant.get(&format!("{address}/modifier")).await;
    assert_eq!(
        status, 400,
        "submitted: no longer the applicant's to change"
    );
    assert!(
        page.contains("une demande « Soumise » ne se modifie plus"),
        "{page}"
    );

    // The instructor finds it in the queue, filtered by state.
    let instructor = Browser::signed_in(&app, INSTRUCTOR).await;
    let (_, queue) = instructor.get("/donnees/demandes?etat=submitted").await;
    assert!(queue.contains("Contrôle des aides"), "{queue}");
    let (_, none) = instructor.get("/donnees/demandes?etat=validated").await;
    assert!(!none.contains("Contrôle des aides") && none.contains("Aucune demande"));
    let (_, old) = instructor.get("/donnees/demandes?anciennete=30").await;
    assert!(!old.contains("Contrôle des aides"));
    let (_, page) = instructor.get(&address).await;
    assert!(
        page.contains(r#"<option value="approve">Valider</option>"#),
        "{page}"
    );
    assert!(
        !page.contains(r#"<option value="submit">"#),
        "not the instructor's"
    );
    assert!(!page.contains("Modifier la demande</a>"));
    let (status, _, refused) = instructor
        .post(&events, &[("event", "refuse")], Some(&csrf_of(&page)))
        .await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("motif : ce champ est obligatoire"),
        "{refused}"
    );
    let (status, _, _) = instructor
        .post(
            &events,
            &[("event", "approve"), ("message", "Accordé pour un an.")],
            Some(&csrf_of(&page)),
        )
        .await;
    assert_eq!(status, 303);
    let (_, validated) = applicant.get(&address).await;
    assert!(validated.contains("Validée"), "{validated}");
    assert!(validated.contains("Habilitation n° ") && validated.contains("active"));
    assert!(validated.contains("Accordé pour un an."));
    let (status, _, _) = applicant
        .post(
            &format!("{address}/messages"),
            &[("body", "Merci !")],
            Some(&csrf_of(&validated)),
        )
        .await;
    assert_eq!(status, 303);

    // Others: the request does not exist for them; the public is asked to sign in.
    let outsider = Browser::signed_in(&app, OUTSIDER).await;
    let (status, _) = outsider.get(&address).await;
    assert_eq!(status, 404);
    let (_, own) = outsider.get("/donnees/demandes").await;
    assert!(!own.contains("Contrôle des aides"));
    let (status, _, _) = outsider
        .post(
            &events,
            &[("event", "revoke"), ("message", "x")],
            Some(&csrf_of(&own)),
        )
        .await;
    assert_eq!(status, 404);
    let public = Browser::with(&app, None);
    let (status, _) = public.get(&address).await;
    assert!(matches!(status, 401 | 303), "{status}");
    let (status, _) = public.get("/donnees/demandes").await;
    assert!(matches!(status, 401 | 303), "{status}");
}

on_both_backends!(
    access_pages,
    the_pages_carry_a_request_from_draft_to_authorisation
);

/// What must never reach outsiders: the request's title, purpose, the applicant's SIRET
/// and name, the DPO's address.
const SECRETS: [&str; 5] = [
    "Contrôle des aides aux entreprises",
    "Vérifier l'existence des entreprises",
    SIRET,
    "demandeuse Agent",
    "dpo@exemple.gouv.fr",
];

fn leaks(body: &str) -> Vec<&'static str> {
    // JSON escapes apostrophes nowhere, HTML escapes them: look for both spellings.
    SECRETS
        .into_iter()
        .filter(|secret| body.contains(secret) || body.contains(&secret.replace('\'', "&#x27;")))
        .collect()
}

async fn outsiders_learn_nothing(db: TestDb) {
    use common::{Browser, csrf_of};
    let people = setup(&db).await;
    let app = TestApp::spawn_writable(db).await;
    let mut ids = Vec::new();
    for path in ["draft", "submitted", "validated", "revoked", "reopened"] {
        ids.push(request_in(&app, &people, path).await);
    }
    // A message on each, so that every kind of trail entry exists.
    for id in &ids {
        app.call(
            Method::POST,
            &format!("/api/v1/access-requests/{id}/messages"),
            Some(people.token(APPLICANT)),
            Some(&json!({"body": "Précisions de la demandeuse."})),
        )
        .await;
    }
    let outsiders: [(&str, Option<&str>); 4] = [
        ("public", None),
        ("applicant of another organisation", Some(OUTSIDER)),
        ("instructor of another producer", Some(OTHER_INSTRUCTOR)),
        ("administrator", Some(ADMIN)),
    ];
    let mut tried = 0;
    let mut failures = Vec::new();
    let mut check = |who: &str, what: String, status: u16, body: &str, allowed: &[u16]| {
        tried += 1;
        if !allowed.contains(&status) {
            failures.push(format!("{who}: {what}: status {status}"));
        }
        let leaked = leaks(body);
        if !leaked.is_empty() {
            failures.push(format!("{who}: {what}: leaks {leaked:?}"));
        }
    };
    for (who, key) in outsiders {
        let token = key.map(|k| people.token(k));
        let denied: &[u16] = if key.is_some() { &[404] } else { &[401] };
        // The API.
        for id in &ids {
            let base = format!("/api/v1/access-requests/{id}");
            let attempts: Vec<(Method, String, Option<Value>)> = vec![
                (Method::GET, base.clone(), None),
                (Method::PUT, base.clone(), Some(complete_form())),
                (
                    Method::POST,
                    format!("{base}/messages"),
                    Some(json!({"body": "Bonjour"})),
                ),
            ]
            .into_iter()
            .chain(EVENTS.iter().map(|name| {
                (
                    Method::POST,
                    format!("{base}/events"),
                    Some(json!({"event": name, "message": "Essai"})),
                )
            }))
            .collect();
            for (method, path, body) in attempts {
                let (status, answer) = app.call(method.clone(), &path, token, body.as_ref()).await;
                check(
                    who,
                    format!("{method} {path}"),
                    status,
                    &answer.to_string(),
                    denied,
                );
            }
        }
        let listed: &[u16] = if key.is_some() { &[200] } else { &[401] };
        for path in [
            "/api/v1/access-requests?page_size=1000",
            "/api/v1/access-requests?state=validated",
            "/api/v1/access-requests?provider=insee",
        ] {
            let (status, answer) = app.call(Method::GET, path, token, None).await;
            check(who, path.to_owned(), status, &answer.to_string(), listed);
            if status == 200 {
                assert_eq!(answer["total"], 0, "{who}: {path}: {answer}");
            }
        }
        let not_theirs: &[u16] = if key.is_some() { &[403] } else { &[401] };
        // (The other producer's instructor reads its own API's authorisations, not these.)
        for path in ["/api/v1/authorisations?dataset=sirene-diffusion-restreinte"] {
            let (status, answer) = app.call(Method::GET, path, token, None).await;
            check(
                who,
                path.to_owned(),
                status,
                &answer.to_string(),
                not_theirs,
            );
        }
        // What is public about the data says nothing of who asked for it.
        for path in [
            "/api/v1/datasets/sirene-diffusion-restreinte",
            "/api/v1/datasets?access=restricted",
            "/api/1/datasets/sirene-diffusion-restreinte/",
            "/donnees/catalogue.ttl",
            "/donnees/jeux-de-donnees.csv",
        ] {
            let response = app.client.get(app.url(path)).send().await.unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            check(who, path.to_owned(), status, &body, &[200]);
        }
        if let Some(key) = key {
            let (status, answer) = app
                .call(
                    Method::GET,
                    "/api/v1/me/notifications",
                    Some(people.token(key)),
                    None,
                )
                .await;
            check(
                who,
                "notifications".into(),
                status,
                &answer.to_string(),
                &[200],
            );
            for id in &ids {
                let path = format!("/api/v1/audit/access_request/{id}");
                let (status, answer) = app.call(Method::GET, &path, token, None).await;
                // The audit log is the administrators' (who may read it whole).
                if key != ADMIN {
                    check(who, path, status, &answer.to_string(), &[403]);
                }
            }
        }
        // The pages.
        let browser = match key {
            Some(key) => Browser::signed_in(&app, key).await,
            None => Browser::with(&app, None),
        };
        let (_, list) = browser.get("/donnees/demandes").await;
        check(who, "/donnees/demandes".into(), 200, &list, &[200]);
        let csrf = if key.is_some() {
            csrf_of(&list)
        } else {
            String::new()
        };
        let page_denied: &[u16] = if key.is_some() { &[404] } else { &[401, 303] };
        // Without a session there is no CSRF token to send: refused before anything else.
        let post_denied: &[u16] = if key.is_some() { &[404] } else { &[401, 403] };
        for id in &ids {
            let base = format!("/donnees/demandes/{id}");
            for path in [base.clone(), format!("{base}/modifier")] {
                let (status, body) = browser.get(&path).await;
                check(who, format!("GET {path}"), status, &body, page_denied);
            }
            for (path, fields) in [
                (format!("{base}/modifier"), vec![("title", "Essai")]),
                (
                    format!("{base}/evenements"),
                    vec![("event", "approve"), ("message", "Essai")],
                ),
                (format!("{base}/evenements"), vec![("event", "submit")]),
                (format!("{base}/messages"), vec![("body", "Bonjour")]),
            ] {
                let (status, _, body) = browser.post(&path, &fields, Some(&csrf)).await;
                check(who, format!("POST {path}"), status, &body, post_denied);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 4 outsiders × (5 requests × 10 API calls + 3 lists + 2 authorisations + 5 public
    // reads + 5 × 6 page calls + the list page), plus notifications and audit.
    assert!(tried >= 4 * (50 + 3 + 1 + 5 + 30 + 1), "{tried}");
    // And the state of every request is as it was.
    for (id, path) in ids
        .iter()
        .zip(["draft", "submitted", "validated", "revoked", "reopened"])
    {
        let want = PATHS.iter().find(|(p, _, _)| *p == path).unwrap().1;
        assert_eq!(state_of(&app, &people, *id).await, want);
    }
}

on_both_backends!(access_confidentiality, outsiders_learn_nothing);

/// The secret of insee's webhook subscription.
const WEBHOOK_SECRET: &str = "secret de l'INSEE";

async fn each_event_reaches_the_mailboxes_and_the_producers_receiver(db: TestDb) {
    use common::notify::{SmtpSink, pilote, receiver};
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let people = setup(&db).await;
    let (hook, seen) = receiver(WEBHOOK_SECRET, vec![]).await;
    db.store
        .subscribe_webhook(
            &Slug::parse("insee").unwrap(),
            &hook,
            WEBHOOK_SECRET,
            &Actor::system("test"),
        )
        .await
        .unwrap();
    let url = db.url.clone();
    let app = TestApp::spawn_writable(db).await;
    // Started and submitted by the applicant, approved by the instructor.
    let id = request_in(&app, &people, "validated").await;
    // The worker runs beside this test's runtime, which serves the receiver meanwhile.
    let smtp = sink.url();
    let (out, _) = tokio::task::spawn_blocking(move || {
        pilote(&[
            "worker",
            "--database",
            &url,
            "--once",
            "--smtp-url",
            &smtp,
            "--public-url",
            "https://pilote.example.org",
        ])
    })
    .await
    .unwrap();
    assert!(out.contains("4 e-mail(s) envoyé(s)"), "{out}");
    let subject = format!("Demande d’accès n° {id} « Contrôle des aides aux entreprises »");
    let mut got: Vec<(String, String)> = sink
        .received()
        .iter()
        .map(|mail| {
            let to = mail["to"].as_array().unwrap();
            assert_eq!(to.len(), 1, "one recipient per e-mail: {mail}");
            let body = mail["body"].as_str().unwrap();
            assert!(
                body.contains(&format!("https://pilote.example.org/donnees/demandes/{id}")),
                "{body}"
            );
            (
                to[0].as_str().unwrap().to_owned(),
                mail["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    // Never the author of the event; never the reporter, who only reads; the colleague
    // follows the request on its page.
    let mut want = vec![
        (
            "instructrice-insee@exemple.gouv.fr".to_owned(),
            format!("{subject} : demande soumise"),
        ),
        (
            "responsable-insee@exemple.gouv.fr".to_owned(),
            format!("{subject} : demande soumise"),
        ),
        (
            "demandeuse@exemple.gouv.fr".to_owned(),
            format!("{subject} : demande validée"),
        ),
        (
            "responsable-insee@exemple.gouv.fr".to_owned(),
            format!("{subject} : demande validée"),
        ),
    ];
    want.sort();
    assert_eq!(got, want);

    // The producer's receiver got the submission and the approval, signed.
    let mut events: Vec<(String, Value)> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r.signature_valid, "{r:?}");
            assert_eq!(r.body["request"]["id"], id);
            assert_eq!(r.body["request"]["siret"], SIRET);
            (r.event.clone(), r.body["request"]["state"].clone())
        })
        .collect();
    events.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        events,
        [
            ("access_request.approve".to_owned(), json!("validated")),
            ("access_request.submit".to_owned(), json!("submitted")),
        ]
    );
    app.stop().await;
}

on_both_backends!(
    access_notices,
    each_event_reaches_the_mailboxes_and_the_producers_receiver
);
