//! Who reads a restricted dataset's details (DESIGN §5): its resources' addresses go to
//! its producer's staff and to the agents of an organisation actively authorised, in every
//! read path — the JSON API, the udata shape, the pages — and never to the public, to an
//! agent of another organisation or to another producer's staff; the anonymous downloads
//! (CSV, JSON, DCAT) never carry them. The staff see who is authorised, an authorised
//! agent since when. Each test runs on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{Agent, Browser, TestApp, TestDb};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::data::{
    AccessEvent, AccessForm, AccessRequest, Api, DataSource, Dataset, Producer, Side,
};
use pilote_domain::delivery::Party;
use pilote_domain::identity::{Role, Scope};
use pilote_store::DataImport;
use reqwest::Method;
use serde_json::{Value, json};

/// The authorised organisation (DINUM's SIRET) and another one.
const SIRET_A: &str = "13002526500013";
const SIRET_B: &str = "12002701600563";

/// The restricted resource's address and checksum: found nowhere unless entitled.
const MARKER: &str = "https://restreint.exemple.gouv.fr/marqueur-7f3a9c.csv";
const CHECKSUM: &str = "somme-marqueur-51be02";
/// The open dataset's address: public.
const OPEN_URL: &str = "https://ouvert.exemple.gouv.fr/sirene-ouvert.csv";
const OPEN_CHECKSUM: &str = "somme-ouverte-93c1";

const RESTRICTED: &str = "sirene-restreint";
const RESTRICTED_API: &str = "api-sirene-restreinte";

const AGENT_A: &str = "agente-a";
const AGENT_B: &str = "agent-b";
const INSTRUCTOR: &str = "instructrice-insee";
const OTHER_INSTRUCTOR: &str = "instructeur-dgfip";

const PEOPLE: [Agent; 4] = [
    (AGENT_A, Some(SIRET_A), None),
    (AGENT_B, Some(SIRET_B), None),
    (INSTRUCTOR, None, Some((Role::DataInstructor, "insee"))),
    (
        OTHER_INSTRUCTOR,
        None,
        Some((Role::DataInstructor, "dgfip")),
    ),
];

fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// Two producers, a restricted and an open dataset and a restricted API of `insee`, the
/// people, and the requests of SIRET A for the dataset and the API, approved; returns the
/// dataset's request.
async fn setup(db: &TestDb) -> i64 {
    let actor = Actor::system("test");
    let resource = |url: &str, checksum: &str| {
        json!({"title": "sirene.csv", "type": "main", "format": "csv", "url": url,
               "checksum_type": "sha1", "checksum_value": checksum})
    };
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
                        "slug": RESTRICTED, "title": "Sirene, diffusion restreinte",
                        "producer": "insee", "access": "restricted",
                        "audiences": ["administrations"], "resources": [resource(MARKER, CHECKSUM)]
                    })),
                    from_json::<Dataset>(json!({
                        "slug": "sirene-ouvert", "title": "Sirene ouvert", "producer": "insee",
                        "resources": [resource(OPEN_URL, OPEN_CHECKSUM)]
                    })),
                ],
                apis: vec![from_json::<Api>(json!({
                    "slug": RESTRICTED_API, "title": "API Sirene restreinte",
                    "producer": "insee", "access": "restricted"
                }))],
            },
            false,
            &actor,
        )
        .await
        .unwrap();
    db.add_agents(&PEOPLE).await;
    let dataset = approved(db, Some(RESTRICTED), None).await;
    approved(db, None, Some(RESTRICTED_API)).await;
    dataset
}

async fn party(db: &TestDb, key: &str) -> Party {
    Party {
        account: db.store.demo_account(key).await.unwrap().id,
        name: key.into(),
    }
}

