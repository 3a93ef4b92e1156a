//! The EIG programme's real data imported through the command line on both backends: its
//! counts, a second import that changes nothing, the key figures as declared impact in the
//! roll-ups, the API and the pages; and a corrupted copy refused with nothing stored.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::path::{Path, PathBuf};

use common::{TestApp, TestDb, run_import, shared_data, summary_counts};

/// The programme's folder of the real data, or `None` with the harness's message.
fn eig_data() -> Option<PathBuf> {
    shared_data().map(|data| data.join("eig"))
}

async fn import(url: &str, dir: &Path) -> std::process::Output {
    let (url, dir) = (url.to_owned(), dir.to_owned());
    tokio::task::spawn_blocking(move || run_import(&url, &["import", "eig"], &dir))
        .await
        .unwrap()
}

fn stdout(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn audit_entries(db: &TestDb) -> u64 {
    db.store.audit_page(0, 1).await.unwrap().total
}

async fn real_programme(db: TestDb) {
    let Some(dir) = eig_data() else { return };
    let first = import(&db.url, &dir).await;
    let text = stdout(&first);
    println!("{text}");
    assert_eq!(
        summary_counts(&first, "eig_promotions"),
        ["5", "5", "0", "0"]
    );
    assert_eq!(summary_counts(&first, "eig_skills"), ["5", "5", "0", "0"]);
    assert_eq!(
        summary_counts(&first, "eig_challenges"),
        ["71", "71", "0", "0"]
    );
    // 262 records, one person listed twice, seven named only in a challenge.
    assert_eq!(
        summary_counts(&first, "eig_people"),
        ["268", "268", "0", "0"]
    );
    assert_eq!(summary_counts(&first, "products"), ["71", "71", "0", "0"]);
    // 144 key figures: the four zeros of « Open Justice » stay text only.
    assert_eq!(
        summary_counts(&first, "indicators"),
        ["140", "140", "0", "0"]
    );
    assert_eq!(
        summary_counts(&first, "measurements"),
        ["140", "140", "0", "0"]
    );
    assert!(!text.contains("rejeté"), "{text}");
    assert!(text.contains("fusionnées"), "{text}");
    assert!(
        text.contains(
            "« Open Justice ».key_figures[0].amount: « 00 » n'est pas un chiffre exploitable"
        ),
        "{text}"
    );
    assert!(
        text.contains("« Loïc Duflot ».title: le nom affiché « Pierre Dubreuil »"),
        "{text}"
    );
    let logged = audit_entries(&db).await;
    // Every record created is logged: 5 + 5 + 71 + 268, the incubator, 71 products and
    // 140 indicators with their 140 measurements.
    assert_eq!(logged, 5 + 5 + 71 + 268 + 1 + 71 + 140 + 140);

    // Idempotent: a second import changes and logs nothing.
    let again = import(&db.url, &dir).await;
    let text = stdout(&again);
    assert!(text.contains("Aucun changement"), "{text}");
    assert_eq!(
        summary_counts(&again, "eig_challenges"),
        ["71", "0", "0", "71"]
    );
    assert_eq!(
        summary_counts(&again, "measurements"),
        ["140", "0", "0", "140"]
    );
    assert_eq!(audit_entries(&db).await, logged);

    let programme = db.store.eig_programme().await.unwrap();
    assert_eq!(programme.challenges.len(), 71);
    assert_eq!(programme.people.len(), 268);

    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    // The API.
    let (status, promotions) = app.get("/api/v1/eig/promotions").await;
    assert_eq!(status, 200);
    assert_eq!(promotions["total"], 5);
    assert_eq!(promotions["data"][0]["slug"], "eig-4");
    assert_eq!(promotions["data"][0]["challenges"], 17);
    let (_, eig4) = app.get("/api/v1/eig/challenges?promotion=eig-4").await;
    assert_eq!(eig4["total"], 17);
    let (_, of2019) = app
        .get("/api/v1/eig/challenges?year=2019&sort=title&page_size=5&page=2")
        .await;
    assert_eq!(of2019["total"], 32);
    assert_eq!(of2019["page"], 2);
    assert_eq!(of2019["data"].as_array().unwrap().len(), 5);
    let (_, latest) = app.get("/api/v1/eig/challenges?sort=-year").await;
    assert_eq!(latest["data"][0]["year"], 2020);
    let (status, body) = app.get("/api/v1/eig/challenges?sort=hasard").await;
    assert_eq!(status, 422, "{body}");
    let (status, fish) = app.get("/api/v1/eig/challenges/monitorfish").await;
    assert_eq!(status, 200);
    assert_eq!(fish["title"], "MonitorFish");
    assert_eq!(fish["product"], "eig-monitorfish");
    assert_eq!(fish["promotion"], "eig-4");
    assert_eq!(fish["key_figures"][0]["value"], 965.0);
    assert_eq!(fish["eig_people"][0]["name"], "Adeline Celier");
    assert_eq!(app.get("/api/v1/eig/challenges/inconnu").await.0, 404);
    let (_, mentors) = app
        .get("/api/v1/eig/people?role=mentor&page_size=1000")
        .await;
    let mentors = mentors["data"].as_array().unwrap();
    assert!(mentors.len() > 100);
    assert!(mentors.iter().all(|p| p["role"] == "mentor"));
    assert!(mentors.iter().all(|p| p.get("email").is_none()));

    // Each challenge has its product in the incubator `eig`, with its source code.
    let (status, product) = app.get("/api/v1/products/eig-monitorfish").await;
    assert_eq!(status, 200, "{product}");
    assert_eq!(product["incubator"], "eig");
    assert_eq!(
        product["repository"],
        "https://github.com/MTES-MCT/monitorfish"
    );

    // The key figures are declared impact of the challenges' products, in the roll-ups.
    let (_, indicators) = app.get("/api/v1/products/eig-monitorfish/indicators").await;
    let zones = indicators["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "Zones réglementées cartographiées et mises en open data")
        .expect("the key figure as an indicator");
    assert_eq!(zones["public"], true);
    let (status, summary) = app.get("/api/v1/impact/summary?group_by=incubator").await;
    assert_eq!(status, 200, "{summary}");
    let group = summary["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "eig")
        .expect("the programme's group");
    assert_eq!(group["products"], 40);
    let totals = group["totals"].as_array().unwrap();
    let counted: u64 = totals
        .iter()
        .filter(|t| t["unit"] == "count")
        .map(|t| t["measurements"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 137, "{totals:?}");
    assert!(
        totals
            .iter()
            .all(|t| t["measured_value"] == 0.0 && t["value"].as_f64().unwrap() > 0.0),
        "declared, not measured: {totals:?}"
    );

    // The pages.
    let page = |path: &'static str| {
        let url = app.url(path);
        let client = app.client.clone();
        async move {
            let response = client.get(url).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, html) = page("/talents/eig").await;
    assert_eq!(status, 200);
    assert!(html.contains("Les défis EIG 4 (2020)"));
    assert!(html.contains("href=\"/talents/eig/defis/monitorfish\""));
    let (status, html) = page("/talents/eig/defis/monitorfish").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>MonitorFish</h1>"));
    assert!(html.contains("965"));
    assert!(html.contains("Déclarée"));
    assert!(html.contains("Adeline Celier"));
    assert!(html.contains("href=\"/produits/eig-monitorfish\""));
    let (status, html) = page("/talents/eig/defis/open-justice").await;
    assert_eq!(status, 200);
    assert!(html.contains("Texte seul"));
    assert_eq!(page("/talents/eig/defis/inconnu").await.0, 404);
    assert_eq!(page("/produits/eig-monitorfish").await.0, 200);
    app.stop().await;
}
on_both_backends!(eig_real_programme, real_programme);

/// Copies the programme's folder, with `defis.yml` changed by `change`.
fn corrupted_copy(dir: &Path, change: impl Fn(&str) -> String) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for file in ["promos.yml", "skills.yml", "defis.yml", "personnes.yml"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let text = if file == "defis.yml" {
            change(&text)
        } else {
            text
        };
        std::fs::write(copy.path().join(file), text).unwrap();
    }
    copy
}

async fn corrupted_data_refused(db: TestDb) {
    let Some(dir) = eig_data() else { return };
    // A dry run counts and writes nothing.
    let (url, real) = (db.url.clone(), dir.clone());
    let dry = tokio::task::spawn_blocking(move || {
        run_import(&url, &["import", "eig", "--dry-run"], &real)
    })
    .await
    .unwrap();
    assert!(stdout(&dry).contains("Essai à blanc"));
    assert_eq!(
        summary_counts(&dry, "measurements"),
        ["140", "140", "0", "0"]
    );
    // The first challenge's year is no longer a number.
    let copy = corrupted_copy(&dir, |text| {
        text.replacen("  year: 2020\n", "  year: deux mille vingt\n", 1)
    });
    let output = import(&db.url, copy.path()).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 enregistrement(s) invalide(s) ; rien n'a été écrit"),
        "{stderr}"
    );
    assert!(stderr.contains("defis.yml:8: « ADEX ».year: "), "{stderr}");
    // A challenge of an unknown promotion.
    let copy = corrupted_copy(&dir, |text| {
        text.replacen("  promotion: 4\n", "  promotion: 9\n", 1)
    });
    let output = import(&db.url, copy.path()).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("defis.yml:9: « ADEX ».promotion: promotion inconnue : 9"),
        "{stderr}"
    );
    // Nothing stored: no programme, no product, no log entry.
    let programme = db.store.eig_programme().await.unwrap();
    assert!(programme.challenges.is_empty() && programme.people.is_empty());
    let portfolio = db.store.load_portfolio().await.unwrap();
    assert!(portfolio.products.is_empty() && portfolio.incubators.is_empty());
    assert_eq!(audit_entries(&db).await, 0);
}
on_both_backends!(eig_corrupted_data, corrupted_data_refused);
