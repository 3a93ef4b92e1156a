//! The data catalogue: `pilote import datagouv`, `udata` and `apigouv` on the real sources
//! (counts, warnings, idempotent, audited), round trips of real datasets and APIs through
//! the read API, broken files refused with nothing written, the dataset list's filters and
//! paging, and the datalab's projects. Each test runs on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb, run_import, shared_data, summary_counts};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::data::{DataProject, DataSource, ProjectStatus};
use pilote_import::ImportOptions;
use serde_json::Value;

fn succeeded(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn log_size(db: &TestDb) -> u64 {
    db.store.audit_page(0, 1).await.unwrap().total
}

/// The value of a top-level `key:` of a Markdown file's front matter.
fn front_matter_value(text: &str, key: &str) -> Option<String> {
    text.lines()
        .skip(1)
        .take_while(|line| line.trim_end() != "---")
        .find_map(|line| {
            line.strip_prefix(&format!("{key}:"))
                .map(|v| v.split(" #").next().unwrap_or_default().trim().to_owned())
        })
}

async fn real_sources_imported(db: TestDb) {
    let Some(data) = shared_data() else { return };
    let csv = data.join("datagouv/datasets-export-2020-01-11.csv");
    let udata = data.join("udata/api-fixtures.json");
    let apigouv = data.join("apigouv");
    let url = db.url.clone();
    let run = |args: &'static [&'static str], path: std::path::PathBuf| {
        let url = url.clone();
        async move {
            tokio::task::spawn_blocking(move || run_import(&url, args, &path))
                .await
                .unwrap()
        }
    };

    let first = run(&["import", "datagouv"], csv.clone()).await;
    let text = succeeded(&first);
    println!("{}", text.lines().take(6).collect::<Vec<_>>().join("\n"));
    assert!(!text.contains("rejeté"), "zero rejects");
    assert_eq!(
        summary_counts(&first, "datasets"),
        ["2862", "2862", "0", "0"]
    );
    assert_eq!(
        summary_counts(&first, "producers"),
        ["201", "201", "0", "0"]
    );
    // 103 slugs are longer than a slug may be: the source's id replaces them.
    assert!(text.contains("103 avertissement(s)"), "{text}");
    assert!(text.contains("il dépasse 120 caractères ; l'identifiant de la source"));
    let logged = log_size(&db).await;
    assert_eq!(logged, 2862 + 201);
    let again = run(&["import", "datagouv"], csv.clone()).await;
    assert!(succeeded(&again).contains("Aucun changement"));
    assert_eq!(
        summary_counts(&again, "datasets"),
        ["2862", "0", "0", "2862"]
    );
    assert_eq!(log_size(&db).await, logged, "a second import logs nothing");

    let first = run(&["import", "udata"], udata.clone()).await;
    let text = succeeded(&first);
    println!("{text}");
    assert!(!text.contains("rejeté"), "zero rejects");
    // Three of the fixtures' datasets were in the export too: udata describes them now.
    assert_eq!(summary_counts(&first, "datasets"), ["15", "12", "3", "0"]);
    assert_eq!(summary_counts(&first, "producers")[0], "15");
    let again = run(&["import", "udata"], udata.clone()).await;
    assert!(succeeded(&again).contains("Aucun changement"));

    let first = run(&["import", "apigouv"], apigouv.clone()).await;
    let text = succeeded(&first);
    println!("{text}");
    assert!(!text.contains("rejeté"), "zero rejects");
    assert_eq!(summary_counts(&first, "apis"), ["170", "170", "0", "0"]);
    assert_eq!(summary_counts(&first, "producers")[0], "60");
    // The catalogue's three templates are skipped, each with a warning.
    assert_eq!(text.matches("modèle de fiche, ignoré").count(), 3);
    let logged = log_size(&db).await;
    let again = run(&["import", "apigouv"], apigouv.clone()).await;
    assert!(succeeded(&again).contains("Aucun changement"));
    assert_eq!(summary_counts(&again, "apis"), ["170", "0", "0", "170"]);
    assert_eq!(log_size(&db).await, logged);

    let history = db
        .store
        .audit_history(
            "dataset",
            "cuisses-de-grenouille-et-escargots-frogs-legs-and-snails",
        )
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action.as_str(), "create");

    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let (status, list) = app.get("/api/v1/datasets?page_size=1000").await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 2862 + 12);
    let (_, producers) = app.get("/api/v1/data-producers?page_size=1000").await;
    let producers_total = producers["total"].as_u64().unwrap();
    println!("producers: {producers_total}");
    assert!(producers_total > 201, "{producers_total}");
    let sums = |key: &str| -> u64 {
        producers["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[key].as_u64().unwrap())
            .sum()
    };
    assert_eq!(sums("apis"), 170, "every API has its producer");
    assert_eq!(
        sums("datasets"),
        2862 + 12 - 232,
        "all but the export's 232 without one"
    );

    // Real records of the export come back as the file gives them.
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for row in rows.iter().step_by(97) {
        let url = &row[2];
        let segment = url.trim_end_matches('/').rsplit('/').next().unwrap();
        let slug = if segment.chars().count() > 120 {
            &row[0]
        } else {
            segment
        };
        let (status, dataset) = app.get(&format!("/api/v1/datasets/{slug}")).await;
        assert_eq!(status, 200, "{slug}");
        if dataset["source"] != "datagouv" {
            continue;
        }
        assert_eq!(dataset["title"], row[1].trim());
        assert_eq!(dataset["description"], row[3].trim());
        assert_eq!(dataset["page_url"], url);
        assert_eq!(dataset["source_id"], &row[0]);
        assert_eq!(dataset["access"], "open");
        assert_eq!(
            dataset["producer_record"]["name"]
                .as_str()
                .unwrap_or_default(),
            row[4].trim(),
            "{slug}"
        );
    }

    // Every fixture dataset, with its resources, in order.
    let fixtures: Value = serde_json::from_str(&std::fs::read_to_string(&udata).unwrap()).unwrap();
    let mut resources = 0;
    for entry in fixtures["datasets"].as_array().unwrap() {
        let slug = entry["dataset"]["slug"].as_str().unwrap();
        let (status, dataset) = app.get(&format!("/api/v1/datasets/{slug}")).await;
        assert_eq!(status, 200, "{slug}");
        assert_eq!(dataset["title"], entry["dataset"]["title"]);
        assert_eq!(dataset["frequency"], entry["dataset"]["frequency"]);
        assert_eq!(dataset["tags"], entry["dataset"]["tags"]);
        let given = entry["resources"].as_array().unwrap();
        let stored = dataset["resources"].as_array().unwrap();
        assert_eq!(stored.len(), given.len(), "{slug}");
        for (stored, given) in stored.iter().zip(given) {
            assert_eq!(stored["url"], given["url"]);
            assert_eq!(stored["type"], given["type"]);
            assert_eq!(stored["checksum_value"], given["checksum"]["value"]);
            assert_eq!(stored["size"], given["filesize"]);
        }
        resources += stored.len();
        if let Some(start) = entry["dataset"]["temporal_coverage"]["start"].as_str() {
            assert_eq!(dataset["temporal_start"], start);
        }
    }
    assert_eq!(resources, 99);

    // Every API of the catalogue, with its access.
    let stored: Vec<String> = producers["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_owned())
        .collect();
    let producers_merged: Vec<String> = std::fs::read_dir(apigouv.join("producteurs"))
        .unwrap()
        .map(|f| {
            f.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|stem| !stored.contains(stem))
        .collect();
    println!("producers described first by another source: {producers_merged:?}");
    let mut files = 0;
    for file in std::fs::read_dir(apigouv.join("api")).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let slug = path.file_stem().unwrap().to_string_lossy();
        let (status, api) = app.get(&format!("/api/v1/data-apis/{slug}")).await;
        assert_eq!(status, 200, "{slug}");
        let access = match front_matter_value(&text, "is_open").unwrap().as_str() {
            "1" => "open",
            "0" => "account",
            _ => "restricted",
        };
        assert_eq!(api["access"], access, "{slug}");
        // Its producer, or the one another source described first under another slug
        // (« aife » is the export's « Agence pour l'Informatique Financière de l'Etat »).
        let producer = api["producer"].as_str().unwrap();
        let named = front_matter_value(&text, "producer").unwrap();
        assert!(
            producer == named || producers_merged.contains(&named),
            "{slug}: {producer} for {named}"
        );
    }
    assert_eq!(files, 170);
    let (_, restricted) = app.get("/api/v1/data-apis?access=restricted").await;
    assert_eq!(restricted["total"], 51);
    let (_, account) = app.get("/api/v1/data-apis?access=account").await;
    assert_eq!(account["total"], 24);
    let (status, _) = app.get("/api/v1/data-apis/nope").await;
    assert_eq!(status, 404);
    open_data_formats(&app).await;
    udata_shape(&app, &udata).await;
    app.stop().await;
}

on_both_backends!(real_sources, real_sources_imported);

async fn download(app: &TestApp, path: &str) -> (String, Vec<u8>) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let kind = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    (kind, response.bytes().await.unwrap().to_vec())
}

