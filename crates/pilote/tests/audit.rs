//! The audit log: every write appends one chained entry in its transaction; tampering with
//! the stored log is found at the right entry (through the store and the real binary);
//! personal values are never stored in the clear and are erased with their person's key;
//! imports log one entry per record written and none when nothing changed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{Backend, TestDb, shared_data};
use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction, BreakReason, ERASED};
use pilote_domain::portfolio::{Member, Product};
use pilote_import::ImportOptions;
use pilote_import::portfolio::beta;
use pilote_store::Store;
use serde_json::{Value, json};

fn tester() -> Actor {
    Actor::cli("test")
}

fn demo() -> Value {
    serde_json::from_str(include_str!("../src/demo/portfolio.json")).expect("demo JSON")
}

fn demo_product() -> Product {
    serde_json::from_value(demo()["products"][0].clone()).expect("a demo product")
}

fn slug(text: &str) -> Slug {
    Slug::parse(text).expect("slug")
}

/// Runs SQL straight on the database, past the store: what an intruder would do.
async fn execute(db: &TestDb, sql: &str) {
    match &db.store {
        Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .expect(sql);
}

/// Every stored `before` and `after` text of the log, as stored.
async fn raw_log(db: &TestDb) -> Vec<String> {
    let sql = "SELECT before, after FROM audit_log ORDER BY seq";
    let rows: Vec<(Option<String>, Option<String>)> = match &db.store {
        Store::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        Store::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
    }
    .expect("read the raw log");
    rows.into_iter()
        .flat_map(|(before, after)| [before, after])
        .flatten()
        .collect()
}

async fn log_len(db: &TestDb) -> u64 {
    db.store.audit_page(0, 1).await.expect("audit page").total
}

async fn assert_intact(db: &TestDb, entries: usize) {
    let verification = db.store.verify_audit().await.expect("verify");
    assert_eq!(verification.first_break, None);
    assert_eq!(verification.entries, entries);
}

// ---------------------------------------------------------------------------------------
// Writes through the store
// ---------------------------------------------------------------------------------------

on_both_backends!(product_writes_are_logged, product_writes);
async fn product_writes(db: TestDb) {
    let product = demo_product();
    let store = &db.store;
    store.create_product(&product, &tester()).await.unwrap();
    let mut renamed = product.clone();
    renamed.title = "Eau Claire et limpide".into();
    store.update_product(&renamed, &tester()).await.unwrap();
    // Writing the same record again changes nothing, so logs nothing.
    store.update_product(&renamed, &tester()).await.unwrap();
    store
        .delete_product(&product.slug, &tester())
        .await
        .unwrap();

    let history = store
        .audit_history("product", product.slug.as_str())
        .await
        .unwrap();
    let actions: Vec<AuditAction> = history.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::Delete
        ]
    );
    let as_json = |p: &Product| Some(serde_json::to_value(p).unwrap());
    assert_eq!(history[0].before, None);
    assert_eq!(history[0].after, as_json(&product));
    assert_eq!(history[1].before, as_json(&product));
    assert_eq!(history[1].after, as_json(&renamed));
    assert_eq!(history[2].before, as_json(&renamed));
    assert_eq!(history[2].after, None);
    for entry in &history {
        assert_eq!(entry.actor, tester());
        assert_eq!(entry.subject, None);
    }
    assert_eq!(history[0].seq, 1);
    assert_eq!(history[1].prev_hash, history[0].hash);
    assert_intact(&db, 3).await;

    // A refused write logs nothing.
    assert!(
        store
            .delete_product(&product.slug, &tester())
            .await
            .is_err()
    );
    assert!(store.update_product(&product, &tester()).await.is_err());
    assert_eq!(log_len(&db).await, 3);
}

