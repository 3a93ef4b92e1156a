//! The portfolio's JSON API through a real server, on both backends.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use common::{TestApp, TestDb, shared_data};
use pilote_import::ImportOptions;
use reqwest::Method;
use serde_json::{Value, json};

fn slugs(page: &Value) -> Vec<&str> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["slug"].as_str().unwrap())
        .collect()
}

on_both_backends!(real_network_round_trip_filters_and_paging, real_network);
async fn real_network(db: TestDb) {
    let Some(data) = shared_data() else { return };
    let report = pilote_import::portfolio::beta::import(
        &db.store,
        &data.join("betagouv"),
        ImportOptions::default(),
        &pilote_domain::audit::Actor::cli("test"),
    )
    .await
    .unwrap();
    assert_eq!(report.counts("products").created, 662);
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;

    // Every field of a real product survives the import and the API.
    let (status, a_just) = app.get("/api/v1/products/a-just").await;
    assert_eq!(status, 200);
    assert_eq!(a_just["title"], "A-JUST");
    assert_eq!(a_just["incubator"], "justice");
    assert_eq!(a_just["sponsors"], json!(["igj", "mj"]));
    assert_eq!(a_just["current_phase"], "consolidation");
    assert_eq!(a_just["phases"].as_array().unwrap().len(), 4);
    assert_eq!(
        a_just["phases"][0],
        json!({"name": "investigation", "start": "2021-02-01", "end": "2021-05-26"})
    );
    assert_eq!(
        a_just["phases"][3],
        json!({"name": "consolidation", "start": "2026-01-01", "end": null})
    );
    assert_eq!(a_just["fast"], json!({"promotion": 13, "amount": 300_000}));
    assert_eq!(
        a_just["events"][0],
        json!({"name": "fast", "date": "2024-01-01", "comment": "Montant de 300000€ pour la promotion 13"})
    );
    assert_eq!(a_just["usertypes"], json!(["etat"]));
    assert_eq!(a_just["thematiques"], json!(["Justice"]));
    assert_eq!(a_just["link"], "https://a-just.beta.gouv.fr");
    assert_eq!(a_just["repository"], "https://github.com/betagouv/a-just");
    assert_eq!(a_just["contact"], "contact@a-just.fr");
    assert_eq!(a_just["stats_url"], "https://a-just.beta.gouv.fr/stats");
    assert_eq!(
        a_just["dashlord_url"],
        "https://dashlord.incubateur.net/url/a-just-beta-gouv-fr/"
    );
    assert_eq!(a_just["accessibility_status"], "non conforme");
    assert_eq!(a_just["analyse_risques"], true);
    assert_eq!(a_just["mon_service_securise"], true);
    assert_eq!(a_just["extra"]["contact_dinum"], "julie.guyot");
    assert!(
        a_just["description"]
            .as_str()
            .unwrap()
            .contains("95% des français")
    );
    assert_eq!(a_just["data_quality"], json!([]));

    // A non-ASCII slug, addressed percent-encoded.
    let (status, e_inspe) = app.get("/api/v1/products/e-insp%C3%A9").await;
    assert_eq!(status, 200);
    assert_eq!(e_inspe["slug"], "e-inspé");

    // Co-incubation is kept.
    let (_, ecobalyse) = app.get("/api/v1/products/ecobalyse").await;
    assert_eq!(ecobalyse["incubators"], json!(["ademe", "mtes"]));

    // Filters: every product of the page has the phase, and the total counts them all.
    let (status, construction) = app
        .get("/api/v1/products?phase=construction&page_size=1000")
        .await;
    assert_eq!(status, 200);
    let total = construction["total"].as_u64().unwrap();
    assert!(total > 50, "{total}");
    assert_eq!(construction["data"].as_array().unwrap().len() as u64, total);
    assert!(
        construction["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["current_phase"] == "construction")
    );
    let (_, justice) = app
        .get("/api/v1/products?incubator=justice&sponsor=mj&page_size=1000")
        .await;
    assert!(slugs(&justice).contains(&"a-just"));
    assert!(
        justice["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["incubator"] == "justice"
                && p["sponsors"].as_array().unwrap().contains(&json!("mj")))
    );
    let (_, by_theme) = app
        .get("/api/v1/products?thematique=justice&usertype=ETAT&page_size=1000")
        .await;
    assert!(slugs(&by_theme).contains(&"a-just"));
    let (_, found) = app.get("/api/v1/products?q=juridictions%20delais").await;
    assert!(
        slugs(&found).contains(&"a-just"),
        "accent-insensitive search"
    );

    // Paging: pages are disjoint slices of the same order, and the last one is short.
    let (_, page1) = app
        .get("/api/v1/products?phase=construction&page_size=50")
        .await;
    let (_, page2) = app
        .get("/api/v1/products?phase=construction&page_size=50&page=2")
        .await;
    assert_eq!(
        (
            page1["page"].as_u64(),
            page1["page_size"].as_u64(),
            page1["total"].as_u64()
        ),
        (Some(1), Some(50), Some(total))
    );
    let all = slugs(&construction);
    assert_eq!(slugs(&page1), all[..50]);
    assert_eq!(slugs(&page2), all[50..100.min(all.len())]);

    // Sorting by the start of the current phase, newest first.
    let (_, recent) = app
        .get("/api/v1/products?sort=-phase_start&page_size=1000")
        .await;
    let starts: Vec<String> = recent["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["phases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|ph| ph["start"].as_str().unwrap().to_owned())
                .max()
                .unwrap_or_default()
        })
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] >= w[1]),
        "not sorted by phase start"
    );
    let (_, titles) = app.get("/api/v1/products?page_size=5").await;
    let (_, titles_desc) = app.get("/api/v1/products?sort=-title&page_size=5").await;
    assert_ne!(slugs(&titles), slugs(&titles_desc));

    // The other resources.
    let (_, incubators) = app.get("/api/v1/incubators?page_size=100").await;
    assert_eq!(incubators["total"], 23);
    let (_, organisations) = app.get("/api/v1/organisations").await;
    assert_eq!(organisations["total"], 145);
    assert_eq!(organisations["data"].as_array().unwrap().len(), 20);
    let (_, teams) = app.get("/api/v1/teams").await;
    assert_eq!(teams["total"], 36);
    let (_, members) = app.get("/api/v1/members?page_size=1").await;
    assert_eq!(members["total"], 3484);
    let (_, igj) = app.get("/api/v1/organisations/igj").await;
    assert_eq!(igj["acronym"], "IGJ");
    assert_eq!(igj["ministerial_domain"], "justice");
    app.stop().await;
}