/// A complete request of agent A for the dataset or the API, submitted and approved.
async fn approved(db: &TestDb, dataset: Option<&str>, api: Option<&str>) -> i64 {
    let actor = Actor::system("test");
    let form = AccessForm {
        dataset: dataset.map(|s| Slug::parse(s).unwrap()),
        api: api.map(|s| Slug::parse(s).unwrap()),
        title: "Contrôle des aides".into(),
        purpose: "Vérifier l'existence des entreprises aidées.".into(),
        legal_basis: "Article L. 100-3 du CRPA".into(),
        legal_basis_url: None,
        data_requested: "Raison sociale".into(),
        retention_months: Some(12),
        dpo_email: Some("dpo@exemple.gouv.fr".into()),
        technical_contact_email: Some("technique@exemple.gouv.fr".into()),
    };
    let at = pilote_store::timestamp(chrono::Utc::now());
    let applicant = party(db, AGENT_A).await;
    let request = db
        .store
        .create_access_request(
            &AccessRequest::draft(
                form,
                Slug::parse("insee").unwrap(),
                SIRET_A.into(),
                applicant.clone(),
                &at,
            ),
            &actor,
        )
        .await
        .unwrap();
    let instructor = party(db, INSTRUCTOR).await;
    for (event, side, by) in [
        (AccessEvent::Submit, Side::Applicant, applicant.clone()),
        (AccessEvent::Approve, Side::Instructor, instructor.clone()),
    ] {
        db.store
            .take_access_event(request.id, event, side, "", by, &actor, &at)
            .await
            .unwrap();
    }
    request.id
}

