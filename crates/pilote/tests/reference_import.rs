//! `pilote import rgaa|rgesn`: the standards' criteria titles from the published files,
//! idempotent, refused whole with `file:line: field: reason` when broken, and shown in the
//! audit report.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb, shared_data};
use pilote_domain::quality::reference::Standard;
use reqwest::Method;
use serde_json::json;

fn import(database: &str, source: &str, file: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["import", source])
        .arg(file)
        .args(["--database", database])
        .output()
        .unwrap()
}

async fn titles_imported_once_and_shown(db: TestDb) {
    let Some(data) = shared_data() else { return };
    let rgaa = data.join("reference/rgaa-4.1-criteria.json");
    let rgesn = data.join("reference/rgesn-v1.json");
    let url = db.url.clone();
    let (first, again, eco) = tokio::task::spawn_blocking({
        let (rgaa, rgesn) = (rgaa.clone(), rgesn.clone());
        move || {
            (
                import(&url, "rgaa", &rgaa),
                import(&url, "rgaa", &rgaa),
                import(&url, "rgesn", &rgesn),
            )
        }
    })
    .await
    .unwrap();
    for output in [&first, &again, &eco] {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let line = |output: &std::process::Output| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .find(|l| l.starts_with("criteria"))
            .unwrap()
            .split_whitespace()
            .skip(1)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        line(&first),
        ["106", "106", "0", "0"],
        "read, created, updated, unchanged"
    );
    assert_eq!(line(&again), ["106", "0", "0", "106"]);
    assert_eq!(line(&eco), ["79", "79", "0", "0"]);
    let texts = db.store.reference_texts(Standard::Rgaa).await.unwrap();
    assert_eq!(texts.len(), 106);
    assert_eq!(texts[0].criterion, "1.1");
    assert_eq!(texts[0].topic, "Images");
    assert_eq!(
        texts[0].title,
        "Chaque image porteuse d’information a-t-elle une alternative textuelle ?"
    );
    assert_eq!(texts[105].criterion, "13.12");
    let eco_texts = db.store.reference_texts(Standard::Rgesn).await.unwrap();
    assert_eq!(eco_texts.len(), 79);
    assert_eq!(eco_texts[0].topic, "Stratégie");
    assert!(
        eco_texts[0]
            .url
            .as_deref()
            .unwrap()
            .ends_with("/critere/1.1/")
    );

    // A broken copy: one title emptied, one criterion gone. Refused whole, each problem
    // located; what was stored stays.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("rgesn-v1.json");
    let text = std::fs::read_to_string(&rgesn).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let criteria = file["criteres"].as_array_mut().unwrap();
    criteria[0]["critere"] = json!("");
    criteria.retain(|c| c["id"] != "8.12");
    std::fs::write(&broken, serde_json::to_string(&file).unwrap()).unwrap();
    let url = db.url.clone();
    let refused = tokio::task::spawn_blocking(move || import(&url, "rgesn", &broken))
        .await
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("rgesn-v1.json:1: 1.1.title: intitulé vide"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rgesn-v1.json:1: 8.12: critère absent du fichier"),
        "{stderr}"
    );
    assert_eq!(
        db.store.reference_texts(Standard::Rgesn).await.unwrap(),
        eco_texts
    );

    // The audit report names each criterion by its title.
    db.fill_demo().await;
    let app = TestApp::spawn_writable(db).await;
    let (status, created) = app
        .send(
            Method::POST,
            "/api/v1/products/eau-claire/audits",
            &json!({"kind": "fast", "date": "2026-11-02",
                    "pages": [{"title": "Accueil", "url": "https://eau-claire.example.org/"}]}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let html = reqwest::get(app.url(&format!("/produits/eau-claire/audits/{}", created["id"])))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(
            "1.1 Chaque image porteuse d’information a-t-elle une alternative textuelle ?"
        ),
        "{html}"
    );
    app.stop().await;
}
on_both_backends!(reference, titles_imported_once_and_shown);