/// The udata v1 read API answers the portal's own fixtures' fields as the portal does.
async fn udata_shape(app: &TestApp, fixtures: &std::path::Path) {
    let fixtures: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures).unwrap()).unwrap();
    for entry in fixtures["datasets"].as_array().unwrap() {
        let given = &entry["dataset"];
        let slug = given["slug"].as_str().unwrap();
        let (status, shown) = app.get(&format!("/api/1/datasets/{slug}/")).await;
        assert_eq!(status, 200, "{slug}");
        for field in ["id", "slug", "title"] {
            assert_eq!(shown[field], given[field], "{slug}: {field}");
        }
        assert_eq!(
            shown["organization"]["name"], entry["organization"]["name"],
            "{slug}"
        );
        let urls = |list: &Value, key: &str| -> Vec<String> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|r| r[key].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(
            urls(&shown["resources"], "url"),
            urls(&entry["resources"], "url")
        );
        assert_eq!(
            urls(&shown["resources"], "id"),
            urls(&entry["resources"], "id")
        );
    }
    let (status, page) = app.get("/api/1/datasets/?page_size=20&page=2").await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 2862 + 12);
    assert_eq!(page["data"].as_array().unwrap().len(), 20);
    assert_eq!(page["next_page"], "/api/1/datasets/?page=3&page_size=20");
    assert_eq!(
        page["previous_page"],
        "/api/1/datasets/?page=1&page_size=20"
    );
    let (status, _) = app.get("/api/1/datasets/inconnu/").await;
    assert_eq!(status, 404);
}