/// Every read path of the dataset's details, by token (API) and session (pages), and
/// whether the marker shows in each.
async fn reads(app: &TestApp, token: Option<&str>, cookie: Option<String>) -> Vec<(String, bool)> {
    let mut seen = Vec::new();
    for path in [
        "/api/v1/datasets?producer=insee".to_owned(),
        format!("/api/v1/datasets/{RESTRICTED}"),
        "/api/1/datasets/?producer=insee".to_owned(),
        format!("/api/1/datasets/{RESTRICTED}/"),
    ] {
        let (status, body) = app.call(Method::GET, &path, token, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        let text = body.to_string();
        assert_eq!(
            text.contains(MARKER),
            text.contains(CHECKSUM),
            "{path}: the checksum goes with the address"
        );
        seen.push((path, text.contains(MARKER)));
    }
    let browser = Browser::with(app, cookie);
    let path = format!("/donnees/jeux-de-donnees/{RESTRICTED}");
    let (status, html) = browser.get(&path).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Demander l’accès"));
    seen.push((path, html.contains(MARKER)));
    seen
}

fn all(seen: &[(String, bool)], expected: bool, who: &str) {
    for (path, shown) in seen {
        assert_eq!(*shown, expected, "{who} on {path}");
    }
}

async fn restricted_details_only_to_those_entitled(db: TestDb) {
    let request = setup(&db).await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let token = |key: &'static str| {
        let app = &app;
        async move { app.token_for(key, &[Scope::Read]).await }
    };
    let cookie = |key: &'static str| {
        let app = &app;
        async move { app.session_for(key).await.0 }
    };

    // The public, another organisation's agent, another producer's staff: nothing.
    all(&reads(&app, None, None).await, false, "the public");
    for key in [AGENT_B, OTHER_INSTRUCTOR] {
        all(
            &reads(&app, Some(&token(key).await), Some(cookie(key).await)).await,
            false,
            key,
        );
    }
    // The producer's instructor and the authorised organisation's agent: everything.
    for key in [INSTRUCTOR, AGENT_A] {
        all(
            &reads(&app, Some(&token(key).await), Some(cookie(key).await)).await,
            true,
            key,
        );
    }
    // The withheld address is said to be withheld.
    let (_, shown) = app
        .call(
            Method::GET,
            &format!("/api/v1/datasets/{RESTRICTED}"),
            None,
            None,
        )
        .await;
    assert!(shown["resources"][0]["url"].is_null(), "{shown}");
    assert!(shown["resources"][0]["checksum_value"].is_null(), "{shown}");
    assert_eq!(shown["resources"][0]["title"], "sirene.csv");
    let (_, udata) = app
        .call(
            Method::GET,
            &format!("/api/1/datasets/{RESTRICTED}/"),
            None,
            None,
        )
        .await;
    assert!(udata["resources"][0]["url"].is_null(), "{udata}");
    assert!(udata["resources"][0]["checksum"].is_null(), "{udata}");

    // The downloads are anonymous: never the address, whoever asks; the open one's stays.
    let instructor = token(INSTRUCTOR).await;
    for path in [
        "/donnees/jeux-de-donnees.csv",
        "/donnees/jeux-de-donnees.json",
        "/donnees/catalogue.ttl",
        "/donnees/catalogue.jsonld",
    ] {
        let response = reqwest::Client::new()
            .get(app.url(path))
            .bearer_auth(&instructor)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let text = response.text().await.unwrap();
        assert!(!text.contains(MARKER), "{path}");
        assert!(
            text.contains(RESTRICTED),
            "{path}: the dataset itself stays"
        );
        if path.contains("catalogue") {
            assert!(text.contains(OPEN_URL), "{path}: open addresses stay");
        }
    }
    // Open data stays public everywhere.
    let (_, open) = app
        .call(Method::GET, "/api/v1/datasets/sirene-ouvert", None, None)
        .await;
    assert_eq!(open["resources"][0]["url"], OPEN_URL);
    assert_eq!(open["resources"][0]["checksum_value"], OPEN_CHECKSUM);
    let (_, html) = Browser::with(&app, None)
        .get("/donnees/jeux-de-donnees/sirene-ouvert")
        .await;
    assert!(html.contains(OPEN_URL));

    // Who is authorised: the producer's staff see the list with its request, the
    // authorised agent since when, the others neither — on the dataset's and the API's page.
    for page in [
        format!("/donnees/jeux-de-donnees/{RESTRICTED}"),
        format!("/donnees/api/{RESTRICTED_API}"),
    ] {
        let (_, staff) = Browser::with(&app, Some(cookie(INSTRUCTOR).await))
            .get(&page)
            .await;
        assert!(staff.contains("Organisations habilitées"), "{page}");
        assert!(staff.contains(SIRET_A), "{page}");
        assert!(staff.contains("/donnees/demandes/"), "{page}");
        assert!(
            !staff.contains("Votre organisation est habilitée"),
            "{page}"
        );
        let (_, agent) = Browser::with(&app, Some(cookie(AGENT_A).await))
            .get(&page)
            .await;
        assert!(
            agent.contains("Votre organisation est habilitée depuis le"),
            "{page}"
        );
        assert!(!agent.contains("Organisations habilitées"), "{page}");
        for key in [AGENT_B, OTHER_INSTRUCTOR] {
            let (_, other) = Browser::with(&app, Some(cookie(key).await))
                .get(&page)
                .await;
            assert!(!other.contains("Organisations habilitées"), "{key} {page}");
            assert!(!other.contains("habilitée depuis"), "{key} {page}");
            assert!(!other.contains(SIRET_A), "{key} {page}");
        }
        let (_, public) = Browser::with(&app, None).get(&page).await;
        assert!(!public.contains("Organisations habilitées"), "{page}");
        assert!(!public.contains(SIRET_A), "{page}");
        assert!(public.contains("Demander l’accès"), "{page}");
    }
    let (_, staff) = Browser::with(&app, Some(cookie(INSTRUCTOR).await))
        .get(&format!("/donnees/jeux-de-donnees/{RESTRICTED}"))
        .await;
    assert!(staff.contains(&format!("/donnees/demandes/{request}\"")));

    // Revoked, the authorisation no longer opens anything to agent A; the staff still read.
    app.db
        .store
        .take_access_event(
            request,
            AccessEvent::Revoke,
            Side::Instructor,
            "Fin du projet.",
            party(&app.db, INSTRUCTOR).await,
            &Actor::system("test"),
            &pilote_store::timestamp(chrono::Utc::now()),
        )
        .await
        .unwrap();
    all(
        &reads(
            &app,
            Some(&token(AGENT_A).await),
            Some(cookie(AGENT_A).await),
        )
        .await,
        false,
        "agent A once revoked",
    );
    let (_, agent) = Browser::with(&app, Some(cookie(AGENT_A).await))
        .get(&format!("/donnees/jeux-de-donnees/{RESTRICTED}"))
        .await;
    assert!(!agent.contains("habilitée depuis"));
    all(
        &reads(&app, Some(&token(INSTRUCTOR).await), None).await[..4],
        true,
        "the instructor",
    );
    let (_, staff) = Browser::with(&app, Some(cookie(INSTRUCTOR).await))
        .get(&format!("/donnees/jeux-de-donnees/{RESTRICTED}"))
        .await;
    assert!(staff.contains("Révoquée"));
    app.stop().await;
}

on_both_backends!(entitlement, restricted_details_only_to_those_entitled);