on_both_backends!(invalid_queries_answer_with_the_error_body, invalid_queries);
async fn invalid_queries(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let (status, body) = app.get("/api/v1/products?phase=prototype").await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "unprocessable");
    assert_eq!(
        body["error"]["fields"]["phase"],
        "phase inconnue « prototype »"
    );
    let (status, body) = app.get("/api/v1/products?page_size=1001").await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["page_size"].is_string());
    let (status, body) = app.get("/api/v1/products?page=abc").await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["page"].is_string());
    let (status, body) = app.get("/api/v1/products/nope").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, _) = app.get("/api/v1/nowhere").await;
    assert_eq!(status, 404);
    app.stop().await;
}

fn new_product() -> Value {
    json!({
        "slug": "demarches-simplifiees.fr",
        "title": "Démarches simplifiées",
        "mission": "Dématérialiser les démarches administratives.",
        "incubator": "fabrique-demo",
        "sponsors": ["min-transition"],
        "phases": [
            {"name": "investigation", "start": "2024-01-01", "end": "2024-03-31"},
            {"name": "construction", "start": "2024-04-01"}
        ],
        "thematiques": ["Simplification"],
        "fast": {"promotion": 14, "amount": 125_000.5}
    })
}

on_both_backends!(writes_are_validated_and_transactional, writes);
async fn writes(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;

    let (status, created) = app
        .send(Method::POST, "/api/v1/products", &new_product())
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["current_phase"], "construction");
    assert_eq!(created["fast"]["amount"], 125_000.5);
    let (status, shown) = app.get("/api/v1/products/demarches-simplifiees.fr").await;
    assert_eq!(status, 200);
    assert_eq!(shown, created);
    let (_, listed) = app.get("/api/v1/products?q=demarches").await;
    assert_eq!(slugs(&listed), ["demarches-simplifiees.fr"]);

    // Duplicate slug.
    let (status, body) = app
        .send(Method::POST, "/api/v1/products", &new_product())
        .await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "conflict");

    // Validation, field by field; nothing is written.
    let revision = app.db.store.revision().await.unwrap();
    let cases = [
        (json!({"slug": "a b"}), "slug"),
        (
            json!({"slug": "e-inspé-2", "phases": [{"name": "construction", "start": "2024-04-01", "end": "2024-01-01"}]}),
            "phases[0].end",
        ),
        (
            json!({"slug": "x1", "phases": [{"name": "prototype", "start": "2024-04-01"}]}),
            "phases[0].name",
        ),
        (
            json!({"slug": "x2", "phases": [{"name": "construction", "start": "bientôt"}]}),
            "phases[0].start",
        ),
        (json!({"slug": "x3", "incubator": "inconnu"}), "incubator"),
        (
            json!({"slug": "x4", "sponsors": ["min-transition", "nope"]}),
            "sponsors[1]",
        ),
        (json!({"slug": "x5", "title": "  "}), "title"),
    ];
    for (change, field) in cases {
        let mut body = new_product();
        body.as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let (status, error) = app.send(Method::POST, "/api/v1/products", &body).await;
        assert_eq!(status, 422, "{field}: {error}");
        assert!(
            error["error"]["fields"][field].is_string(),
            "{field}: {error}"
        );
    }
    let mut missing = new_product();
    missing.as_object_mut().unwrap().remove("title");
    missing["slug"] = json!("sans-titre");
    let (status, error) = app.send(Method::POST, "/api/v1/products", &missing).await;
    assert_eq!(
        (status, error["error"]["fields"]["title"].as_str()),
        (422, Some("ce champ est obligatoire"))
    );
    assert_eq!(
        app.db.store.revision().await.unwrap(),
        revision,
        "a refused write changed the store"
    );

    // Update: the slug comes from the address.
    let mut update = new_product();
    update.as_object_mut().unwrap().remove("slug");
    update["title"] = json!("Démarches Simplifiées");
    let (status, updated) = app
        .send(
            Method::PUT,
            "/api/v1/products/demarches-simplifiees.fr",
            &update,
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        app.get("/api/v1/products/demarches-simplifiees.fr").await.1["title"],
        "Démarches Simplifiées"
    );
    update["slug"] = json!("autre");
    let (status, _) = app
        .send(
            Method::PUT,
            "/api/v1/products/demarches-simplifiees.fr",
            &update,
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = app
        .send(Method::PUT, "/api/v1/products/eau-claire", &new_product())
        .await;
    assert_eq!(
        status, 422,
        "a body naming another slug than the address is refused"
    );
    update.as_object_mut().unwrap().remove("slug");
    let (status, _) = app
        .send(Method::PUT, "/api/v1/products/inconnu", &update)
        .await;
    assert_eq!(status, 404);

    // Delete.
    let (status, _) = app
        .send(
            Method::DELETE,
            "/api/v1/products/demarches-simplifiees.fr",
            &json!({}),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        app.get("/api/v1/products/demarches-simplifiees.fr").await.0,
        404
    );
    let (status, _) = app
        .send(
            Method::DELETE,
            "/api/v1/products/demarches-simplifiees.fr",
            &json!({}),
        )
        .await;
    assert_eq!(status, 404);

    // Members.
    let member = json!({
        "slug": "alex.dupont", "fullname": "Alex Dupont", "role": "Développeur", "domaine": "Développement",
        "missions": [{"start": "2024-01-01", "end": "2030-12-31", "status": "independent", "products": ["eau-claire"]}]
    });
    let (status, created) = app.send(Method::POST, "/api/v1/members", &member).await;
    assert_eq!(status, 201, "{created}");
    let (_, listed) = app.get("/api/v1/members?product=eau-claire&q=dupont").await;
    assert_eq!(slugs(&listed), ["alex.dupont"]);
    assert_eq!(listed["data"][0]["active"], true);
    let mut bad = member.clone();
    bad["slug"] = json!("alex.bis");
    bad["missions"][0]["products"] = json!(["inconnu"]);
    let (status, error) = app.send(Method::POST, "/api/v1/members", &bad).await;
    assert_eq!(status, 422);
    assert!(
        error["error"]["fields"]["missions[0].products[0]"].is_string(),
        "{error}"
    );
    bad["missions"][0]["products"] = json!([]);
    bad["domaine"] = json!("Marketing");
    let (status, error) = app.send(Method::POST, "/api/v1/members", &bad).await;
    assert_eq!(status, 422);
    assert!(error["error"]["fields"]["domaine"].is_string(), "{error}");
    let (status, _) = app.send(Method::POST, "/api/v1/members", &member).await;
    assert_eq!(status, 409);
    let mut renamed = member.clone();
    renamed["role"] = json!("Coach");
    renamed["domaine"] = json!("Coaching");
    let (status, _) = app
        .send(Method::PUT, "/api/v1/members/alex.dupont", &renamed)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.get("/api/v1/members/alex.dupont").await.1["domaine"],
        "Coaching"
    );
    let (status, _) = app
        .send(Method::DELETE, "/api/v1/members/alex.dupont", &json!({}))
        .await;
    assert_eq!(status, 204);
    assert_eq!(app.get("/api/v1/members/alex.dupont").await.0, 404);
    app.stop().await;
}