/// The subjects typed `class` in a graph, and the triples of one subject.
fn typed(triples: &[oxrdf::Triple], class: &str) -> Vec<String> {
    let class = oxrdf::NamedNode::new(class).unwrap();
    let mut subjects: Vec<String> = triples
        .iter()
        .filter(|t| t.predicate == oxrdf::vocab::rdf::TYPE && t.object == class.clone().into())
        .map(|t| t.subject.to_string())
        .collect();
    subjects.sort();
    subjects
}

/// The catalogue as DCAT-AP (Turtle and JSON-LD, parsed back by an RDF library), CSV and
/// JSON: as many datasets as the API lists, the same in every format.
async fn open_data_formats(app: &TestApp) {
    let (kind, turtle) = download(app, "/donnees/catalogue.ttl").await;
    assert!(kind.starts_with("text/turtle"), "{kind}");
    let from_turtle: Vec<oxrdf::Triple> = oxttl::TurtleParser::new()
        .for_slice(&turtle)
        .collect::<Result<_, _>>()
        .unwrap();
    let (kind, json_ld) = download(app, "/donnees/catalogue.jsonld").await;
    assert!(kind.starts_with("application/ld+json"), "{kind}");
    let from_json_ld: Vec<oxrdf::Triple> = oxjsonld::JsonLdParser::new()
        .for_slice(&json_ld)
        .map(|quad| quad.map(oxrdf::Triple::from))
        .collect::<Result<_, _>>()
        .unwrap();
    let datasets = typed(&from_turtle, "http://www.w3.org/ns/dcat#Dataset");
    assert_eq!(datasets.len(), 2862 + 12);
    assert_eq!(
        typed(&from_json_ld, "http://www.w3.org/ns/dcat#Dataset"),
        datasets
    );
    assert_eq!(from_turtle.len(), from_json_ld.len(), "the same graph");
    // Every udata resource is a distribution.
    assert_eq!(
        typed(&from_turtle, "http://www.w3.org/ns/dcat#Distribution").len(),
        99
    );
    // Access rights in the European vocabulary; a filter narrows every format alike.
    let (_, open_only) = download(app, "/donnees/catalogue.ttl?access=restricted").await;
    let restricted: Vec<oxrdf::Triple> = oxttl::TurtleParser::new()
        .for_slice(&open_only)
        .collect::<Result<_, _>>()
        .unwrap();
    let (_, listed) = app.get("/api/v1/datasets?access=restricted").await;
    assert_eq!(
        typed(&restricted, "http://www.w3.org/ns/dcat#Dataset").len() as u64,
        listed["total"].as_u64().unwrap()
    );

    let (kind, csv) = download(app, "/donnees/jeux-de-donnees.csv").await;
    assert!(kind.starts_with("text/csv"), "{kind}");
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "slug");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), 2862 + 12);
    let (_, json) = download(app, "/donnees/jeux-de-donnees.json").await;
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2862 + 12);
    let first = &json[0];
    assert_eq!(first["slug"].as_str().unwrap(), &rows[0][0]);
    assert!(
        datasets
            .iter()
            .any(|d| d.ends_with(&format!("/api/v1/datasets/{}>", &rows[0][0])))
    );
}

