//! The data catalogue's pages on a real server: the dataset list's filters, orders, paging,
//! downloads and errors on their field, a dataset's page with its resources, a restricted
//! dataset's page with the way to ask for access and without its resources' addresses,
//! the APIs, a producer's page, the navigation, and the 404s. The fixture is the demo's
//! catalogue (`src/demo/data.json`) and 25 more datasets of one producer, for paging. Each
//! test runs on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{Browser, TestApp, TestDb};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::data::{
    AccessType, Api, DataProject, DataSource, Dataset, Producer, Resource, ResourceType,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct DemoData {
    producers: Vec<Producer>,
    datasets: Vec<Dataset>,
    apis: Vec<Api>,
    projects: Vec<DataProject>,
}

/// Datasets generated for paging: open, in `ods`, under `fr-lo`, undated and unscored.
const GENERATED: usize = 25;

async fn fill(db: &TestDb) {
    let demo: DemoData = serde_json::from_str(include_str!("../src/demo/data.json")).unwrap();
    let mut datasets = demo.datasets;
    for dataset in &datasets {
        dataset.validate().unwrap();
    }
    for n in 1..=GENERATED {
        datasets.push(Dataset {
            slug: Slug::parse(&format!("releve-genere-{n:02}")).unwrap(),
            source_id: None,
            title: format!("Relevé généré {n:02}"),
            description: String::new(),
            producer: Some(Slug::parse("min-transition").unwrap()),
            licence: Some("fr-lo".into()),
            frequency: pilote_domain::data::Frequency::Annual,
            temporal_start: None,
            temporal_end: None,
            spatial: None,
            tags: vec![],
            access: AccessType::Open,
            audiences: vec![],
            quality: None,
            created: None,
            modified: None,
            source: DataSource::Manual,
            page_url: None,
            resources: vec![Resource {
                id: None,
                title: format!("releve-{n:02}.ods"),
                kind: ResourceType::Main,
                format: Some("ods".into()),
                url: format!("https://transition.example.org/releves/{n:02}.ods"),
                size: None,
                checksum_type: None,
                checksum_value: None,
                last_modified: None,
                available: None,
            }],
        });
    }
    let import = pilote_store::DataImport {
        source: DataSource::Manual,
        producers: demo.producers,
        datasets,
        apis: demo.apis,
    };
    let actor = Actor::system("test");
    db.store
        .apply_data_import(&import, false, &actor)
        .await
        .unwrap();
    for project in &demo.projects {
        db.store.save_data_project(project, &actor).await.unwrap();
    }
}

