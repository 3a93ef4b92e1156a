//! The search across every public entity: kept fresh from the store's change feed, never
//! holding personal or restricted content, its API and page, an index on disk reused or
//! rebuilt, and relevance on the real data.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::time::{Duration, Instant};

use common::{TestApp, TestDb};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::data::{DataSource, Dataset, Producer};
use pilote_domain::talent::eig::{
    Challenge, EigRole, Person, PersonLinks, Programme, Promotion, Skill,
};
use pilote_store::DataImport;
use reqwest::Method;
use serde_json::{Value, json};

/// The (kind, slug) of each result of a search through the API.
async fn found(app: &TestApp, query: &str) -> Vec<(String, String)> {
    let (status, body) = app.get(&format!("/api/v1/search?{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            (
                hit["kind"].as_str().unwrap().to_owned(),
                hit["slug"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn has(results: &[(String, String)], kind: &str, slug: &str) -> bool {
    results.iter().any(|(k, s)| k == kind && s == slug)
}

/// Waits until `ready` holds for the results of `query`; returns how long it took.
async fn until(
    app: &TestApp,
    query: &str,
    ready: impl Fn(&[(String, String)]) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        if ready(&found(app, query).await) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{query}: the index did not follow the write within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const SIRET: &str = "13002526500013";

async fn restricted_data(db: &TestDb) {
    let dataset = |value: Value| serde_json::from_value::<Dataset>(value).unwrap();
    db.store
        .apply_data_import(
            &DataImport {
                source: DataSource::Manual,
                producers: vec![
                    serde_json::from_value::<Producer>(json!({"slug": "insee", "name": "INSEE"}))
                        .unwrap(),
                ],
                datasets: vec![
                    dataset(json!({
                        "slug": "sirene-diffusion-restreinte", "title": "Sirene, diffusion restreinte",
                        "producer": "insee", "access": "restricted", "audiences": ["administrations"]
                    })),
                    dataset(json!({
                        "slug": "sirene-ouvert", "title": "Sirene ouvert", "producer": "insee",
                        "licence": "fr-lo",
                        "resources": [{"title": "Stock des établissements", "type": "main", "format": "CSV", "url": "https://exemple.gouv.fr/stock.csv"}]
                    })),
                ],
                apis: vec![],
            },
            false,
            &Actor::system("test"),
        )
        .await
        .unwrap();
}

async fn follows_writes_and_keeps_personal_data_out(db: TestDb) {
    db.fill_demo().await;
    restricted_data(&db).await;
    db.add_agents(&[("demandeuse", Some(SIRET), None)]).await;
    let applicant = db
        .token_for("demandeuse", &pilote_domain::identity::Scope::ALL)
        .await;
    let app = TestApp::spawn_writable(db).await;

    // Typed without accents, with a typo, or the start of a word only.
    assert_eq!(
        found(&app, "q=eau+claire").await[0],
        ("product".into(), "eau-claire".into())
    );
    assert_eq!(
        found(&app, "q=cantinne+locale").await[0],
        ("product".into(), "cantine-locale".into())
    );
    assert_eq!(
        found(&app, "q=velo+fac").await[0],
        ("product".into(), "velo-facile".into())
    );
    let sirene = found(&app, "q=sirene").await;
    assert!(
        has(&sirene, "dataset", "sirene-diffusion-restreinte"),
        "{sirene:?}"
    );
    assert!(
        has(&sirene, "resource", "sirene-ouvert/1") || has(&sirene, "dataset", "sirene-ouvert")
    );

    // A new product is found within a second, under its new title once renamed, and no
    // more once deleted.
    let (status, body) = app
        .send(
            Method::POST,
            "/api/v1/products",
            &json!({
                "slug": "observatoire-hirondelles", "title": "Observatoire des hirondelles",
                "mission": "Compter les nids au printemps", "incubator": "fabrique-demo",
                "phases": [{"name": "investigation", "start": "2025-03-01"}]
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let created = until(&app, "q=hirondelles", |r| {
        has(r, "product", "observatoire-hirondelles")
    })
    .await;
    println!(
        "a created product was found {} ms after its creation was acknowledged",
        created.as_millis()
    );
    assert!(created < Duration::from_secs(1), "{created:?}");
    let (_, mut product) = app.get("/api/v1/products/observatoire-hirondelles").await;
    product["title"] = json!("Observatoire des martinets");
    let (status, body) = app
        .send(
            Method::PUT,
            "/api/v1/products/observatoire-hirondelles",
            &product,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    until(&app, "q=martinets", |r| {
        has(r, "product", "observatoire-hirondelles")
    })
    .await;
    assert!(found(&app, "q=hirondelles&kind=product").await.is_empty());
    let (status, _) = app
        .send(
            Method::DELETE,
            "/api/v1/products/observatoire-hirondelles",
            &Value::Null,
        )
        .await;
    assert_eq!(status, 204);
    until(&app, "q=martinets", <[_]>::is_empty).await;

    // A member is found by name and role, never by e-mail or telephone.
    let (status, body) = app
        .send(
            Method::POST,
            "/api/v1/members",
            &json!({
                "slug": "berenice.quincampoix", "fullname": "Bérénice Quincampoix",
                "role": "Ergonome", "domaine": "Design",
                "email": "berenice.secrete@exemple.gouv.fr", "phone": "+33 6 12 34 56 78",
                "missions": [{"start": "2024-01-01", "status": "admin", "products": ["eau-claire"]}]
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    until(&app, "q=quincampoix", |r| {
        has(r, "member", "berenice.quincampoix")
    })
    .await;
    assert!(found(&app, "q=berenice.secrete").await.is_empty());
    assert!(found(&app, "q=secrete").await.is_empty());
    assert!(found(&app, "q=0612345678").await.is_empty());
    assert!(found(&app, "q=12+34+56+78").await.is_empty());

    // An access request's content is not indexed.
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/access-requests",
            Some(&applicant),
            Some(&json!({
                "dataset": "sirene-diffusion-restreinte",
                "title": "Contrôle des subventions zorglub",
                "purpose": "Vérifier les entreprises zorglub.",
                "legal_basis": "Article L. 100-3 du code des relations entre le public et l'administration",
                "data_requested": "Raison sociale",
                "retention_months": 24,
                "dpo_email": "dpo@exemple.gouv.fr",
                "technical_contact_email": "technique@exemple.gouv.fr"
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // A later write proves the index has caught up past the request.
    app.send(
        Method::POST,
        "/api/v1/products",
        &json!({
            "slug": "temoin", "title": "Produit témoin", "mission": "m",
            "incubator": "fabrique-demo", "phases": [{"name": "investigation", "start": "2025-01-01"}]
        }),
    )
    .await;
    until(&app, "q=temoin", |r| has(r, "product", "temoin")).await;
    assert!(found(&app, "q=zorglub").await.is_empty());
    assert!(found(&app, "q=demandeuse").await.is_empty());
    app.stop().await;
}
on_both_backends!(follows_writes, follows_writes_and_keeps_personal_data_out);

/// A programme of one promotion with `challenges`, each as (slug, title, year), taken on by
/// one entrepreneur whose profile and links must stay out of the index.
fn programme(challenges: &[(&str, &str, i32)]) -> Programme {
    let slug = |s: &str| Slug::parse(s).unwrap();
    Programme {
        promotions: vec![Promotion {
            slug: slug("eig-5"),
            code: "5".into(),
            title: "Les défis EIG 5".into(),
            year: 2021,
        }],
        skills: vec![Skill {
            slug: slug("datascience"),
            label: "Data science".into(),
        }],
        challenges: challenges
            .iter()
            .map(|(s, title, year)| Challenge {
                slug: slug(s),
                title: (*title).into(),
                description: "Cartographier les nuisances sonores des aéroports".into(),
                administration: "Direction générale de l'aviation civile".into(),
                administration_website: None,
                city: Some("Orléans".into()),
                year: *year,
                promotion: slug("eig-5"),
                duration_months: Some(10),
                skills: vec![slug("datascience")],
                key_figures: Vec::new(),
                source_code: None,
                website: None,
                eigs: vec![slug("ophelie-vasseur")],
                mentors: Vec::new(),
            })
            .collect(),
        people: vec![Person {
            slug: slug("ophelie-vasseur"),
            name: "Ophélie Vasseur".into(),
            role: EigRole::Eig,
            profile: "Palynologue".into(),
            years: vec![2021],
            promotions: vec![slug("eig-5")],
            challenges: challenges.iter().map(|(s, _, _)| slug(s)).collect(),
            skills: Vec::new(),
            links: PersonLinks {
                github: Some("zorglub-ophelie".into()),
                ..PersonLinks::default()
            },
        }],
    }
}

async fn challenges_follow_the_programme_import(db: TestDb) {
    db.fill_demo().await;
    let store = db.store.clone();
    let app = TestApp::spawn_writable(db).await;
    let import = |programme: Programme| {
        let store = store.clone();
        async move {
            store
                .apply_eig_import(&programme, false, &Actor::system("test"))
                .await
                .unwrap();
        }
    };

    // An imported challenge is found without accents and with a typo, under its label and
    // page, by its entrepreneur's name but never by their profile or links.
    import(programme(&[("cartavion", "CartAvion", 2021)])).await;
    until(&app, "q=cartavoin+aeroports", |r| {
        // The challenge's portfolio product `eig-cartavion` shares its words and may rank
        // first: top 3 is the relevance bar.
        has(&r[..r.len().min(3)], "challenge", "cartavion")
    })
    .await;
    let (_, body) = app.get("/api/v1/search?q=cartavion&kind=challenge").await;
    assert_eq!(body["data"][0]["kind_label"], "Défi EIG", "{body}");
    assert_eq!(body["data"][0]["url"], "/talents/eig/defis/cartavion");
    assert!(has(
        &found(&app, "q=ophelie+vasseur").await,
        "challenge",
        "cartavion"
    ));
    assert!(found(&app, "q=palynologue").await.is_empty());
    assert!(found(&app, "q=zorglub").await.is_empty());

    // The year facet counts and filters challenges.
    let (_, by_year) = app.get("/api/v1/search?kind=challenge&year=2021").await;
    assert_eq!(by_year["total"], 1, "{by_year}");
    let years = by_year["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["facet"] == "year")
        .unwrap()["values"]
        .clone();
    assert!(
        years
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["value"] == "2021" && v["count"] == 1),
        "{years}"
    );
    assert!(found(&app, "kind=challenge&year=2022").await.is_empty());

    // Imported again: renamed, a second one added; then the first removed.
    import(programme(&[
        ("cartavion", "Bruitavion", 2021),
        ("vigie-pistes", "Vigie pistes", 2022),
    ]))
    .await;
    until(&app, "q=bruitavion", |r| has(r, "challenge", "cartavion")).await;
    until(&app, "q=vigie+pistes", |r| {
        has(r, "challenge", "vigie-pistes")
    })
    .await;
    assert!(found(&app, "q=cartavion&kind=challenge").await.is_empty());
    import(programme(&[("vigie-pistes", "Vigie pistes", 2022)])).await;
    until(&app, "q=bruitavion&kind=challenge", <[_]>::is_empty).await;

    // The page shows the kind's label, and offers it as a facet value.
    let html = reqwest::get(app.url("/recherche?q=vigie+pistes"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Défi EIG"), "{html}");
    assert!(
        html.contains(r#"<a href="/talents/eig/defis/vigie-pistes">Vigie pistes</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"name="kind" value="challenge""#), "{html}");
    app.stop().await;
}
on_both_backends!(challenges_follow, challenges_follow_the_programme_import);

async fn api_facets_paging_and_errors(db: TestDb) {
    db.fill_demo().await;
    restricted_data(&db).await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;

    let (status, all) = app.get("/api/v1/search").await;
    assert_eq!(status, 200, "{all}");
    let total = all["total"].as_u64().unwrap();
    assert_eq!(all["page"], 1);
    assert_eq!(all["page_size"], 20);
    assert_eq!(all["data"].as_array().unwrap().len(), 20);
    let kinds = |body: &Value| -> Vec<(String, u64)> {
        body["facets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["facet"] == "kind")
            .map(|f| {
                f["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| {
                        (
                            v["value"].as_str().unwrap().to_owned(),
                            v["count"].as_u64().unwrap(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let counted: u64 = kinds(&all).iter().map(|(_, n)| n).sum();
    assert_eq!(counted, total, "every document has one kind");
    let products = kinds(&all)
        .into_iter()
        .find(|(k, _)| k == "product")
        .unwrap()
        .1;

    // Filtered on the kind, the kind facet still counts the other kinds.
    let (_, only) = app.get("/api/v1/search?kind=product&page_size=100").await;
    assert_eq!(only["total"].as_u64().unwrap(), products);
    assert!(
        only["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["kind"] == "product")
    );
    assert!(
        kinds(&only).iter().any(|(k, n)| k == "dataset" && *n == 2),
        "{only}"
    );
    let (_, two) = app
        .get("/api/v1/search?kind=product&kind=dataset&page_size=100")
        .await;
    assert_eq!(two["total"].as_u64().unwrap(), products + 2);
    let (_, restricted) = app.get("/api/v1/search?access=restricted").await;
    assert_eq!(restricted["total"], 1, "{restricted}");
    assert_eq!(
        restricted["data"][0]["url"],
        "/donnees/jeux-de-donnees/sirene-diffusion-restreinte"
    );

    // Paging: the second page follows the first, without overlap.
    let (_, first) = app
        .get("/api/v1/search?kind=product&page_size=3&sort=date")
        .await;
    let (_, second) = app
        .get("/api/v1/search?kind=product&page_size=3&page=2&sort=date")
        .await;
    let slugs = |b: &Value| -> Vec<String> {
        b["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(slugs(&first).len(), 3);
    assert!(slugs(&second).iter().all(|s| !slugs(&first).contains(s)));
    let dates: Vec<String> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "latest first");

    // Highlights are escaped HTML with the matched words marked.
    let (_, eau) = app.get("/api/v1/search?q=eau").await;
    let highlights = eau["data"][0]["highlights"].as_array().unwrap();
    assert!(
        highlights
            .iter()
            .any(|h| h["html"].as_str().unwrap().contains("<mark>Eau</mark>")),
        "{eau}"
    );

    for (query, field) in [
        ("kind=inconnu", "kind"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("page_size=0", "page_size"),
        ("page_size=1001", "page_size"),
        ("sort=titre", "sort"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/search?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "{query}: {body}"
        );
    }
    let long = "a".repeat(201);
    let (status, _) = app.get(&format!("/api/v1/search?q={long}")).await;
    assert_eq!(status, 422);

    // The page: results, facets as checkboxes, the empty state, a bad value.
    let page = |path: &str| {
        let url = app.url(path);
        async move {
            let response = reqwest::get(url).await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, html) = page("/recherche?q=eau+claire").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<a href="/produits/eau-claire">Eau Claire</a>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"type="checkbox" id="s-kind-1" name="kind" value="product""#),
        "{html}"
    );
    assert!(
        html.contains(r#"value="eau claire""#),
        "the header's box keeps the words"
    );
    let (status, html) = page("/recherche?q=eau&kind=product").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"value="product" checked"#), "{html}");
    let (status, html) = page("/recherche?q=zzzzqqqq").await;
    assert_eq!(status, 200);
    assert!(html.contains("Aucun résultat"), "{html}");
    let (status, _) = page("/recherche?kind=inconnu").await;
    assert_eq!(status, 422);
    app.stop().await;
}
on_both_backends!(api_and_page, api_facets_paging_and_errors);

/// An index in a directory is reused when at the store's position, and rebuilt when
/// behind it, corrupted, or asked to by `pilote search rebuild`.
#[tokio::test]
async fn an_index_on_disk_is_reused_or_rebuilt() {
    let db = TestDb::fresh(common::Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let (feed, rebuilt) = pilote_web::SearchFeed::open(&db.store, Some(&index))
        .await
        .unwrap();
    assert!(rebuilt, "a missing index is built");
    let documents = feed.len();
    assert!(documents > 20, "{documents}");
    drop(feed);
    let (feed, rebuilt) = pilote_web::SearchFeed::open(&db.store, Some(&index))
        .await
        .unwrap();
    assert!(!rebuilt, "a current index is reused");
    assert_eq!(feed.len(), documents);
    drop(feed);

    restricted_data(&db).await;
    let (feed, rebuilt) = pilote_web::SearchFeed::open(&db.store, Some(&index))
        .await
        .unwrap();
    assert!(rebuilt, "an index behind the store is rebuilt");
    assert_eq!(feed.len(), documents + 3, "two datasets and a resource");
    drop(feed);

    // Every file of the index overwritten with garbage.
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && !path.ends_with(".tantivy-writer.lock") {
            std::fs::write(&path, b"garbage").unwrap();
        }
    }
    let (feed, rebuilt) = pilote_web::SearchFeed::open(&db.store, Some(&index))
        .await
        .unwrap();
    assert!(rebuilt, "a corrupted index is rebuilt");
    assert_eq!(feed.len(), documents + 3);
    drop(feed);

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["search", "rebuild", "--search-index"])
        .arg(&index)
        .args(["--database", &db.url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!(": {} documents", documents + 3)),
        "{stdout}"
    );
}

/// Queries as people type them (without accents, with a typo, a word cut short), each with
/// the record it must find among the first three results; written from the real data.
const RELEVANCE: &[(&str, &str, &str)] = &[
    // Products of the beta.gouv.fr network.
    ("aidants conect", "product", "aidantsconnect"),
    ("aides territoires", "product", "aides-territoires"),
    ("bonne boite", "product", "la-bonne-boite"),
    ("bonne renov", "product", "la.bonne.renov"),
    ("qualichare", "product", "qualicharge"),
    ("medle", "product", "medle"),
    ("versementgetorix", "product", "versementgetorix"),
    ("openfica", "product", "openfisca"),
    ("pass cultur", "product", "pass-culture"),
    ("suivi justice", "product", "mon-suivi-justice"),
    ("jardin mental", "product", "monsuivipsy"),
    ("epandage facile", "product", "epandage-facile"),
    (
        "agrement phytopharmaceutiqe",
        "product",
        "agrement-phytopharmaceutique",
    ),
    ("urbanvitaliz friches", "product", "urbanvitaliz"),
    ("signalconso", "product", "signalement"),
    // Software of the interministerial catalogue.
    ("libreofice", "software", "libreoffice"),
    ("keepass", "software", "keepass"),
    ("inkscap", "software", "inkscape"),
    ("keycloack", "software", "keycloak"),
    (
        "grammalecte libreofice",
        "software",
        "grammalecte-libreoffice",
    ),
    ("audacitty", "software", "audacity"),
    ("filezila", "software", "filezilla"),
    ("limesurvy", "software", "limesurvey"),
    // Datasets of data.gouv.fr.
    (
        "beneficiaires rsa",
        "dataset",
        "beneficiaires-du-rsa-ou-revenu-de-solidarite-active-par-departement-et-region",
    ),
    ("plaintes cnil", "dataset", "plaintes-recues-par-la-cnil"),
    (
        "traites accords france",
        "dataset",
        "traites-et-accords-de-la-france",
    ),
    (
        "repertoire national structures recherche",
        "dataset",
        "repertoire-national-des-structures-de-recherche",
    ),
    (
        "reseaux reussite scolaire",
        "dataset",
        "les-reseaux-de-reussite-scolaire-rrs",
    ),
    (
        "prises de vue aeriennes ign",
        "dataset",
        "prises-de-vue-aeriennes-dematerialisees-de-lign",
    ),
    ("etudiants dut", "dataset", "les-etudiants-preparant-un-dut"),
    (
        "representations departementales protection civile",
        "dataset",
        "annuaire-des-representations-departementales-de-la-protection-civile",
    ),
    // APIs of api.gouv.fr.
    ("api particulier", "api", "api-particulier"),
    ("base adresse nationale", "api", "base-adresse-nationale"),
    ("georisques", "api", "api-georisques"),
    // Challenges of the EIG programme.
    ("monitorfsh peche", "challenge", "monitorfish"),
    ("conflits interets medical", "challenge", "adex"),
    ("faux avis consomateurs", "challenge", "polygraphe"),
    ("sapeurs pompiers operations", "challenge", "operations-18"),
    ("label decisons justice", "challenge", "label"),
];

/// The real network, software catalogue, data.gouv.fr export, API catalogue and EIG
/// programme imported, every query of [`RELEVANCE`] finds its record among the first three
/// results.
#[tokio::test]
async fn real_queries_find_the_right_record_in_the_top_three() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let db = TestDb::fresh(common::Backend::Sqlite).await.unwrap();
    let imports = [
        ("beta", data.join("betagouv")),
        ("sill", data.join("sill/sill.json")),
        (
            "datagouv",
            data.join("datagouv/datasets-export-2020-01-11.csv"),
        ),
        ("apigouv", data.join("apigouv")),
        ("eig", data.join("eig")),
    ];
    for (source, path) in imports {
        let url = db.url.clone();
        let output = tokio::task::spawn_blocking(move || {
            common::run_import(&url, &["import", source, "--skip-invalid"], &path)
        })
        .await
        .unwrap();
        assert!(
            output.status.success(),
            "{source}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let mut misses = Vec::new();
    for (query, kind, slug) in RELEVANCE {
        let q: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
        let top = found(&app, &format!("q={q}&page_size=3")).await;
        let rank = top.iter().position(|(k, s)| k == kind && s == slug);
        println!(
            "{query:>50} → {kind} {slug}: {}",
            rank.map_or("absent".to_owned(), |r| format!("#{}", r + 1))
        );
        if rank.is_none() {
            misses.push(format!("{query} → {kind} {slug}, got {top:?}"));
        }
    }
    assert!(RELEVANCE.len() >= 30);
    assert!(
        misses.is_empty(),
        "{} of {} missed:\n{}",
        misses.len(),
        RELEVANCE.len(),
        misses.join("\n")
    );
    app.stop().await;
}
