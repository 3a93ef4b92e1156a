//! The pages through a real server, on both backends: every template answers in the
//! layout, lists follow their filters, downloads match, forms validate and keep values.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use common::{TestApp, TestDb};

async fn html(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn post_form(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.post(app.url(path));
    let mut form: Vec<(&str, &str)> = form.to_vec();
    if let Some((cookie, csrf)) = &app.session {
        request = request.header("cookie", cookie);
        form.push(("csrf", csrf));
    }
    let response = request.form(&form).send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        location,
        response.text().await.unwrap(),
    )
}

on_both_backends!(every_template_answers_in_the_layout, templates);
async fn templates(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let pages = [
        ("/", "Accueil — Pilote"),
        ("/produits", "Produits — Pilote"),
        ("/produits/eau-claire", "Eau Claire — Pilote"),
        ("/incubateurs", "Incubateurs — Pilote"),
        (
            "/incubateurs/fabrique-demo",
            "La Fabrique numérique (démo) — Pilote",
        ),
        ("/organisations", "Organisations — Pilote"),
        (
            "/organisations/min-transition",
            "Ministère de la Transition (démo) — Pilote",
        ),
        ("/membres", "Membres — Pilote"),
        ("/membres/lea.bernard", "Léa Bernard — Pilote"),
        ("/equipes", "Équipes — Pilote"),
        (
            "/equipes/animation-demo",
            "Animation du réseau (démo) — Pilote",
        ),
        ("/accessibilite", "Déclaration d’accessibilité — Pilote"),
        ("/mentions-legales", "Mentions légales — Pilote"),
        ("/donnees-personnelles", "Données personnelles — Pilote"),
        ("/plan-du-site", "Plan du site — Pilote"),
    ];
    let mut stylesheet = None;
    for (path, title) in pages {
        let (status, page) = html(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(page.contains("<html lang=\"fr\""), "{path}");
        assert!(
            page.contains(&format!("<title>{title}</title>")),
            "{path}: {}",
            &page[..page.len().min(600)]
        );
        assert!(page.contains("href=\"#contenu\""), "{path}: skip link");
        assert!(
            page.contains("Accessibilité : non conforme"),
            "{path}: footer"
        );
        assert!(
            page.contains("République<br>Française"),
            "{path}: the Republic's block"
        );
        assert_eq!(
            page.matches("<h1").count(),
            2,
            "{path}: one h1 besides the theme dialog's"
        );
        let css = page
            .split("rel=\"stylesheet\" href=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        stylesheet = Some(css);
    }
    // Assets: content-hashed, cached for a year, compressed on request.
    let css = stylesheet.unwrap();
    assert!(
        css.starts_with("/static/pilote.") && css.rsplit('.').next() == Some("css"),
        "{css}"
    );
    let response = app
        .client
        .get(app.url(&css))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(html(&app, "/static/pilote.0000000000.css").await.0, 404);

    // Errors: a page in the layout, never an internal message; the API keeps its JSON.
    let (status, page) = html(&app, "/produits/nope").await;
    assert_eq!(status, 404);
    assert!(page.contains("Page non trouvée") && page.contains("fr-footer"));
    let (status, body) = app.get("/api/v1/nope").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, page) = html(&app, "/produits?phase=prototype").await;
    assert_eq!(status, 422);
    assert!(page.contains("phase inconnue"));
    app.stop().await;
}

on_both_backends!(lists_follow_their_filters_and_downloads_match, lists);
async fn lists(db: TestDb) {
    db.fill_demo().await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let (_, api) = app
        .get("/api/v1/products?phase=construction&page_size=1000")
        .await;
    let expected: Vec<&str> = api["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        expected.len(),
        2,
        "the demo has two products in construction"
    );
    let (_, page) = html(&app, "/produits?phase=construction").await;
    let listed = page
        .matches("<th scope=\"row\"><a href=\"/produits/")
        .count();
    assert_eq!(listed, expected.len());
    for slug in &expected {
        assert!(
            page.contains(&format!("href=\"/produits/{slug}\"")),
            "{slug}"
        );
    }
    assert!(
        page.contains("<option value=\"construction\" selected>"),
        "the filter is kept in the form"
    );
    assert!(page.contains("href=\"/produits.csv?phase=construction\""));

    let csv = app
        .client
        .get(app.url("/produits.csv?phase=construction"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let slugs: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(slugs, expected);
    let (_, json) = app.get("/produits.json?phase=construction").await;
    assert_eq!(json.as_array().unwrap().len(), expected.len());

    // Paging keeps the filters; the demo has 10 members, under one page.
    let (_, members) = html(&app, "/membres?domaine=D%C3%A9veloppement").await;
    assert_eq!(
        members
            .matches("<th scope=\"row\"><a href=\"/membres/")
            .count(),
        2
    );
    // Every list offers its data with the same filters.
    let (_, members_csv) = html(&app, "/membres.csv?domaine=D%C3%A9veloppement").await;
    let mut reader = csv::Reader::from_reader(members_csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().take(4).collect::<Vec<_>>(),
        ["slug", "nom", "role", "domaine"]
    );
    let developers: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(developers, ["lea.bernard", "yanis.laurent"]);
    let (_, incubators) = app.get("/incubateurs.json").await;
    let incubators = incubators.as_array().unwrap();
    assert_eq!(incubators.len(), 3);
    let fabrique = incubators
        .iter()
        .find(|i| i["slug"] == "fabrique-demo")
        .unwrap();
    assert_eq!(
        (fabrique["nom"].as_str(), fabrique["produits"].as_str()),
        (Some("La Fabrique numérique (démo)"), Some("4"))
    );
    let (_, organisations) = html(&app, "/organisations.csv").await;
    assert_eq!(organisations.lines().count(), 1 + 4);
    let (_, teams) = html(&app, "/equipes").await;
    assert!(teams.contains("href=\"/equipes.csv\""));

    let (_, empty) = html(&app, "/produits?q=introuvable").await;
    assert!(empty.contains("Aucun produit ne correspond"));
    app.stop().await;
}

on_both_backends!(forms_validate_keep_values_and_confirm_deletes, forms);
async fn forms(db: TestDb) {
    db.fill_demo().await;
    let closed = db.another_handle().await;
    let app = TestApp::spawn_writable(db).await;

    let (status, _, page) = post_form(
        &app,
        "/produits/nouveau",
        &[
            ("slug", "signal-pollen"),
            ("title", "Signal Pollen"),
            ("mission", "Prévenir les allergiques"),
            ("incubator", "fabrique-demo"),
            ("sponsors", "min-transition, inconnue"),
            ("phases[0].name", "construction"),
            ("phases[0].start", "2025-03-01"),
            ("phases[0].end", "2025-01-01"),
            ("phases[1].name", "acceleration"),
            ("phases[1].start", "bientôt"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("value=\"Signal Pollen\""),
        "typed values are kept"
    );
    assert!(page.contains("value=\"min-transition, inconnue\""));
    assert!(
        page.contains("aria-describedby=\"f-phases-1-start-error\""),
        "{page}"
    );
    assert!(page.contains(
        "id=\"f-phases-1-start-error\" class=\"fr-error-text\">date invalide (attendu AAAA-MM-JJ)"
    ));
    assert_eq!(
        app.get("/api/v1/products/signal-pollen").await.0,
        404,
        "nothing is written"
    );

    let (status, _, page) = post_form(
        &app,
        "/produits/nouveau",
        &[
            ("slug", "signal-pollen"),
            ("title", "Signal Pollen"),
            ("incubator", "fabrique-demo"),
            ("sponsors", "min-transition, inconnue"),
            ("phases[0].name", "construction"),
            ("phases[0].start", "2025-03-01"),
            ("phases[0].end", "2025-01-01"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains(
        "id=\"f-sponsors-error\" class=\"fr-error-text\">organisation inconnue « inconnue »"
    ));
    assert!(page.contains("aria-describedby=\"f-phases-0-end-error\""));
    assert!(
        page.contains("href=\"#f-sponsors\""),
        "the summary links to the field"
    );

    let (status, location, _) = post_form(
        &app,
        "/produits/nouveau",
        &[
            ("slug", "signal-pollen"),
            ("title", "Signal Pollen"),
            ("description", "**Alerte** <script>alert(1)</script>"),
            ("incubator", "fabrique-demo"),
            ("sponsors", "min-transition"),
            ("phases[0].name", "construction"),
            ("phases[0].start", "2025-03-01"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/produits/signal-pollen"))
    );
    let (_, page) = html(&app, "/produits/signal-pollen").await;
    assert!(page.contains("<strong>Alerte</strong>"));
    assert!(!page.contains("<script>alert"), "Markdown is sanitised");

    // Edit: the form starts from the stored values; fields it lacks are kept.
    let (_, form) = html(&app, "/produits/eau-claire/modifier").await;
    assert!(form.contains("value=\"Eau Claire\""));
    let (status, _, _) = post_form(
        &app,
        "/produits/eau-claire/modifier",
        &[
            ("title", "Eau Claire 2"),
            ("incubator", "fabrique-demo"),
            ("phases[0].name", "acceleration"),
            ("phases[0].start", "2023-06-01"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, product) = app.get("/api/v1/products/eau-claire").await;
    assert_eq!(product["title"], "Eau Claire 2");
    assert_eq!(
        product["fast"]["amount"], 250_000,
        "fields outside the form are kept"
    );

    // Delete asks first.
    let (status, confirm) = html(&app, "/produits/signal-pollen/supprimer").await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Cette action est définitive"));
    assert_eq!(app.get("/api/v1/products/signal-pollen").await.0, 200);
    let (status, location, _) = post_form(&app, "/produits/signal-pollen/supprimer", &[]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/produits")));
    assert_eq!(app.get("/api/v1/products/signal-pollen").await.0, 404);

    // Members.
    let (status, _, page) = post_form(
        &app,
        "/membres/nouveau",
        &[
            ("slug", "zoe.roux"),
            ("fullname", "Zoé Roux"),
            ("domaine", "Design"),
            ("missions[0].start", "2025-01-01"),
            ("missions[0].status", "admin"),
            ("missions[0].products", "inconnu"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("aria-describedby=\"f-missions-0-products-error\""),
        "{page}"
    );
    let (status, location, _) = post_form(
        &app,
        "/membres/nouveau",
        &[
            ("slug", "zoe.roux"),
            ("fullname", "Zoé Roux"),
            ("domaine", "Design"),
            ("missions[0].start", "2025-01-01"),
            ("missions[0].status", "admin"),
            ("missions[0].products", "eau-claire"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/membres/zoe.roux"))
    );
    let (_, member) = app.get("/api/v1/members/zoe.roux").await;
    assert_eq!(member["missions"][0]["products"][0], "eau-claire");
    app.stop().await;

    // Signed out, the forms ask to sign in (and a post without a session's token is refused).
    let app = TestApp::spawn(closed, pilote_web::Config::default()).await;
    let (status, page) = html(&app, "/produits/nouveau").await;
    assert_eq!(status, 401);
    assert!(page.contains("Connexion requise") && page.contains("href=\"/connexion\""));
    assert_eq!(
        post_form(&app, "/produits/eau-claire/supprimer", &[])
            .await
            .0,
        403
    );
    assert_eq!(app.get("/api/v1/products/eau-claire").await.0, 200);
    app.stop().await;
}