/// The slugs a page links to under `prefix` (`/donnees/jeux-de-donnees/`), in page order.
fn linked(html: &str, prefix: &str) -> Vec<String> {
    let marker = format!("href=\"{prefix}");
    html.match_indices(&marker)
        .map(|(at, _)| {
            html[at + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn datasets_of(html: &str) -> Vec<String> {
    linked(html, "/donnees/jeux-de-donnees/")
}

fn apis_of(html: &str) -> Vec<String> {
    linked(html, "/donnees/api/")
}

/// The figure of the results line (`<p role="status">30 jeux de données</p>`).
fn count(html: &str) -> usize {
    let start = html.find("<p role=\"status\">").unwrap() + "<p role=\"status\">".len();
    html[start..].split(' ').next().unwrap().parse().unwrap()
}

const DEMO_OPEN: &str = "qualite-eau-robinet-demo";
const DEMO_CYCLING: &str = "pistes-cyclables-demo";
const DEMO_ACCOUNT: &str = "offres-emploi-territoire-demo";
const DEMO_RESTRICTED: &str = "beneficiaires-aides-sociales-demo";
const DEMO_UNDATED: &str = "signalements-bruit-demo";

async fn catalogue_filters_orders_and_pages(db: TestDb) {
    fill(&db).await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let visitor = Browser::with(&app, None);
    let get = |path: &'static str| visitor.get(path);

    let (status, all) = get("/donnees").await;
    assert_eq!(status, 200);
    assert_eq!(count(&all), 5 + GENERATED);
    assert!(all.contains("30 jeux de données"));
    assert_eq!(datasets_of(&all).len(), 20, "a page holds 20 datasets");
    assert!(all.contains("href=\"/donnees?page=2\""), "pagination");
    // The producer select gives each producer's count; the formats and licences theirs.
    assert!(all.contains(
        "<option value=\"min-transition\">Ministère de la Transition (démo) (28)</option>"
    ));
    assert!(all.contains("<option value=\"ods\">ods (25)</option>"));
    assert!(all.contains("<option value=\"fr-lo\">fr-lo (25)</option>"));
    assert!(all.contains("<option value=\"restricted\">Restreint</option>"));
    assert!(all.contains("<option value=\"account\">Ouvert avec compte</option>"));
    // The datalab's project, with its datasets' titles.
    assert!(all.contains("Mesure du non-recours aux aides sociales"));
    let (_, second) = get("/donnees?page=2").await;
    assert_eq!(datasets_of(&second).len(), 10);
    let mut both: Vec<String> = datasets_of(&all);
    both.extend(datasets_of(&second));
    both.sort();
    both.dedup();
    assert_eq!(both.len(), 30, "two pages hold every dataset once");

    // Each filter keeps exactly the datasets it names.
    for (path, expected) in [
        ("/donnees?access=restricted", vec![DEMO_RESTRICTED]),
        ("/donnees?access=account", vec![DEMO_ACCOUNT]),
        ("/donnees?producer=dir-solidarites", vec![DEMO_RESTRICTED]),
        ("/donnees?format=parquet", vec![DEMO_RESTRICTED]),
        ("/donnees?format=CSV", vec![DEMO_OPEN]),
        ("/donnees?licence=odc-odbl", vec![DEMO_CYCLING]),
        ("/donnees?q=eau+ROBINET", vec![DEMO_OPEN]),
        ("/donnees?q=beneficiaires", vec![DEMO_RESTRICTED]),
        (
            "/donnees?producer=min-transition&format=json",
            vec![DEMO_CYCLING],
        ),
        (
            "/donnees?licence=etalab-2.0&sort=title",
            vec![DEMO_ACCOUNT, DEMO_OPEN],
        ),
    ] {
        let (status, html) = visitor.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(datasets_of(&html), expected, "{path}");
        assert_eq!(count(&html), expected.len(), "{path}");
    }
    let (_, open) = get("/donnees?access=open").await;
    assert_eq!(count(&open), 3 + GENERATED);
    assert!(!datasets_of(&open).contains(&DEMO_RESTRICTED.to_owned()));
    // Pages keep the filters, and the form shows them chosen.
    assert!(
        open.contains("href=\"/donnees?access=open&#38;page=2\""),
        "pagination keeps the filters"
    );
    assert!(open.contains("<option value=\"open\" selected>Ouvert</option>"));

    // The downloads carry the same filters, and answer the same datasets.
    let (_, restricted) = get("/donnees?access=restricted&q=aides").await;
    for export in [
        "/donnees/jeux-de-donnees.csv?q=aides&#38;access=restricted",
        "/donnees/jeux-de-donnees.json?q=aides&#38;access=restricted",
        "/donnees/catalogue.ttl?q=aides&#38;access=restricted",
        "/donnees/catalogue.jsonld?q=aides&#38;access=restricted",
    ] {
        assert!(
            restricted.contains(&format!("href=\"{export}\"")),
            "{export}"
        );
    }
    let (status, csv) = get("/donnees/jeux-de-donnees.csv?q=aides&access=restricted").await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].iter().any(|field| field == DEMO_RESTRICTED));

    // Orders: last modified first, best quality first, title; the undated and unscored
    // come last.
    let (_, modified) = get("/donnees?sort=modified").await;
    let shown = datasets_of(&modified);
    assert_eq!(
        shown[..4],
        [DEMO_OPEN, DEMO_CYCLING, DEMO_ACCOUNT, DEMO_RESTRICTED]
    );
    assert!(
        modified.contains("<option value=\"modified\" selected>Dernière modification</option>")
    );
    assert!(modified.contains("href=\"/donnees?sort=modified&#38;page=2\""));
    let (_, quality) = get("/donnees?sort=quality").await;
    assert_eq!(
        datasets_of(&quality)[..4],
        [DEMO_OPEN, DEMO_ACCOUNT, DEMO_CYCLING, DEMO_RESTRICTED]
    );
    let (_, by_title) = get("/donnees?sort=title").await;
    let titled = datasets_of(&by_title);
    assert_eq!(
        titled[..5],
        [
            DEMO_CYCLING,
            DEMO_RESTRICTED,
            DEMO_ACCOUNT,
            DEMO_OPEN,
            "releve-genere-01"
        ]
    );
    let (_, last_page) = get("/donnees?sort=title&page=2").await;
    assert_eq!(datasets_of(&last_page).last().unwrap(), DEMO_UNDATED);

    // Nothing found: said, with a way back to every dataset.
    let (status, none) = get("/donnees?q=zzzqqq").await;
    assert_eq!(status, 200);
    assert_eq!(count(&none), 0);
    assert!(none.contains("Aucun jeu de données ne correspond à ces filtres."));
    assert!(none.contains("href=\"/donnees\">Effacer les filtres</a>"));

    // A bad value is an error on its field, never a failure.
    for (path, field) in [
        ("/donnees?access=closed", "access"),
        ("/donnees?sort=oldest", "sort"),
        ("/donnees?producer=Pas%20un%20slug%20!", "producer"),
    ] {
        let (status, html) = visitor.get(path).await;
        assert_eq!(status, 422, "{path}");
        assert!(
            html.contains(&format!("id=\"f-{field}-error\"")),
            "{path}: {html}"
        );
        assert!(
            html.contains(&format!("href=\"#f-{field}\"")),
            "{path}: error summary"
        );
        assert!(html.contains("aria-invalid=\"true\""), "{path}");
        assert!(html.contains("<title>Erreur — "), "{path}");
        assert!(datasets_of(&html).is_empty(), "{path}");
    }
    let (status, _) = get("/api/v1/datasets?sort=oldest").await;
    assert_eq!(status, 422, "the API refuses the same bad value");
    app.stop().await;
}

on_both_backends!(catalogue, catalogue_filters_orders_and_pages);

async fn dataset_and_api_pages(db: TestDb) {
    fill(&db).await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let visitor = Browser::with(&app, None);

    let (status, open) = visitor
        .get(&format!("/donnees/jeux-de-donnees/{DEMO_OPEN}"))
        .await;
    assert_eq!(status, 200);
    for shown in [
        "<h1>Qualité de l’eau du robinet par commune</h1>",
        // The description is Markdown.
        "<strong>prélèvements sanitaires</strong>",
        "<li>un fichier par année ;</li>",
        "href=\"/donnees/producteurs/min-transition\">Ministère de la Transition (démo)</a> (MTD)",
        "<dt>Licence</dt><dd>etalab-2.0</dd>",
        "<dd>Mensuelle</dd>",
        "du 2020-01-01 au 2025-06-30",
        "<dt>Couverture géographique</dt><dd>France</dd>",
        "<p class=\"fr-tag fr-tag--sm\">santé</p>",
        "fr-badge--success\">Accès : Ouvert</span>",
        "<dd>86 %</dd>",
        // The resources: title, type, format, size, day, link, availability.
        "<th scope=\"row\"><a href=\"https://transition.example.org/donnees/qualite-eau-2025.csv\" rel=\"noopener\">Prélèvements 2025</a></th><td>Fichier principal</td><td>csv</td><td>18,4 Mo</td><td>2025-07-01</td><td>Lien direct</td><td>Disponible</td>",
        "Dictionnaire des variables</a></th><td>Documentation</td><td>pdf</td><td>240,0 ko</td><td>2023-05-12</td>",
        "<td>Disponible</td>",
        "<td>Non vérifiée</td>",
        // The producer's API.
        "href=\"/donnees/api/api-qualite-eau-demo\"",
    ] {
        assert!(open.contains(shown), "{shown}");
    }
    assert_eq!(
        open.matches("<th scope=\"row\">").count(),
        3,
        "three resources"
    );
    assert!(!open.contains("Demander l’accès"));

    // A restricted dataset: its existence, who may ask and how; never its resources'
    // addresses nor who holds an authorisation.
    let (status, restricted) = visitor
        .get(&format!("/donnees/jeux-de-donnees/{DEMO_RESTRICTED}"))
        .await;
    assert_eq!(status, 200);
    assert!(restricted.contains("fr-badge--warning\">Accès : Restreint</span>"));
    assert!(restricted.contains("Peuvent en demander l’accès : administrations, chercheurs."));
    assert!(restricted.contains(&format!(
        "<a class=\"fr-btn\" href=\"/donnees/demandes/nouvelle?jeu={DEMO_RESTRICTED}\">Demander l’accès</a>"
    )));
    assert!(restricted.contains("<th scope=\"row\">Bénéficiaires par foyer et par mois</th>"));
    assert!(restricted.contains("<td>2,3 Go</td>"));
    assert_eq!(restricted.matches("Sur autorisation").count(), 2);
    assert!(
        !restricted.contains("espace-securise"),
        "no resource address"
    );
    assert!(
        !restricted.contains("/api/v1/datasets/"),
        "no link to the JSON either"
    );

    // Open with an account: the resources' links, no request.
    let (_, account) = visitor
        .get(&format!("/donnees/jeux-de-donnees/{DEMO_ACCOUNT}"))
        .await;
    assert!(account.contains("fr-badge--info\">Accès : Ouvert avec compte</span>"));
    assert!(account.contains("href=\"https://emploi.example.org/donnees/offres-par-bassin.xlsx\""));
    assert!(!account.contains("Demander l’accès"));

    // The APIs: filters, and each API's page.
    let (status, apis) = visitor.get("/donnees/api").await;
    assert_eq!(status, 200);
    assert_eq!(count(&apis), 3);
    assert!(apis.contains("3 API"));
    for (path, expected) in [
        (
            "/donnees/api?access=restricted",
            vec!["api-droits-sociaux-demo"],
        ),
        (
            "/donnees/api?access=account",
            vec!["api-offres-emploi-demo"],
        ),
        ("/donnees/api?theme=emploi", vec!["api-offres-emploi-demo"]),
        (
            "/donnees/api?producer=min-transition",
            vec!["api-qualite-eau-demo"],
        ),
        ("/donnees/api?q=DROITS", vec!["api-droits-sociaux-demo"]),
        ("/donnees/api?q=zzzqqq", vec![]),
    ] {
        let (status, html) = visitor.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(apis_of(&html), expected, "{path}");
    }
    let (_, none) = visitor.get("/donnees/api?q=zzzqqq").await;
    assert!(none.contains("Aucune API ne correspond à ces filtres."));
    let (status, bad) = visitor.get("/donnees/api?access=ferme").await;
    assert_eq!(status, 422);
    assert!(bad.contains("id=\"f-access-error\""));

    let (status, api) = visitor.get("/donnees/api/api-droits-sociaux-demo").await;
    assert_eq!(status, 200);
    for shown in [
        "<h1>API Droits sociaux</h1>",
        "Vérifiez les droits d’un usager aux prestations de solidarité, avec son accord",
        "href=\"/donnees/producteurs/dir-solidarites\"",
        "fr-badge--warning\">Accès : Restreint</span>",
        "<a class=\"fr-btn\" href=\"/donnees/demandes/nouvelle?api=api-droits-sociaux-demo\">Demander l’accès</a>",
        "href=\"https://solidarites.example.org/api/droits/documentation\"",
        "<dd>5 appels / seconde / habilitation</dd>",
        "href=\"https://statut.solidarites.example.org\"",
        "disponibilité sur le dernier mois : 99,20 %",
        "href=\"/donnees/api?theme=Solidarit%C3%A9s\"",
        "href=\"mailto:api-droits@solidarites.example.org\"",
    ] {
        assert!(api.contains(shown), "{shown}");
    }
    let (_, account_api) = visitor.get("/donnees/api/api-offres-emploi-demo").await;
    assert!(!account_api.contains("Demander l’accès"));
    assert!(account_api.contains("href=\"https://emploi.example.org/developpeurs/inscription\""));
    assert!(account_api.contains("<dd>Région Exemple (démo)</dd>"));

    // A producer: its datasets, paged, and its APIs.
    let (status, producer) = visitor.get("/donnees/producteurs/min-transition").await;
    assert_eq!(status, 200);
    assert!(producer.contains("<h1>Ministère de la Transition (démo) (MTD)</h1>"));
    assert_eq!(count(&producer), 3 + GENERATED);
    assert_eq!(datasets_of(&producer).len(), 20);
    assert_eq!(apis_of(&producer), ["api-qualite-eau-demo"]);
    let (_, next) = visitor
        .get("/donnees/producteurs/min-transition?page=2")
        .await;
    assert_eq!(datasets_of(&next).len(), 8);
    assert!(producer.contains("href=\"/donnees?producer=min-transition\""));

    for path in [
        "/donnees/jeux-de-donnees/inconnu",
        "/donnees/jeux-de-donnees/Pas%20un%20slug",
        "/donnees/api/inconnue",
        "/donnees/producteurs/inconnu",
    ] {
        let (status, html) = visitor.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Page non trouvée"), "{path}");
    }

    // « Données » in the main navigation, current on the data pages, and in the site map.
    let (_, home) = visitor.get("/").await;
    assert!(home.contains("<a class=\"fr-nav__link\" href=\"/donnees\">Données</a>"));
    assert!(
        open.contains(
            "<a class=\"fr-nav__link\" href=\"/donnees\" aria-current=\"page\">Données</a>"
        )
    );
    let (_, map) = visitor.get("/plan-du-site").await;
    assert!(map.contains("href=\"/donnees\""));
    assert!(map.contains("href=\"/donnees/api\""));
    app.stop().await;
}

on_both_backends!(pages, dataset_and_api_pages);

/// 35 producers: `producteur-01` to `-05` publish one dataset, `-06` to `-35` two.
async fn fill_producers(db: &TestDb) {
    let producers: Vec<Producer> = (1..=35)
        .map(|n| {
            serde_json::from_value(serde_json::json!({
                "slug": format!("producteur-{n:02}"), "name": format!("Producteur {n:02}")
            }))
            .unwrap()
        })
        .collect();
    let datasets: Vec<Dataset> = (1..=35)
        .flat_map(|n| (1..=if n <= 5 { 1 } else { 2 }).map(move |k| (n, k)))
        .map(|(n, k)| {
            serde_json::from_value(serde_json::json!({
                "slug": format!("jeu-{n:02}-{k}"), "title": format!("Jeu {n:02} {k}"),
                "producer": format!("producteur-{n:02}")
            }))
            .unwrap()
        })
        .collect();
    db.store
        .apply_data_import(
            &pilote_store::DataImport {
                source: DataSource::Manual,
                producers,
                datasets,
                apis: vec![],
            },
            false,
            &Actor::system("test"),
        )
        .await
        .unwrap();
}

async fn producer_filter_and_index(db: TestDb) {
    fill_producers(&db).await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let visitor = Browser::with(&app, None);

    // The filter lists the thirty that publish the most, and links to them all.
    let (status, all) = visitor.get("/donnees").await;
    assert_eq!(status, 200);
    assert_eq!(all.matches("<option value=\"producteur-").count(), 30);
    assert!(all.contains("<option value=\"producteur-35\">Producteur 35 (2)</option>"));
    assert!(!all.contains("<option value=\"producteur-01\""));
    assert!(all.contains("href=\"/donnees/producteurs\""));
    // A smaller producer, once chosen, stays in the list, selected.
    let (status, chosen) = visitor.get("/donnees?producer=producteur-01").await;
    assert_eq!(status, 200);
    assert_eq!(count(&chosen), 1);
    assert!(chosen.contains("<option value=\"producteur-01\" selected>Producteur 01 (1)</option>"));
    assert_eq!(chosen.matches("<option value=\"producteur-").count(), 31);

    // The index: every producer by name with its counts, paged by twenty.
    let (status, index) = visitor.get("/donnees/producteurs").await;
    assert_eq!(status, 200);
    assert_eq!(count(&index), 35);
    let listed = linked(&index, "/donnees/producteurs/");
    assert_eq!(listed.len(), 20);
    assert_eq!(listed[0], "producteur-01");
    assert!(index.contains(
        "<a href=\"/donnees/producteurs/producteur-06\">Producteur 06</a></th><td>2</td><td>0</td>"
    ));
    assert!(index.contains("href=\"/donnees/producteurs?page=2\""));
    let (_, next) = visitor.get("/donnees/producteurs?page=2").await;
    assert_eq!(linked(&next, "/donnees/producteurs/").len(), 15);
    app.stop().await;
}

on_both_backends!(producers, producer_filter_and_index);