on_both_backends!(concurrent_writers_keep_one_chain, concurrent_writers);
async fn concurrent_writers(db: TestDb) {
    let writers: Vec<_> = (0..24)
        .map(|i| {
            let store = db.store.clone();
            let mut product = demo_product();
            product.slug = slug(&format!("produit-{i}"));
            tokio::spawn(async move {
                store.create_product(&product, &tester()).await?;
                product.title = format!("Produit {i}");
                store.update_product(&product, &tester()).await
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer").expect("write");
    }
    assert_intact(&db, 48).await;
    let history = db
        .store
        .audit_history("product", "produit-7")
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].before, history[0].after);
}

// ---------------------------------------------------------------------------------------
// Tampering
// ---------------------------------------------------------------------------------------

/// The demo portfolio's records: one entry each.
const DEMO_ENTRIES: usize = 28;

on_both_backends!(tampering_is_found_at_its_entry, tampering);
async fn tampering(db: TestDb) {
    db.fill_demo().await;
    assert_intact(&db, DEMO_ENTRIES).await;

    // A changed field: found at that entry.
    execute(
        &db,
        "UPDATE audit_log SET actor_name = 'Mallory' WHERE seq = 5",
    )
    .await;
    let verification = db.store.verify_audit().await.unwrap();
    let broken = verification.first_break.expect("a break");
    assert_eq!((broken.seq, broken.reason), (5, BreakReason::Altered));
    assert_eq!(verification.entries, 4);
    execute(
        &db,
        "UPDATE audit_log SET actor_name = 'démo' WHERE seq = 5",
    )
    .await;
    assert_intact(&db, DEMO_ENTRIES).await;

    // A changed record in `after`: found at that entry.
    execute(
        &db,
        "UPDATE audit_log SET after = replace(after, 'Eau Claire', 'Eau Trouble') WHERE seq = 10",
    )
    .await;
    let broken = db.store.verify_audit().await.unwrap().first_break.unwrap();
    assert_eq!((broken.seq, broken.reason), (10, BreakReason::Altered));
    execute(
        &db,
        "UPDATE audit_log SET after = replace(after, 'Eau Trouble', 'Eau Claire') WHERE seq = 10",
    )
    .await;
    assert_intact(&db, DEMO_ENTRIES).await;

    // A removed entry: found at the next one.
    execute(&db, "DELETE FROM audit_log WHERE seq = 12").await;
    let broken = db.store.verify_audit().await.unwrap().first_break.unwrap();
    assert_eq!(broken.seq, 13);
    assert_eq!(broken.reason, BreakReason::SeqGap { expected: 12 });
}

fn pilote(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(args)
        .env_remove("PILOTE_DATABASE_URL")
        .env("PILOTE_LOG", "warn")
        .output()
        .expect("run pilote")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[tokio::test]
async fn the_command_names_the_altered_entry() {
    let db = TestDb::fresh(Backend::Sqlite).await.expect("SQLite");
    db.fill_demo().await;
    let verify = || pilote(&["audit", "verify", "--database", db.url.as_str()]);

    let intact = verify();
    assert_eq!(intact.status.code(), Some(0), "{}", text(&intact.stderr));
    assert_eq!(
        text(&intact.stdout),
        format!("Journal d'audit intact : {DEMO_ENTRIES} entrées.\n")
    );

    execute(
        &db,
        "UPDATE audit_log SET entity_id = 'autre' WHERE seq = 7",
    )
    .await;
    let altered = verify();
    let stdout = text(&altered.stdout);
    assert_eq!(altered.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("Journal d'audit altéré à l'entrée n° 7 : contenu modifié"),
        "{stdout}"
    );

    let history = pilote(&[
        "audit",
        "history",
        "product",
        "eau-claire",
        "--database",
        db.url.as_str(),
    ]);
    let stdout = text(&history.stdout);
    assert_eq!(history.status.code(), Some(0), "{}", text(&history.stderr));
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("création"), "{stdout}");
    assert!(stdout.contains("démo (système)"), "{stdout}");
}

// ---------------------------------------------------------------------------------------
// Personal data
// ---------------------------------------------------------------------------------------

const EMAIL: &str = "jeanne.secrete@example.org";
const NEW_EMAIL: &str = "jeanne.nouvelle@example.org";
const PHONE: &str = "+33 6 12 34 56 78";

fn member_with(email: &str) -> Member {
    serde_json::from_value(json!({
        "slug": "jeanne.dupont",
        "fullname": "Jeanne Dupont",
        "domaine": "Développement",
        "email": email,
        "phone": PHONE,
    }))
    .expect("member")
}

/// No stored `before` or `after` holds a personal value in the clear.
async fn assert_nothing_in_clear(db: &TestDb) {
    for text in raw_log(db).await {
        for secret in [EMAIL, NEW_EMAIL, PHONE] {
            assert!(!text.contains(secret), "{secret} in clear in {text}");
        }
    }
}

on_both_backends!(personal_data_is_sealed_and_erasable, erasure);
async fn erasure(db: TestDb) {
    let store = &db.store;
    let jeanne = slug("jeanne.dupont");
    store
        .create_member(&member_with(EMAIL), &tester())
        .await
        .unwrap();
    let mut moved = member_with(NEW_EMAIL);
    moved.role = "Développeuse".into();
    store.update_member(&moved, &tester()).await.unwrap();
    assert_nothing_in_clear(&db).await;

    // Opened for those who may read them, while the key exists.
    let history = store
        .audit_history("member", "jeanne.dupont")
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].subject.as_deref(), Some("member:jeanne.dupont"));
    assert_eq!(history[0].after.as_ref().unwrap()["email"], EMAIL);
    assert_eq!(history[1].before.as_ref().unwrap()["email"], EMAIL);
    assert_eq!(history[1].after.as_ref().unwrap()["email"], NEW_EMAIL);
    assert_eq!(history[1].after.as_ref().unwrap()["phone"], PHONE);
    let export = store.member_export(&jeanne).await.unwrap().to_string();
    assert!(
        export.contains(NEW_EMAIL) && export.contains(EMAIL),
        "{export}"
    );

    let erasure = store.erase_person(&jeanne, &tester()).await.unwrap();
    assert!(erasure.member_found);
    assert_eq!(erasure.cleared_fields, ["email", "phone"]);
    assert_eq!(erasure.destroyed_keys, ["member:jeanne.dupont"]);

    // The chain still holds; the values are gone everywhere.
    assert_intact(&db, 3).await;
    assert_nothing_in_clear(&db).await;
    let history = store
        .audit_history("member", "jeanne.dupont")
        .await
        .unwrap();
    assert_eq!(history[0].after.as_ref().unwrap()["email"], ERASED);
    assert_eq!(history[1].before.as_ref().unwrap()["phone"], ERASED);
    assert_eq!(history[1].after.as_ref().unwrap()["email"], ERASED);
    assert_eq!(history[1].after.as_ref().unwrap()["role"], "Développeuse");
    assert_eq!(history[2].action, AuditAction::Erase);
    assert_eq!(history[2].before, None);
    let portfolio = store.load_portfolio().await.unwrap();
    let stored = portfolio.members.iter().find(|m| m.slug == jeanne).unwrap();
    assert_eq!((&stored.email, &stored.phone), (&None, &None));
    let export = store.member_export(&jeanne).await.unwrap();
    let text = export.to_string();
    for secret in [EMAIL, NEW_EMAIL, PHONE] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(export["member"]["slug"], "jeanne.dupont");
    assert_eq!(export["audit_log"].as_array().unwrap().len(), 3);

    // A new address after the erasure is sealed under a new key, erasable again.
    store
        .update_member(&member_with(EMAIL), &tester())
        .await
        .unwrap();
    assert_nothing_in_clear(&db).await;
    let history = store
        .audit_history("member", "jeanne.dupont")
        .await
        .unwrap();
    assert_eq!(history[3].after.as_ref().unwrap()["email"], EMAIL);
    assert_intact(&db, 4).await;

    // Nobody: nothing to erase or export.
    let nobody = slug("personne.inconnue");
    assert!(store.erase_person(&nobody, &tester()).await.is_err());
    assert!(store.member_export(&nobody).await.is_err());
}

