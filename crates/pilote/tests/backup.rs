//! `pilote backup` and `pilote restore`: a snapshot taken while a server writes is
//! consistent, and a restore checks the snapshot before replacing anything.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::{Backend, TestApp, TestDb};
use reqwest::Method;
use serde_json::json;

fn pilote(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(args)
        .output()
        .unwrap()
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn products_in(url: &str) -> Vec<String> {
    let store = pilote_store::Store::open(url).await.unwrap();
    let slugs = store
        .load_portfolio()
        .await
        .unwrap()
        .products
        .into_iter()
        .map(|p| p.slug.to_string())
        .collect();
    store.close().await;
    slugs
}

#[tokio::test]
async fn a_snapshot_taken_while_writing_restores_whole() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let app = Arc::new(TestApp::spawn_writable(db).await);
    let dir = tempfile::tempdir().unwrap();

    // Writers create products through the API while the snapshot is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (app, stop, acknowledged) = (app.clone(), stop.clone(), acknowledged.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let (status, body) = app
                    .send(
                        Method::POST,
                        "/api/v1/products",
                        &json!({
                            "slug": format!("ecrit-pendant-{n}"), "title": "Écrit pendant la sauvegarde",
                            "mission": "m", "incubator": "fabrique-demo",
                            "phases": [{"name": "investigation", "start": "2025-01-01"}]
                        }),
                    )
                    .await;
                assert_eq!(status, 201, "{body}");
                acknowledged.fetch_add(1, Ordering::SeqCst);
                n += 1;
            }
        })
    };
    while acknowledged.load(Ordering::SeqCst) < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let snapshot = dir.path().join("instantane.db");
    let url = app.db.url.clone();
    let snapshot_arg = snapshot.to_str().unwrap().to_owned();
    let before = acknowledged.load(Ordering::SeqCst);
    let output =
        tokio::task::spawn_blocking(move || pilote(&["backup", &snapshot_arg, "--database", &url]))
            .await
            .unwrap();
    let after = acknowledged.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("sauvegarde écrite dans"),
        "{}",
        text(&output)
    );
    assert!(
        after > before,
        "writes went on during the snapshot ({before} → {after})"
    );

    // Restored into a new place: every product acknowledged before the snapshot began is
    // there, the audit chain holds, and each product has its audit entry.
    let restored = dir.path().join("restauree.db");
    let restored_url = format!("sqlite://{}", restored.display());
    let output = pilote(&[
        "restore",
        snapshot.to_str().unwrap(),
        "--database",
        &restored_url,
    ]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("chaîne intacte"),
        "{}",
        text(&output)
    );
    let products = products_in(&restored_url).await;
    let written: Vec<&String> = products
        .iter()
        .filter(|s| s.starts_with("ecrit-pendant-"))
        .collect();
    assert!(written.len() >= before, "{} < {before}", written.len());
    assert!(written.len() <= after);
    let store = pilote_store::Store::open(&restored_url).await.unwrap();
    assert!(store.verify_audit().await.unwrap().first_break.is_none());
    for slug in written {
        assert!(
            !store
                .audit_history("product", slug)
                .await
                .unwrap()
                .is_empty(),
            "{slug}"
        );
    }
    store.close().await;
    println!(
        "snapshot taken amid writes: {before} acknowledged before it began, {after} when it ended, {} in it",
        products
            .iter()
            .filter(|s| s.starts_with("ecrit-pendant-"))
            .count()
    );
    Arc::try_unwrap(app).ok().unwrap().stop().await;
}

/// The database at `url` still holds its demo products, untouched.
async fn unchanged(url: &str, expected: &[String]) {
    assert_eq!(products_in(url).await, expected);
}

