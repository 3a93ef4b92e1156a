//! The commons: `pilote import sill` and `sill-contributors` on the real catalogue (zero
//! rejects, counts, round trips, idempotent, refused whole when broken), products' techno
//! linked to software, agents' declarations and who may withdraw them, referents' e-mails
//! for signed-in visitors only, and the audit log. Each test runs on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{TestApp, TestDb, run_import, shared_data, summary_counts};
use pilote_domain::audit::Actor;
use pilote_domain::identity::Scope;
use pilote_import::ImportOptions;
use reqwest::Method;
use serde_json::{Value, json};

async fn real_catalogue_imported_once(db: TestDb) {
    let Some(data) = shared_data() else { return };
    pilote_import::portfolio::beta::import(
        &db.store,
        &data.join("betagouv"),
        ImportOptions::default(),
        &Actor::system("test"),
    )
    .await
    .unwrap();
    let sill = data.join("sill/sill.json");
    let contributors = data.join("sill/sill-contributors.json");
    let url = db.url.clone();
    let (first, again, people, people_again) = tokio::task::spawn_blocking({
        let (sill, contributors) = (sill.clone(), contributors.clone());
        move || {
            (
                run_import(&url, &["import", "sill"], &sill),
                run_import(&url, &["import", "sill"], &sill),
                run_import(&url, &["import", "sill-contributors"], &contributors),
                run_import(&url, &["import", "sill-contributors"], &contributors),
            )
        }
    })
    .await
    .unwrap();
    for output in [&first, &again, &people, &people_again] {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let first_text = String::from_utf8_lossy(&first.stdout);
    println!("{first_text}");
    assert!(!first_text.contains("rejeté"), "zero rejects");
    assert_eq!(summary_counts(&first, "software"), ["240", "240", "0", "0"]);
    assert_eq!(summary_counts(&again, "software"), ["240", "0", "0", "240"]);
    let links = summary_counts(&first, "techno_links");
    assert_eq!(links[1], links[0], "every link is new the first time");
    assert!(links[0].parse::<usize>().unwrap() >= 20, "{links:?}");
    assert_eq!(summary_counts(&again, "techno_links")[1], "0");
    // Firefox, the parent of four add-ons, is listed as « Mozilla Firefox ESR ».
    assert!(first_text.contains("4 avertissement(s)"), "{first_text}");
    assert!(first_text.contains("à relier à la main"));
    assert!(String::from_utf8_lossy(&again.stdout).contains("Aucun changement"));
    assert_eq!(
        summary_counts(&people, "contributors"),
        ["24", "24", "0", "0"]
    );
    assert_eq!(
        summary_counts(&people_again, "contributors"),
        ["24", "0", "0", "24"]
    );

    // Each software logged once, by the command line; the second import logged nothing.
    let history = db.store.audit_history("software", "7zip").await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action.as_str(), "create");
    assert_eq!(history[0].actor.kind, pilote_domain::audit::ActorKind::Cli);
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let (status, list) = app.get("/api/v1/software?page_size=1000").await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 240);
    // Every entry of the file comes back with its name, licence, function and status.
    let entries: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&sill).unwrap()).unwrap();
    for entry in &entries {
        let listed = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["sill_id"] == entry["id"])
            .unwrap_or_else(|| panic!("entry {} missing", entry["id"]));
        assert_eq!(listed["name"], entry["i"].as_str().unwrap().trim());
        assert_eq!(listed["licence"], entry["l"].as_str().unwrap().trim());
        assert_eq!(listed["function"], entry["f"].as_str().unwrap().trim());
        let status = match entry["st"].as_str().unwrap() {
            "R" => "recommended",
            "O" => "in_observation",
            _ => "dereferenced",
        };
        assert_eq!(listed["status"], status, "{}", entry["i"]);
    }
    let count = |query: &'static str| {
        let app = &app;
        async move { app.get(&format!("/api/v1/software?{query}")).await.1["total"].clone() }
    };
    assert_eq!(count("status=recommended").await, 180);
    assert_eq!(count("status=in_observation").await, 48);
    assert_eq!(count("status=dereferenced").await, 12);
    assert_eq!(count("type=desktop_mobile").await, 112);
    assert_eq!(count("category=Navigateur%20web").await, 5);
    assert_eq!(count("licence=apache-2.0").await, 35);
    assert_eq!(count("class=orphan").await, 240);
    assert_eq!(app.get("/api/v1/software?class=rare").await.0, 422);

    let (status, zip) = app.get("/api/v1/software/7zip").await;
    assert_eq!(status, 200);
    assert_eq!(zip["name"], "7zip");
    assert_eq!(zip["sill_id"], "1");
    assert_eq!(zip["licence"], "LGPL-2.0-only");
    assert_eq!(zip["licence_family"], "copyleft_weak");
    assert_eq!(zip["status"], "recommended");
    assert_eq!(zip["kind"], "desktop_mobile");
    assert_eq!(zip["minimal_version"], "19");
    assert_eq!(zip["categories"], json!(["Compression décompression"]));
    assert_eq!(zip["function"], "Compression de fichier");
    assert_eq!(zip["comptoir_id"], 72);
    assert_eq!(zip["framalibre"], "7-zip");
    assert_eq!(zip["website"], "https://www.7-zip.org/");
    assert_eq!(zip["added_in"], 2018);
    assert_eq!(
        zip["description_fr"],
        "Logiciel facilitant l'archivage des données"
    );
    assert_eq!(zip["critical_mass"]["class"], "orphan");

    let (_, alerts) = app.get("/api/v1/software/additional-alerts").await;
    assert_eq!(alerts["parent"], "GLPI");
    assert_eq!(alerts["status"], "in_observation");
    assert_eq!(alerts["kind"], "desktop_mobile");
    assert_eq!(alerts["website"], Value::Null);
    let (_, ansible) = app.get("/api/v1/software/ansible").await;
    assert_eq!(ansible["kind"], "stack");
    assert_eq!(ansible["minimal_version"], "Distribution");
    assert_eq!(ansible["licence_family"], "copyleft_strong");
    assert_eq!(
        ansible["documentation"],
        "https://docs.ansible.com/ansible/latest/"
    );
    let (_, audacity) = app.get("/api/v1/software/audacity").await;
    assert_eq!(audacity["status"], "dereferenced");
    // Twins named after their parent.
    assert_eq!(
        app.get("/api/v1/software/grammalecte-libreoffice").await.0,
        200
    );
    assert_eq!(app.get("/api/v1/software/grammalecte-firefox").await.0, 200);
    assert_eq!(app.get("/api/v1/software/grammalecte").await.0, 404);

    // PostgreSQL is the network's most named technology.
    let (_, postgresql) = app.get("/api/v1/software/postgresql").await;
    let products = postgresql["products"].as_array().unwrap();
    assert!(products.len() >= 15, "{}", products.len());
    assert!(products.iter().all(|p| p["role"] == "techno"));
    assert_eq!(
        postgresql["critical_mass"]["products"],
        json!(products.len())
    );

    let (_, unmatched) = app
        .get("/api/v1/commons/unmatched-techno?page_size=1000")
        .await;
    let values = unmatched["data"].as_array().unwrap();
    assert!(values.iter().any(|v| v["techno"] == "ruby on rails"));
    assert!(!values.iter().any(|v| {
        v["techno"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case("postgresql")
    }));
    println!(
        "techno values left to link: {} (products' values linked: {})",
        unmatched["total"], links[0]
    );

    let (_, figures) = app.get("/api/v1/commons/figures").await;
    assert_eq!(figures["total"]["software"], 240);
    assert_eq!(figures["total"]["orphan"], 240);
    assert_eq!(figures["catalogue_contributors"], 24);
    let families: u64 = figures["licence_families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["software"].as_u64().unwrap())
        .sum();
    assert_eq!(families, 240);
    println!("licence families: {}", figures["licence_families"]);

    // The exports hold the whole catalogue.
    let csv = app
        .client
        .get(app.url("/logiciels.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 241);
    app.stop().await;
}
on_both_backends!(real_catalogue, real_catalogue_imported_once);

async fn broken_file_refused_whole(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sill.json");
    std::fs::write(
        &file,
        json!([
            {"id": "1", "i": "7zip", "l": "LGPL-2.0-only", "st": "R", "g": "MIMO", "y": "2018", "c": "Compression"},
            {"id": "2", "i": "Acceleo", "l": "EPL-2.0", "st": "Z", "g": "MIMDEV", "y": "2018"},
            {"id": "3", "i": "", "st": "R", "g": "MIMDEV", "y": "2018"},
            {"id": "4", "i": "Ansible", "st": "R", "g": "MIMPROD", "y": "2018", "co": "douze"}
        ])
        .to_string(),
    )
    .unwrap();
    let url = db.url.clone();
    let output = tokio::task::spawn_blocking(move || run_import(&url, &["import", "sill"], &file))
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains("sill.json entry 2: st: statut inconnu « Z »"),
        "{errors}"
    );
    assert!(errors.contains("sill.json entry 3: i:"), "{errors}");
    assert!(errors.contains("sill.json entry 4: co:"), "{errors}");
    assert!(db.store.load_catalogue().await.unwrap().software.is_empty());
    assert!(db.store.audit_page(0, 10).await.unwrap().entries.is_empty());
    // Skipping the invalid entries imports the valid one and lists the others.
    let (url, skipped_file) = (db.url.clone(), dir.path().join("sill.json"));
    let skipped = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
            .args(["import", "sill"])
            .arg(&skipped_file)
            .args(["--database", &url, "--skip-invalid"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(skipped.status.success());
    assert_eq!(summary_counts(&skipped, "software"), ["1", "1", "0", "0"]);
    assert!(String::from_utf8_lossy(&skipped.stdout).contains("3 enregistrement(s) rejeté(s)"));
    let catalogue = db.store.load_catalogue().await.unwrap();
    assert_eq!(catalogue.software.len(), 1);
    assert_eq!(catalogue.software[0].slug.as_str(), "7zip");
    let not_a_list = dir.path().join("other.json");
    std::fs::write(&not_a_list, "{\"i\": 1}").unwrap();
    let url = db.url.clone();
    let output =
        tokio::task::spawn_blocking(move || run_import(&url, &["import", "sill"], &not_a_list))
            .await
            .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(db.store.load_catalogue().await.unwrap().software.len(), 1);
}
on_both_backends!(broken_file, broken_file_refused_whole);

/// A server with the demo portfolio, accounts and catalogue.
async fn demo_app(db: TestDb) -> TestApp {
    db.fill_demo().await;
    pilote_web::ensure_demo_accounts(&db.store).await.unwrap();
    let software: Vec<pilote_domain::commons::Software> = serde_json::from_value(
        serde_json::from_str::<Value>(include_str!("../src/demo/commons.json")).unwrap()
            ["software"]
            .clone(),
    )
    .unwrap();
    db.store
        .replace_software(&software, &Actor::system("test"))
        .await
        .unwrap();
    TestApp::spawn(db, pilote_web::Config::default()).await
}

async fn declarations_are_their_authors(db: TestDb) {
    let app = demo_app(db).await;
    let write = [Scope::Read, Scope::WritePortfolio];
    let sarah = app.token_for("membre-produit", &write).await;
    let marc = app.token_for("responsable-incubateur", &write).await;
    let read_only = app.token_for("expert-accompagnement", &[Scope::Read]).await;
    let path = "/api/v1/software/nextcloud/declarations";
    let referent =
        json!({"kind": "referent", "organisation": "DINUM", "use_case": "Partage", "expert": true});

    assert_eq!(
        app.call(Method::POST, path, None, Some(&referent)).await.0,
        401
    );
    assert_eq!(
        app.call(Method::POST, path, Some(&read_only), Some(&referent))
            .await
            .0,
        403
    );
    let (status, created) = app
        .call(Method::POST, path, Some(&sarah), Some(&referent))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, again) = app
        .call(Method::POST, path, Some(&sarah), Some(&referent))
        .await;
    assert_eq!(status, 409, "{again}");
    let user_with_expertise = json!({"kind": "user", "organisation": "DINUM", "expert": true});
    let (status, refused) = app
        .call(Method::POST, path, Some(&sarah), Some(&user_with_expertise))
        .await;
    assert_eq!(status, 422);
    assert!(refused["error"]["fields"]["expert"].is_string());
    let user = json!({"kind": "user", "organisation": "Ministère de la Culture", "version": "28", "service_url": "https://partage.culture.gouv.fr"});
    assert_eq!(
        app.call(Method::POST, path, Some(&marc), Some(&user))
            .await
            .0,
        201
    );
    assert_eq!(
        app.call(
            Method::POST,
            "/api/v1/software/inconnu/declarations",
            Some(&sarah),
            Some(&user)
        )
        .await
        .0,
        404
    );

    // Anonymous callers see organisations, never who; signed-in ones see the referent's e-mail.
    let (_, public) = app
        .call(Method::GET, "/api/v1/software/nextcloud", None, None)
        .await;
    let text = public.to_string();
    assert!(!text.contains("sarah.durand@"), "{text}");
    assert!(public["declarations"][0]["agent"].is_null());
    assert_eq!(public["critical_mass"]["referents"], 1);
    assert_eq!(public["critical_mass"]["class"], "fragile");
    let (_, signed) = app
        .call(Method::GET, "/api/v1/software/nextcloud", Some(&marc), None)
        .await;
    let referent_seen = signed["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "referent")
        .unwrap();
    assert_eq!(referent_seen["email"], "sarah.durand@demo.beta.gouv.fr");
    assert_eq!(referent_seen["own"], false);
    let user_seen = signed["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "user")
        .unwrap();
    assert!(user_seen["email"].is_null(), "a user's e-mail is not shown");
    assert_eq!(user_seen["own"], true);

    // Only its author withdraws a declaration.
    let one = format!("{path}/{id}");
    assert_eq!(app.call(Method::DELETE, &one, None, None).await.0, 401);
    assert_eq!(
        app.call(Method::DELETE, &one, Some(&marc), None).await.0,
        403
    );
    assert_eq!(
        app.call(
            Method::DELETE,
            &format!("/api/v1/software/postgresql/declarations/{id}"),
            Some(&sarah),
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.call(Method::DELETE, &one, Some(&sarah), None).await.0,
        204
    );
    assert_eq!(
        app.call(Method::DELETE, &one, Some(&sarah), None).await.0,
        404
    );

    let history = app
        .db
        .store
        .audit_history("software_declaration", &id.to_string())
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "delete"]);
    assert_eq!(
        history[0].actor.kind,
        pilote_domain::audit::ActorKind::Token
    );
    assert!(
        !history[0].after.as_ref().unwrap().to_string().contains('@'),
        "no e-mail in the log"
    );
    app.stop().await;
}
on_both_backends!(declarations, declarations_are_their_authors);

async fn products_linked_by_their_team(db: TestDb) {
    let app = demo_app(db).await;
    let admin = app.token_for("administratrice", &Scope::ALL).await;
    let sarah = app
        .token_for("membre-produit", &[Scope::Read, Scope::WritePortfolio])
        .await;
    let path = "/api/v1/products/eau-claire/software/postgresql";
    let body = json!({"role": "dependency"});
    assert_eq!(app.call(Method::PUT, path, None, Some(&body)).await.0, 401);
    // Sarah works on droits-simples, not on eau-claire.
    assert_eq!(
        app.call(Method::PUT, path, Some(&sarah), Some(&body))
            .await
            .0,
        403
    );
    assert_eq!(
        app.call(Method::PUT, path, Some(&admin), Some(&body))
            .await
            .0,
        201
    );
    let (status, changed) = app
        .call(
            Method::PUT,
            path,
            Some(&admin),
            Some(&json!({"role": "tool"})),
        )
        .await;
    assert_eq!((status, changed["role"].as_str()), (200, Some("tool")));
    let (_, software) = app.get("/api/v1/software/postgresql").await;
    assert_eq!(software["products"][0]["product"], "eau-claire");
    assert_eq!(software["products"][0]["role"], "tool");
    assert_eq!(
        app.call(
            Method::PUT,
            "/api/v1/products/eau-claire/software/inconnu",
            Some(&admin),
            Some(&body)
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.call(Method::DELETE, path, Some(&admin), None).await.0,
        204
    );
    assert_eq!(
        app.call(Method::DELETE, path, Some(&admin), None).await.0,
        404
    );
    let history = app
        .db
        .store
        .audit_history("product_software", "eau-claire/postgresql")
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    app.stop().await;
}
on_both_backends!(product_links, products_linked_by_their_team);

async fn pages_show_emails_to_signed_in_agents_only(db: TestDb) {
    let app = demo_app(db).await;
    let marc = app
        .token_for(
            "responsable-incubateur",
            &[Scope::Read, Scope::WritePortfolio],
        )
        .await;
    let referent = json!({"kind": "referent", "organisation": "DINUM", "expert": true});
    let (status, declared) = app
        .call(
            Method::POST,
            "/api/v1/software/libreoffice/declarations",
            Some(&marc),
            Some(&referent),
        )
        .await;
    assert_eq!(status, 201);
    let page = |cookie: Option<String>| {
        let app = &app;
        async move {
            let mut request = reqwest::Client::new().get(app.url("/logiciels/libreoffice"));
            if let Some(cookie) = cookie {
                request = request.header(reqwest::header::COOKIE, cookie);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    };
    let anonymous = page(None).await;
    assert!(anonymous.contains("DINUM"));
    assert!(!anonymous.contains("marc.michel@"), "e-mail hidden");
    assert!(!anonymous.contains("Me déclarer"));
    let (cookie, csrf) = app.session_for("responsable-incubateur").await;
    let signed = page(Some(cookie.clone())).await;
    assert!(signed.contains("mailto:marc.michel@demo.beta.gouv.fr"));
    assert!(signed.contains("Retirer ma déclaration"));
    // Someone else signed in sees the e-mail, but no withdrawal.
    let (other, _) = app.session_for("membre-produit").await;
    let other_page = page(Some(other)).await;
    assert!(other_page.contains("marc.michel@"));
    assert!(!other_page.contains("Retirer ma déclaration"));

    // The forms: declaring as a user, then withdrawing.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |path: String, fields: Vec<(&'static str, &'static str)>| {
        let (client, cookie, csrf) = (&client, cookie.clone(), csrf.clone());
        let url = app.url(&path);
        async move {
            let mut fields: Vec<(&str, String)> =
                fields.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
            fields.push(("csrf", csrf));
            client
                .post(url)
                .header(reqwest::header::COOKIE, cookie)
                .form(&fields)
                .send()
                .await
                .unwrap()
        }
    };
    let missing = post(
        "/logiciels/libreoffice/declarations".into(),
        vec![("kind", "user"), ("organisation", " ")],
    )
    .await;
    assert_eq!(missing.status(), 422);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Organisation : ce champ est obligatoire")
    );
    let declared_user = post(
        "/logiciels/libreoffice/declarations".into(),
        vec![
            ("kind", "user"),
            ("organisation", "DINUM"),
            ("version", "7.6"),
        ],
    )
    .await;
    assert_eq!(declared_user.status(), 303);
    let withdrawn = post(
        format!(
            "/logiciels/libreoffice/declarations/{}/retirer",
            declared["id"]
        ),
        vec![],
    )
    .await;
    assert_eq!(withdrawn.status(), 303);
    let (_, software) = app.get("/api/v1/software/libreoffice").await;
    let kinds: Vec<&str> = software["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["user"]);

    // Lists and downloads name no one.
    for path in [
        "/logiciels",
        "/logiciels.csv",
        "/logiciels.json",
        "/logiciels/masse-critique",
    ] {
        let response = reqwest::Client::new()
            .get(app.url(path))
            .header(reqwest::header::COOKIE, cookie.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let text = response.text().await.unwrap();
        if path.contains('.') {
            assert!(!text.contains('@'), "{path}");
        }
        assert!(!text.contains("marc.michel"), "{path}");
    }
    let (_, json) = app.get("/logiciels.json?class=fragile").await;
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["slug"], "libreoffice");
    app.stop().await;
}
on_both_backends!(pages, pages_show_emails_to_signed_in_agents_only);