on_both_backends!(
    erasing_a_member_erases_their_accounts_values,
    linked_accounts
);
async fn linked_accounts(db: TestDb) {
    let store = &db.store;
    let jeanne = slug("jeanne.dupont");
    store
        .create_member(&member_with(EMAIL), &tester())
        .await
        .unwrap();
    // First sign-in: an account linked to the member with the same address.
    let identity = pilote_domain::identity::ProviderIdentity {
        sub: "sub-jeanne".into(),
        email: EMAIL.into(),
        given_name: "Jeanne".into(),
        usual_name: "Dupont".into(),
        siret: Some("13002526500013".into()),
        uid: None,
    };
    let account = store.sign_in_from_provider(&identity).await.unwrap();
    assert_eq!(account.member.as_ref(), Some(&jeanne));
    assert_nothing_in_clear(&db).await;
    let id = account.id.to_string();
    let history = store.audit_history("account", &id).await.unwrap();
    assert_eq!(history[0].after.as_ref().unwrap()["email"], EMAIL);
    let export = store.member_export(&jeanne).await.unwrap();
    assert_eq!(export["accounts"][0]["id"], json!(account.id));

    let erasure = store.erase_person(&jeanne, &tester()).await.unwrap();
    assert_eq!(
        erasure.destroyed_keys,
        [format!("account:{id}"), "member:jeanne.dupont".to_owned()]
    );
    let history = store.audit_history("account", &id).await.unwrap();
    let after = history[0].after.as_ref().unwrap();
    for field in ["email", "given_name", "usual_name", "siret"] {
        assert_eq!(after[field], ERASED, "{field}");
    }
    assert_intact(&db, 3).await;
}