#[tokio::test]
async fn a_bad_snapshot_is_refused_and_nothing_replaced() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("bonne.db");
    db.store.backup_to(&snapshot).await.unwrap();
    let refused = db.store.backup_to(&snapshot).await.unwrap_err();
    assert!(refused.to_string().contains("existe déjà"), "{refused}");

    // The database to restore over: another one, with its own products.
    let target = TestDb::fresh(Backend::Sqlite).await.unwrap();
    target.fill_demo().await;
    target
        .store
        .create_product(
            &serde_json::from_value(json!({
                "slug": "seulement-ici", "title": "Seulement ici", "mission": "m",
                "incubator": "fabrique-demo", "phases": [{"name": "investigation", "start": "2025-01-01"}]
            }))
            .unwrap(),
            &pilote_domain::audit::Actor::system("test"),
        )
        .await
        .unwrap();
    let expected = products_in(&target.url).await;
    let restore =
        |file: &Path| pilote(&["restore", file.to_str().unwrap(), "--database", &target.url]);

    let garbage = dir.path().join("pas-une-base.db");
    std::fs::write(&garbage, b"ceci n'est pas une base").unwrap();
    let output = restore(&garbage);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("n'est pas une base SQLite"),
        "{}",
        text(&output)
    );
    unchanged(&target.url, &expected).await;

    // Damaged pages in the middle of the file.
    let damaged = dir.path().join("endommagee.db");
    let mut bytes = std::fs::read(&snapshot).unwrap();
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 4096] {
        *byte = 0x5a;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    let output = restore(&damaged);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("endommagée")
            || text(&output).contains("n'est pas une base SQLite saine"),
        "{}",
        text(&output)
    );
    unchanged(&target.url, &expected).await;

    // An audit entry changed after the fact.
    let tampered = dir.path().join("falsifiee.db");
    std::fs::copy(&snapshot, &tampered).unwrap();
    let store = pilote_store::Store::connect(&format!("sqlite://{}", tampered.display()))
        .await
        .unwrap();
    let pilote_store::Store::Sqlite(pool) = &store else {
        unreachable!()
    };
    sqlx::query("UPDATE audit_log SET actor_name = 'quelqu''un d''autre' WHERE seq = 2")
        .execute(pool)
        .await
        .unwrap();
    store.close().await;
    let output = restore(&tampered);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("journal d'audit"),
        "{}",
        text(&output)
    );
    unchanged(&target.url, &expected).await;

    // A snapshot from a newer Pilote.
    let newer = dir.path().join("plus-recente.db");
    std::fs::copy(&snapshot, &newer).unwrap();
    let store = pilote_store::Store::connect(&format!("sqlite://{}", newer.display()))
        .await
        .unwrap();
    let pilote_store::Store::Sqlite(pool) = &store else {
        unreachable!()
    };
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (99990101000000, 'future', TRUE, X'00', 0)")
        .execute(pool)
        .await
        .unwrap();
    store.close().await;
    let output = restore(&newer);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("version plus récente"),
        "{}",
        text(&output)
    );
    unchanged(&target.url, &expected).await;

    // The good one replaces the database, which is kept aside.
    target.store.close().await;
    let output = restore(&snapshot);
    assert!(output.status.success(), "{}", text(&output));
    let kept = text(&output)
        .lines()
        .find_map(|l| {
            l.strip_prefix("l'ancienne base est gardée dans ")
                .map(str::to_owned)
        })
        .unwrap();
    let restored = products_in(&target.url).await;
    assert!(!restored.contains(&"seulement-ici".to_owned()));
    assert_eq!(products_in(&format!("sqlite://{kept}")).await, expected);
}

#[tokio::test]
async fn postgres_is_backed_up_with_its_own_tools() {
    let Some(db) = TestDb::fresh(Backend::Postgres).await else {
        return;
    };
    let output = pilote(&["backup", "/tmp/jamais-ecrit.db", "--database", &db.url]);
    assert!(!output.status.success());
    assert!(text(&output).contains("pg_dump"), "{}", text(&output));
    assert!(!Path::new("/tmp/jamais-ecrit.db").exists());
}
