//! The quality forms through a real server on both backends: the quality record, an RGAA
//! audit started and filled page by page, the RGESN self-assessment theme by theme, and the
//! observatory's quarterly edition; errors on their fields with the values kept, denials,
//! and what the API reads back afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::{Browser, TestApp, TestDb};
use reqwest::Method;
use serde_json::Value;

/// The demo product of the « membre-produit » account.
const QUALITY: &str = "/produits/droits-simples/qualite";

async fn app(db: TestDb) -> TestApp {
    db.fill_demo().await;
    TestApp::spawn_writable(db).await
}

async fn api(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.send(Method::GET, path, &Value::Null).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// The audit-log entries of droits-simples's quality record.
async fn record_history(app: &TestApp) -> usize {
    app.db
        .store
        .audit_history("quality_record", "droits-simples")
        .await
        .unwrap()
        .len()
}

async fn fills_the_quality_record(db: TestDb) {
    let app = app(db).await;
    let member = Browser::signed_in(&app, "membre-produit").await;
    let form = "/produits/droits-simples/qualite/fiche";

    // The quality page offers the forms to the product's people only.
    let (_, page) = member.get(QUALITY).await;
    for link in [
        "/produits/droits-simples/qualite/fiche",
        "/produits/droits-simples/audits/nouveau",
        "/produits/droits-simples/rgesn",
    ] {
        assert!(page.contains(&format!("href=\"{link}\"")), "{link}");
    }
    let (_, public) = Browser::with(&app, None).get(QUALITY).await;
    assert!(!public.contains("/qualite/fiche"));
    assert!(!public.contains("/audits/nouveau"));

    // Errors come back on their fields, the values typed kept, nothing written.
    let before = record_history(&app).await;
    let (status, _, page) = member
        .submit(
            form,
            &[
                ("identity", "franceconnect"),
                ("statement.status", "partially_compliant"),
                ("statement.url", "pas-une-adresse"),
                ("hosting.provider", "Scalingo"),
                ("declared.satisfaction.score", "8,5"),
                ("declared.satisfaction.reviews", "beaucoup"),
                ("security.homologation_date", "2025-13-45"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Le formulaire contient"), "{page}");
    assert!(
        page.contains("id=\"f-declared-satisfaction-reviews-error\" class=\"fr-error-text\">nombre entier invalide"),
        "{page}"
    );
    assert!(page.contains("value=\"Scalingo\""), "typed values are kept");
    assert!(page.contains("<option value=\"franceconnect\" selected>"));
    assert_eq!(record_history(&app).await, before, "nothing written");
    // A group begun asks for its required fields.
    let (status, _, page) = member
        .submit(form, &[("hosting.provider", "Scalingo")])
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("href=\"#f-hosting-model\">Modèle de service : ce champ est obligatoire"),
        "{page}"
    );
    // Once readable, the record's own checks answer on their fields.
    let (status, _, page) = member
        .submit(
            form,
            &[
                ("statement.status", "partially_compliant"),
                ("statement.url", "pas-une-adresse"),
                ("security.decision", "granted"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("id=\"f-statement-url-error\""), "{page}");
    assert!(
        page.contains(
            "href=\"#f-security-homologation-date\">Date de la décision d’homologation : "
        ),
        "{page}"
    );

    // A whole record is written, read back by the API and the page.
    let (status, location, page) = member
        .submit(
            form,
            &[
                ("identity", "franceconnect"),
                ("statement.status", "partially_compliant"),
                (
                    "statement.url",
                    "https://droits-simples.example.org/accessibilite",
                ),
                ("statement.date", "2025-03-01"),
                ("security.risk_analysis", "true"),
                ("security.decision", "granted"),
                ("security.homologation_date", "2025-02-10"),
                ("security.mon_service_securise", "false"),
                ("hosting.provider", "Scalingo"),
                ("hosting.model", "paas"),
                ("hosting.cloud", "commercial"),
                ("hosting.data_sensitivity", "sensitive"),
                ("hosting.secnumcloud.version", "3.2"),
                ("hosting.secnumcloud.date", "2024-06-01"),
                ("declared.date", "2025-04-01"),
                ("declared.satisfaction.score", "8,5"),
                ("declared.satisfaction.reviews", "120"),
                ("declared.online", "yes"),
                ("declared.usage", "64"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(location.as_deref(), Some(QUALITY));
    let record = api(&app, "/api/v1/products/droits-simples/quality-record").await;
    assert_eq!(record["source"], "recorded");
    assert_eq!(record["identity"], "franceconnect");
    assert_eq!(record["security"]["risk_analysis"], true);
    assert_eq!(record["security"]["mon_service_securise"], false);
    assert_eq!(record["hosting"]["secnumcloud"]["version"], "3.2");
    assert_eq!(record["declared"]["satisfaction"]["score"], 8.5);
    assert_eq!(record["declared"]["satisfaction"]["reviews"], 120);
    assert_eq!(record["declared"]["usage"], 64.0);
    assert!(record["declared"]["help_used"].is_null());
    assert_eq!(record_history(&app).await, before + 1);
    // The form shows the record as written.
    let (_, page) = member.get(form).await;
    assert!(page.contains("value=\"Scalingo\""));
    assert!(page.contains("<option value=\"granted\" selected>"));
    assert!(page.contains("value=\"8.5\""));

    // Denials: signed out, another product's member, an unknown product.
    let (status, _) = Browser::with(&app, None).get(form).await;
    assert_eq!(status, 401);
    let (status, _) = member.get("/produits/eau-claire/qualite/fiche").await;
    assert_eq!(status, 403);
    let (status, _) = member.get("/produits/inconnu/qualite/fiche").await;
    assert_eq!(status, 404);
    let (status, _, _) = member.post(form, &[("identity", "proconnect")], None).await;
    assert_eq!(status, 403, "a post without its CSRF token is refused");
    app.stop().await;
}
on_both_backends!(record, fills_the_quality_record);

async fn runs_an_audit_page_by_page(db: TestDb) {
    let app = app(db).await;
    let member = Browser::signed_in(&app, "membre-produit").await;
    let new = "/produits/droits-simples/audits/nouveau";

    // A sample line without an address is named by its line.
    let (status, _, page) = member
        .submit(
            new,
            &[
                ("kind", "fast"),
                ("date", "2025-05-02"),
                ("auditor", "Cabinet Accès"),
                (
                    "pages",
                    "Accueil | https://droits-simples.example.org/\nSimulateur",
                ),
            ],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("ligne 2 : "), "{page}");
    assert!(
        page.contains("Simulateur</textarea>"),
        "the sample typed is kept"
    );

    let (status, location, page) = member
        .submit(
            new,
            &[
                ("kind", "fast"),
                ("date", "2025-05-02"),
                ("auditor", "Cabinet Accès"),
                (
                    "pages",
                    "Accueil | https://droits-simples.example.org/\nSimulateur | https://droits-simples.example.org/simuler",
                ),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let first_page = location.unwrap();
    let id: i64 = first_page
        .strip_prefix("/produits/droits-simples/audits/")
        .and_then(|rest| rest.strip_suffix("/pages/1"))
        .unwrap()
        .parse()
        .unwrap();
    let report_api = format!("/api/v1/products/droits-simples/audits/{id}");
    let report = api(&app, &report_api).await;
    assert_eq!(report["auditor"], "Cabinet Accès");
    assert_eq!(report["pages"].as_array().unwrap().len(), 2);
    assert_eq!(report["figures"]["incomplete"], 25);

    // Topic 1 of the quick audit is 1.1 alone; topic 11 holds several criteria.
    let (status, page) = member.get(&first_page).await;
    assert_eq!(status, 200);
    assert!(page.contains("name=\"1.1.status\""), "{page}");
    assert!(
        !page.contains("name=\"1.2.status\""),
        "1.2 is not in the quick audit"
    );
    let topic = format!("{first_page}?thematique=11");
    let (_, page) = member.get(&topic).await;
    assert!(page.contains("name=\"11.1.status\""));
    assert!(!page.contains("name=\"1.1.status\""));

    // A non-compliance on a compliant criterion, and one without its impact: on their fields.
    let (status, _, page) = member
        .submit(
            &topic,
            &[
                ("11.1.status", "compliant"),
                ("11.1.nc0.title", "Champ sans étiquette"),
                ("11.1.nc0.impact", "major"),
                ("11.2.status", "non_compliant"),
                ("11.2.nc0.title", "Étiquette incomplète"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("href=\"#f-11-1-status\">Critère 11.1 : statut"),
        "{page}"
    );
    assert!(
        page.contains("href=\"#f-11-2-nc0-impact\">Critère 11.2 : non-conformité 1 : impact"),
        "{page}"
    );
    assert!(page.contains("value=\"Étiquette incomplète\""));

    // The topic's results on page 2, in one write.
    let page_two = format!("/produits/droits-simples/audits/{id}/pages/2?thematique=11");
    let (status, location, page) = member
        .submit(
            &page_two,
            &[
                ("11.1.status", "non_compliant"),
                ("11.1.comment", "Champ « revenus »"),
                ("11.1.nc0.title", "Le champ « revenus » n'a pas d'étiquette"),
                ("11.1.nc0.impact", "blocking"),
                ("11.1.nc0.quick_win", "on"),
                ("11.2.status", "compliant"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(
        location.as_deref(),
        Some(
            format!("/produits/droits-simples/audits/{id}/pages/2?thematique=11&enregistre=1")
                .as_str()
        )
    );
    let report = api(&app, &report_api).await;
    let on_two = &report["results"][1];
    assert_eq!(on_two["11.1"]["status"], "non_compliant");
    assert_eq!(on_two["11.1"]["non_compliances"][0]["impact"], "blocking");
    assert_eq!(on_two["11.1"]["non_compliances"][0]["quick_win"], true);
    assert_eq!(on_two["11.2"]["status"], "compliant");
    // The form shows them back, with an empty row for one more non-compliance.
    let (_, page) = member.get(&location.unwrap()).await;
    assert!(page.contains("Résultats enregistrés"));
    assert!(
        page.contains("value=\"Le champ « revenus » n&#39;a pas d&#39;étiquette\"")
            || page.contains("value=\"Le champ « revenus » n&#x27;a pas d&#x27;étiquette\""),
        "{page}"
    );
    assert!(page.contains("name=\"11.1.nc1.title\""));
    assert!(page.contains("name=\"11.1.nc0.quick_win\" checked"));

    // Emptying a status clears that criterion's result, the others stay.
    let (status, _, _) = member
        .submit(
            &page_two,
            &[("11.1.status", ""), ("11.2.status", "compliant")],
        )
        .await;
    assert_eq!(status, 303);
    let report = api(&app, &report_api).await;
    assert!(report["results"][1].get("11.1").is_none());
    assert_eq!(report["results"][1]["11.2"]["status"], "compliant");

    // Outside the sample, another product's member, signed out.
    let (status, _) = member
        .get(&format!("/produits/droits-simples/audits/{id}/pages/3"))
        .await;
    assert_eq!(status, 404);
    let (status, _) = member
        .get(&format!("/produits/eau-claire/audits/{id}/pages/1"))
        .await;
    assert_eq!(status, 403);
    let (status, _) = Browser::with(&app, None).get(&first_page).await;
    assert_eq!(status, 401);
    app.stop().await;
}
on_both_backends!(audit, runs_an_audit_page_by_page);

async fn fills_rgesn_theme_by_theme(db: TestDb) {
    let app = app(db).await;
    let member = Browser::signed_in(&app, "membre-produit").await;
    let strategy = "/produits/droits-simples/rgesn?thematique=1";
    let hosting = "/produits/droits-simples/rgesn?thematique=8";

    let (_, page) = member.get(strategy).await;
    assert!(page.contains("name=\"1.12.answer\""));
    assert!(
        !page.contains("name=\"1.13.answer\""),
        "theme 1 has 12 criteria"
    );

    // A comment without an answer is refused on its criterion.
    let (status, _, page) = member.submit(strategy, &[("1.1.comment", "À voir")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Critère 1.1 : réponse"), "{page}");

    let (status, _, _) = member
        .submit(
            strategy,
            &[
                ("1.1.answer", "met"),
                ("1.2.answer", "not_met"),
                ("1.2.comment", "Prévu au prochain trimestre"),
                ("1.3.answer", "not_applicable"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (status, location, _) = member
        .submit(hosting, &[("8.1.answer", "met"), ("8.2.answer", "met")])
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some("/produits/droits-simples/rgesn?thematique=8&enregistre=1")
    );
    let shown = api(&app, "/api/v1/products/droits-simples/rgesn").await;
    assert_eq!(
        shown["answered"], 5,
        "the other theme's answers stay: {shown}"
    );
    // 3 met of 4 applicable.
    assert_eq!(shown["overall"]["met"], 3);
    assert_eq!(shown["overall"]["applicable"], 4);
    let (_, page) = member.get(strategy).await;
    assert!(page.contains("value=\"Prévu au prochain trimestre\""));

    // Theme 8 answered again with one answer fewer: only that theme changes.
    let (status, _, _) = member.submit(hosting, &[("8.1.answer", "not_met")]).await;
    assert_eq!(status, 303);
    let shown = api(&app, "/api/v1/products/droits-simples/rgesn").await;
    assert_eq!(shown["answered"], 4);
    assert_eq!(shown["overall"]["met"], 1);

    let (status, _) = member.get("/produits/eau-claire/rgesn").await;
    assert_eq!(status, 403);
    app.stop().await;
}
on_both_backends!(rgesn, fills_rgesn_theme_by_theme);

async fn freezes_an_edition_from_the_page(db: TestDb) {
    let app = app(db).await;
    let admin = Browser::signed_in(&app, "administratrice").await;
    let (_, page) = admin.get("/observatoire").await;
    assert!(page.contains("action=\"/observatoire/editions#erreurs\""));
    let (_, public) = Browser::with(&app, None).get("/observatoire").await;
    assert!(!public.contains("/observatoire/editions"));
    let (_, member_page) = Browser::signed_in(&app, "membre-produit")
        .await
        .get("/observatoire")
        .await;
    assert!(!member_page.contains("/observatoire/editions"));

    let token = common::csrf_of(&admin.get("/observatoire").await.1);
    let post = |edition: &'static str| {
        let admin = &admin;
        let token = token.clone();
        async move {
            admin
                .post(
                    "/observatoire/editions",
                    &[("edition", edition)],
                    Some(&token),
                )
                .await
        }
    };
    let (status, _, page) = post("2026-T5").await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"f-edition-error\""), "{page}");
    assert!(page.contains("value=\"2026-T5\""));
    let (status, location, _) = post("2025-T2").await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/observatoire?edition=2025-T2"));
    let editions = api(&app, "/api/v1/observatory/editions").await;
    assert_eq!(editions[0]["edition"], "2025-T2");
    let (status, _, page) = post("2025-T2").await;
    assert_eq!(status, 409);
    assert!(page.contains("déjà figée"), "{page}");

    let member = Browser::signed_in(&app, "membre-produit").await;
    let token = common::csrf_of(&member.get("/produits/droits-simples/qualite/fiche").await.1);
    let (status, _, _) = member
        .post(
            "/observatoire/editions",
            &[("edition", "2025-T3")],
            Some(&token),
        )
        .await;
    assert_eq!(status, 403);
    app.stop().await;
}
on_both_backends!(editions, freezes_an_edition_from_the_page);