#[tokio::test]
async fn the_commands_export_and_erase_a_member() {
    let db = TestDb::fresh(Backend::Sqlite).await.expect("SQLite");
    db.store
        .create_member(&member_with(EMAIL), &tester())
        .await
        .unwrap();
    let url = db.url.as_str();

    let export = pilote(&["member", "export", "jeanne.dupont", "--database", url]);
    assert_eq!(export.status.code(), Some(0), "{}", text(&export.stderr));
    let json: Value = serde_json::from_slice(&export.stdout).expect("JSON export");
    assert_eq!(json["member"]["email"], EMAIL);

    let erase = pilote(&["member", "erase", "jeanne.dupont", "--database", url]);
    let stdout = text(&erase.stdout);
    assert_eq!(erase.status.code(), Some(0), "{}", text(&erase.stderr));
    assert!(
        stdout.contains("champs vidés sur la fiche : email, phone"),
        "{stdout}"
    );
    assert!(stdout.contains("member:jeanne.dupont"), "{stdout}");

    let export = pilote(&["member", "export", "jeanne.dupont", "--database", url]);
    assert!(!text(&export.stdout).contains(EMAIL));
    let history = db
        .store
        .audit_history("member", "jeanne.dupont")
        .await
        .unwrap();
    assert_eq!(history[1].action, AuditAction::Erase);
    assert_eq!(history[1].actor.kind, pilote_domain::audit::ActorKind::Cli);

    let unknown = pilote(&["member", "erase", "personne.inconnue", "--database", url]);
    assert_eq!(unknown.status.code(), Some(1));
}

// ---------------------------------------------------------------------------------------
// Imports
// ---------------------------------------------------------------------------------------

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().expect("parent folder")).expect("create folder");
    std::fs::write(path, text).expect("write fixture");
}

/// A tiny content folder: one record of each kind.
fn write_content(root: &Path) {
    write(
        root,
        "_organisations/igj.md",
        "---\nname: Inspection générale de la Justice\ndomaine_ministeriel: justice\ntype: administration-centrale\n---\n",
    );
    write(
        root,
        "_incubators/justice.md",
        "---\ntitle: L'Incubateur de la Justice\nowner: /organisations/igj\n---\n",
    );
    write(
        root,
        "_teams/equipe-justice.md",
        "---\nname: Équipe Justice\nincubator: justice\n---\n",
    );
    write(
        root,
        "_startups/produit-a.md",
        "---\ntitle: Produit A\nincubator: justice\nphases:\n  - name: investigation\n    start: 2021-02-01\n---\nLe produit A.\n",
    );
    write(
        root,
        "_authors/jeanne.dupont.md",
        "---\nfullname: Jeanne Dupont\ndomaine: Développement\nmissions:\n  - start: 2021-02-01\n    status: independent\n    startups:\n      - produit-a\n---\n",
    );
}

on_both_backends!(imports_log_each_record_once, imports);
async fn imports(db: TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_content(dir.path());
    let actor = tester();
    let import = || beta::import(&db.store, dir.path(), ImportOptions::default(), &actor);
    let first = import().await.unwrap();
    assert_eq!(first.changed(), 5);
    assert_eq!(log_len(&db).await, 5);
    let again = import().await.unwrap();
    assert_eq!(again.changed(), 0);
    assert_eq!(log_len(&db).await, 5);

    // Personal fields set in Pilote survive a re-import of a source that never holds them.
    let jeanne = slug("jeanne.dupont");
    let portfolio = db.store.load_portfolio().await.unwrap();
    let mut member = portfolio
        .members
        .into_iter()
        .find(|m| m.slug == jeanne)
        .unwrap();
    member.email = Some(EMAIL.into());
    db.store.update_member(&member, &tester()).await.unwrap();
    let again = import().await.unwrap();
    assert_eq!(again.changed(), 0);
    assert_eq!(log_len(&db).await, 6);
    let portfolio = db.store.load_portfolio().await.unwrap();
    let stored = portfolio.members.iter().find(|m| m.slug == jeanne).unwrap();
    assert_eq!(stored.email.as_deref(), Some(EMAIL));

    // A change in the source is logged with the address kept, sealed.
    write(
        dir.path(),
        "_authors/jeanne.dupont.md",
        "---\nfullname: Jeanne Dupont\nrole: Développeuse\ndomaine: Développement\n---\n",
    );
    let changed = import().await.unwrap();
    assert_eq!(changed.counts("members").updated, 1);
    let history = db
        .store
        .audit_history("member", "jeanne.dupont")
        .await
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.after.as_ref().unwrap()["email"], EMAIL);
    assert_eq!(last.after.as_ref().unwrap()["role"], "Développeuse");
    assert_nothing_in_clear(&db).await;
    assert_intact(&db, 7).await;
}

on_both_backends!(the_real_network_is_logged_once, real_network);
async fn real_network(db: TestDb) {
    let Some(data) = shared_data() else { return };
    let path = data.join("betagouv");
    let first = beta::import(&db.store, &path, ImportOptions::default(), &tester())
        .await
        .unwrap();
    let written = first.changed();
    assert!(written > 4_000, "{written}");
    assert_eq!(log_len(&db).await, u64::try_from(written).unwrap());
    assert_intact(&db, written).await;
    let again = beta::import(&db.store, &path, ImportOptions::default(), &tester())
        .await
        .unwrap();
    assert_eq!(again.changed(), 0);
    assert_eq!(log_len(&db).await, u64::try_from(written).unwrap());
}