async fn broken_files_are_refused_whole(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("broken.csv");
    std::fs::write(
        &csv,
        "id,title,url,description,organization\n\
         a1,Adresses,https://www.data.gouv.fr/fr/datasets/adresses/,\"Sur\ndeux lignes\",DINUM\n\
         a2,,https://www.data.gouv.fr/fr/datasets/sans-titre/,,DINUM\n",
    )
    .unwrap();
    let url = db.url.clone();
    let (refused, skipped) = tokio::task::spawn_blocking({
        let csv = csv.clone();
        move || {
            (
                run_import(&url, &["import", "datagouv"], &csv),
                run_import(&url, &["import", "datagouv", "--skip-invalid"], &csv),
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("broken.csv:4: title: ce champ est obligatoire"),
        "{stderr}"
    );
    assert!(stderr.contains("rien n'a été écrit"));
    let text = succeeded(&skipped);
    assert!(text.contains("1 enregistrement(s) rejeté(s)"), "{text}");
    assert_eq!(summary_counts(&skipped, "datasets"), ["1", "1", "0", "0"]);

    // A broken API file: nothing of the catalogue is written.
    let catalogue = dir.path().join("apigouv");
    std::fs::create_dir_all(catalogue.join("api")).unwrap();
    std::fs::create_dir_all(catalogue.join("producteurs")).unwrap();
    std::fs::write(
        catalogue.join("producteurs/dinum.md"),
        "---\nname: DINUM\n---\n",
    )
    .unwrap();
    std::fs::write(
        catalogue.join("api/api-bonne.md"),
        "---\ntitle: Bonne\nis_open: 1\nproducer: dinum\n---\n",
    )
    .unwrap();
    std::fs::write(
        catalogue.join("api/api-cassee.md"),
        "---\ntitle: Cassée\nproducer: dinum\nis_open: 5\n---\n",
    )
    .unwrap();
    let url = db.url.clone();
    let refused =
        tokio::task::spawn_blocking(move || run_import(&url, &["import", "apigouv"], &catalogue))
            .await
            .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("api/api-cassee.md:4: is_open:"), "{stderr}");

    // A udata file of the wrong shape is named at its line and field.
    let json = dir.path().join("udata.json");
    std::fs::write(
        &json,
        "{\"datasets\": [\n  {\"dataset\": {\"id\": \"x\"}}\n]}\n",
    )
    .unwrap();
    let error = pilote_import::data::udata::read(&json)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("udata.json:2: datasets[0].dataset.slug"),
        "{error}"
    );

    assert!(
        db.store
            .list_apis(&pilote_store::ApiFilters::default())
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_backends!(broken_files, broken_files_are_refused_whole);

async fn dataset_list_filters_and_pages(db: TestDb) {
    let Some(data) = shared_data() else { return };
    let actor = Actor::system("test");
    for (source, path) in [
        (
            DataSource::Datagouv,
            data.join("datagouv/datasets-export-2020-01-11.csv"),
        ),
        (DataSource::Udata, data.join("udata/api-fixtures.json")),
    ] {
        let report =
            pilote_import::data::import(&db.store, source, &path, ImportOptions::default(), &actor)
                .await;
        assert!(report.unwrap().rejects.is_empty());
    }
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let total = |list: &Value| list["total"].as_u64().unwrap();

    // Accents and case do not count: « securite sociale » finds « Sécurité sociale ».
    let (status, plain) = app.get("/api/v1/datasets?q=securite%20sociale").await;
    assert_eq!(status, 200);
    let (_, accented) = app
        .get("/api/v1/datasets?q=S%C3%A9CURIT%C3%89%20Sociale")
        .await;
    assert_eq!(total(&plain), total(&accented));
    assert!(total(&plain) >= 16, "{}", total(&plain));
    let (_, none) = app.get("/api/v1/datasets?q=zzzqqq").await;
    assert_eq!(total(&none), 0);
    // `%` is a character, not a wildcard.
    let (_, percent) = app.get("/api/v1/datasets?q=%25").await;
    assert!(total(&percent) < 2874);

    let (_, interior) = app
        .get("/api/v1/datasets?producer=ministere-de-l-interieur&page_size=1000")
        .await;
    assert_eq!(total(&interior), 391);
    assert!(
        interior["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["producer"] == "ministere-de-l-interieur")
    );

    let (_, csv) = app.get("/api/v1/datasets?format=CSV&page_size=1000").await;
    assert!(total(&csv) > 0);
    for dataset in csv["data"].as_array().unwrap() {
        assert!(
            dataset["resources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["format"].as_str().unwrap().eq_ignore_ascii_case("csv"))
        );
    }
    let (_, combined) = app.get("/api/v1/datasets?format=csv&q=vaccinees").await;
    assert_eq!(total(&combined), 1);
    assert!(
        combined["data"][0]["slug"]
            .as_str()
            .unwrap()
            .starts_with("donnees-relatives-aux-personnes-vaccinees-contre-la-covid-19")
    );

    let (_, open) = app.get("/api/v1/datasets?access=open").await;
    assert_eq!(total(&open), 2874);
    let (_, restricted) = app.get("/api/v1/datasets?access=restricted").await;
    assert_eq!(total(&restricted), 0);
    let (_, licensed) = app.get("/api/v1/datasets?licence=fr-lo").await;
    assert_eq!(total(&licensed), 0);
    assert_eq!(app.get("/api/v1/datasets?access=closed").await.0, 422);
    assert_eq!(app.get("/api/v1/datasets?page=0").await.0, 422);
    assert_eq!(app.get("/api/v1/datasets?page_size=1001").await.0, 422);

    // Three pages of 1000 hold every dataset once.
    let mut seen = std::collections::BTreeSet::new();
    for page in 1..=3 {
        let (_, list) = app
            .get(&format!("/api/v1/datasets?page={page}&page_size=1000"))
            .await;
        assert_eq!(list["page"], page);
        assert_eq!(list["total"], 2874);
        for dataset in list["data"].as_array().unwrap() {
            assert!(seen.insert(dataset["slug"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(seen.len(), 2874);
    let (_, past) = app.get("/api/v1/datasets?page=4&page_size=1000").await;
    assert_eq!(past["data"].as_array().unwrap().len(), 0);

    let (status, one) = app.get("/api/v1/datasets/base-adresse-nationale").await;
    assert_eq!(status, 200);
    assert_eq!(one["producer_record"]["acronym"], "BAN");
    assert_eq!(one["formats"], serde_json::json!(["www"]));
    assert_eq!(app.get("/api/v1/datasets/inconnu").await.0, 404);
    app.stop().await;
}

on_both_backends!(dataset_list, dataset_list_filters_and_pages);

async fn data_projects_are_audited(db: TestDb) {
    let actor = Actor::system("test");
    let slug = |s: &str| Slug::parse(s).unwrap();
    let project = DataProject {
        slug: slug("fraude-sociale"),
        title: "Détection de la fraude".into(),
        status: ProjectStatus::InProgress,
        description: "Un projet du datalab".into(),
        products: vec![slug("a-just")],
        datasets: vec![slug("base-adresse-nationale")],
    };
    assert!(db.store.save_data_project(&project, &actor).await.unwrap());
    assert!(!db.store.save_data_project(&project, &actor).await.unwrap());
    let done = DataProject {
        status: ProjectStatus::Completed,
        ..project.clone()
    };
    assert!(!db.store.save_data_project(&done, &actor).await.unwrap());
    assert_eq!(db.store.data_projects().await.unwrap(), [done]);
    db.store
        .delete_data_project(&project.slug, &actor)
        .await
        .unwrap();
    assert!(db.store.data_projects().await.unwrap().is_empty());
    assert!(matches!(
        db.store.delete_data_project(&project.slug, &actor).await,
        Err(pilote_store::StoreError::NotFound)
    ));
    let history = db
        .store
        .audit_history("data_project", "fraude-sociale")
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "delete"]);
}

on_both_backends!(projects, data_projects_are_audited);