on_both_backends!(anonymous_writes_are_refused, writes_refused);
async fn writes_refused(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    for (method, path) in [
        (Method::POST, "/api/v1/products"),
        (Method::PUT, "/api/v1/products/eau-claire"),
        (Method::DELETE, "/api/v1/products/eau-claire"),
        (Method::POST, "/api/v1/members"),
        (Method::DELETE, "/api/v1/members/camille.martin"),
    ] {
        let (status, body) = app.send(method, path, &new_product()).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(body["error"]["code"], "unauthorized");
    }
    assert_eq!(app.get("/api/v1/products/eau-claire").await.0, 200);
    app.stop().await;
}

on_both_backends!(another_server_sees_writes, follows_other_servers);
async fn follows_other_servers(db: TestDb) {
    db.fill_demo().await;
    let second = db.another_handle().await;
    let writer = TestApp::spawn_writable(db).await;
    let reader = TestApp::spawn(second, pilote_web::Config::default()).await;
    assert_eq!(
        reader
            .get("/api/v1/products/demarches-simplifiees.fr")
            .await
            .0,
        404
    );
    assert_eq!(
        writer
            .send(Method::POST, "/api/v1/products", &new_product())
            .await
            .0,
        201
    );
    let mut seen = false;
    for _ in 0..40 {
        if reader
            .get("/api/v1/products/demarches-simplifiees.fr")
            .await
            .0
            == 200
        {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(seen, "the second server did not see the write within 2 s");
    reader.stop().await;
    writer.stop().await;
}
