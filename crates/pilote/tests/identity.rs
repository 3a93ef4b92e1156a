//! Sign-in (ProConnect against a real local OpenID provider, and the demo accounts),
//! sessions, CSRF, security headers, API tokens and personal fields, on a real server.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::oidc::{
    OidcProvider, ProviderConfig, browser_client, finish_logout_at_provider, sign_in_at_provider,
};
use common::{Backend, TestApp, TestDb};
use pilote_domain::audit::Actor;
use reqwest::{StatusCode, Url, header};
use serde_json::{Value, json};

/// The e-mail of the demo member `camille.martin`, given before she signs in.
const CAMILLE_EMAIL: &str = "camille.martin@beta.gouv.fr";

/// A client that neither keeps cookies nor follows redirects: each request says it all.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn accounts() -> Value {
    json!({
        "camille": {
            "sub": "sub-camille",
            "email": CAMILLE_EMAIL,
            "given_name": "Camille",
            "usual_name": "Martin",
            "siret": "13002526500013",
            "uid": "camille"
        }
    })
}

/// A server with ProConnect configured against a fresh local provider.
struct SignIn {
    app: TestApp,
    provider: OidcProvider,
    browser: reqwest::Client,
}

async fn sign_in_setup(db: TestDb, clock_skew: i64) -> Option<SignIn> {
    db.fill_demo().await;
    let model = db.store.load_portfolio().await.unwrap();
    let mut camille = model
        .members
        .iter()
        .find(|m| m.slug.as_str() == "camille.martin")
        .unwrap()
        .clone();
    camille.email = Some(CAMILLE_EMAIL.to_owned());
    db.store
        .update_member(&camille, &Actor::system("test"))
        .await
        .unwrap();
    let (listener, base) = TestApp::bind().await;
    let provider = OidcProvider::start(
        ProviderConfig::new(
            format!("{base}/connexion/proconnect/retour"),
            format!("{base}/deconnexion/terminee"),
        )
        .with_clock_skew(clock_skew)
        .with_accounts(accounts()),
    )
    .await?;
    let config = pilote_web::Config {
        public_url: base.clone(),
        oidc: Some(pilote_web::OidcSettings {
            issuer: provider.issuer.clone(),
            client_id: provider.config.client_id.clone(),
            client_secret: provider.config.client_secret.clone(),
        }),
        demo_sign_in: false,
        ..pilote_web::Config::default()
    };
    let app = TestApp::serve(listener, db, config).await;
    Some(SignIn {
        app,
        provider,
        browser: browser_client(),
    })
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .expect("a redirect")
        .to_str()
        .unwrap()
        .to_owned()
}

fn query(url: &str, name: &str) -> Option<String> {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn with_query(url: &str, name: &str, value: &str) -> String {
    let mut url = Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name {
                value.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

/// The `Set-Cookie` header that sets `name` to a non-empty value.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| {
            value.starts_with(&format!("{name}=")) && !value.starts_with(&format!("{name}=;"))
        })
        .map(ToOwned::to_owned)
}

/// The CSRF token a page's forms carry.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

impl SignIn {
    /// Starts a sign-in at Pilote; returns the provider's authorisation URL.
    async fn start(&self) -> String {
        let response = self
            .browser
            .get(self.app.url("/connexion/proconnect?retour=/compte"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        location(&response)
    }

    async fn get(&self, url: &str) -> reqwest::Response {
        self.browser.get(url).send().await.unwrap()
    }
}

async fn signs_in_and_out_with_proconnect(db: TestDb) {
    let Some(s) = sign_in_setup(db, 0).await else {
        return;
    };
    let authorize = s.start().await;
    assert!(authorize.starts_with(&s.provider.issuer));
    assert_eq!(query(&authorize, "acr_values").as_deref(), Some("eidas1"));
    assert_eq!(
        query(&authorize, "scope").as_deref(),
        Some("openid email given_name usual_name siret uid")
    );
    assert_eq!(
        query(&authorize, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(query(&authorize, "state").unwrap().len() >= 32);
    assert!(query(&authorize, "nonce").unwrap().len() >= 32);

    let callback = sign_in_at_provider(&s.browser, &authorize, "camille").await;
    assert!(callback.starts_with(&s.app.url("/connexion/proconnect/retour")));
    let response = s.get(&callback).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    assert_eq!(location(&response), "/compte");
    let cookie = set_cookie(&response, "pilote_session").expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");

    let account = s.get(&s.app.url("/compte")).await;
    assert_eq!(account.status(), StatusCode::OK);
    let html = account.text().await.unwrap();
    assert!(html.contains("Camille Martin"));
    // Linked to the member with the same e-mail.
    assert!(html.contains("href=\"/membres/camille.martin\""), "{html}");
    let accounts = s.app.db.store.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].sub.as_deref(), Some("sub-camille"));
    assert_eq!(
        accounts[0].member.as_ref().map(pilote_domain::Slug::as_str),
        Some("camille.martin")
    );

    // Signing in again reconciles on `sub`: still one account.
    let again = sign_in_at_provider(&s.browser, &s.start().await, "camille").await;
    assert_eq!(s.get(&again).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.app.db.store.accounts().await.unwrap().len(), 1);

    let html = s.get(&s.app.url("/compte")).await.text().await.unwrap();
    let out = s
        .browser
        .post(s.app.url("/deconnexion"))
        .form(&[("csrf", csrf_of(&html))])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let end_session = location(&out);
    assert!(end_session.starts_with(&s.provider.issuer), "{end_session}");
    assert!(query(&end_session, "id_token_hint").is_some());
    assert_eq!(
        query(&end_session, "post_logout_redirect_uri"),
        Some(s.app.url("/deconnexion/terminee"))
    );
    let back = finish_logout_at_provider(&s.browser, &end_session).await;
    assert!(
        back.starts_with(&s.app.url("/deconnexion/terminee")),
        "{back}"
    );
    let done = s.get(&back).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("Vous êtes déconnecté"));
    assert_eq!(
        s.get(&s.app.url("/compte")).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

on_both_backends!(proconnect_sign_in_and_out, signs_in_and_out_with_proconnect);

/// Asserts a refused callback: a clear page, and no session.
async fn refused(s: &SignIn, callback: &str, words: &str) {
    let response = s.get(callback).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(set_cookie(&response, "pilote_session").is_none());
    let html = response.text().await.unwrap();
    assert!(html.contains("Connexion impossible"), "{html}");
    assert!(html.contains(words), "expected « {words} » in {html}");
    assert_eq!(
        s.get(&s.app.url("/compte")).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_wrong_state_is_refused() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    let Some(s) = sign_in_setup(db, 0).await else {
        return;
    };
    let callback = sign_in_at_provider(&s.browser, &s.start().await, "camille").await;
    let forged = with_query(&callback, "state", &"x".repeat(43));
    refused(&s, &forged, "state").await;
}

#[tokio::test]
async fn a_replayed_code_is_refused() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    let Some(s) = sign_in_setup(db, 0).await else {
        return;
    };
    // The attacker holds everything the browser sent: its sign-in cookie and the answer.
    let attacker = bare_client();
    let start = attacker
        .get(s.app.url("/connexion/proconnect"))
        .send()
        .await
        .unwrap();
    let cookie = set_cookie(&start, "pilote_connexion").expect("a sign-in cookie");
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let callback = sign_in_at_provider(&s.browser, &location(&start), "camille").await;
    let send = || {
        attacker
            .get(&callback)
            .header(header::COOKIE, cookie.clone())
            .send()
    };
    assert_eq!(send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let replayed = send().await.unwrap();
    assert_eq!(replayed.status(), StatusCode::BAD_REQUEST);
    assert!(set_cookie(&replayed, "pilote_session").is_none());
    assert!(replayed.text().await.unwrap().contains("déjà servi"));
}

#[tokio::test]
async fn a_wrong_nonce_is_refused() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    let Some(s) = sign_in_setup(db, 0).await else {
        return;
    };
    let tampered = with_query(&s.start().await, "nonce", &"n".repeat(43));
    let callback = sign_in_at_provider(&s.browser, &tampered, "camille").await;
    refused(&s, &callback, "nonce").await;
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    let Some(s) = sign_in_setup(db, -7200).await else {
        return;
    };
    let callback = sign_in_at_provider(&s.browser, &s.start().await, "camille").await;
    refused(&s, &callback, "expiré").await;
}

#[tokio::test]
async fn a_provider_down_is_a_clear_page() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    let Some(mut s) = sign_in_setup(db, 0).await else {
        return;
    };
    s.provider.stop();
    let response = s
        .browser
        .get(s.app.url("/connexion/proconnect"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(set_cookie(&response, "pilote_session").is_none());
    let html = response.text().await.unwrap();
    assert!(html.contains("ProConnect ne répond pas"), "{html}");
}

/// A server with the demo accounts, and a browser.
async fn demo_app(db: TestDb) -> (TestApp, reqwest::Client) {
    db.fill_demo().await;
    pilote_web::ensure_demo_accounts(&db.store).await.unwrap();
    let config = pilote_web::Config {
        demo_sign_in: true,
        ..pilote_web::Config::default()
    };
    (TestApp::spawn(db, config).await, browser_client())
}

/// Signs in as a demo account; returns the CSRF token of the session's forms.
async fn demo_sign_in(app: &TestApp, browser: &reqwest::Client, key: &str) -> String {
    let page = browser.get(app.url("/connexion")).send().await.unwrap();
    // Set on the first form shown to this browser.
    if let Some(cookie) = set_cookie(&page, "pilote_csrf") {
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
    }
    let csrf = csrf_of(&page.text().await.unwrap());
    let response = browser
        .post(app.url("/connexion/demo"))
        .form(&[("csrf", csrf.as_str()), ("compte", key)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&response, "pilote_session").is_some());
    let home = browser.get(app.url("/compte")).send().await.unwrap();
    csrf_of(&home.text().await.unwrap())
}

async fn demo_accounts_sign_in_by_role(db: TestDb) {
    let (app, browser) = demo_app(db).await;
    let page = browser
        .get(app.url("/connexion"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for key in [
        "administratrice",
        "responsable-incubateur",
        "membre-produit",
        "editrice-organisation",
        "expert-accompagnement",
    ] {
        assert!(page.contains(&format!("value=\"{key}\"")), "{key}");
    }
    demo_sign_in(&app, &browser, "administratrice").await;
    let home = browser
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Julie Simon"), "{home}");
    assert!(home.contains("href=\"/admin/comptes\""));
    assert!(home.contains("Se déconnecter"));
    app.stop().await;
}

on_both_backends!(demo_sign_in_by_role, demo_accounts_sign_in_by_role);

#[tokio::test]
async fn demo_sign_in_is_refused_without_demo() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    pilote_web::ensure_demo_accounts(&db.store).await.unwrap();
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    let page = app.client.get(app.url("/connexion")).send().await.unwrap();
    assert!(
        set_cookie(&page, "pilote_csrf").is_none(),
        "no form, no CSRF cookie"
    );
    let page = page.text().await.unwrap();
    assert!(!page.contains("administratrice"));
    assert!(page.contains("Connexion indisponible"));
    // A well-formed post (cookie and field agree) still finds demo sign-in closed.
    let token = "t".repeat(43);
    let response = app
        .client
        .post(app.url("/connexion/demo"))
        .header(header::COOKIE, format!("pilote_csrf={token}"))
        .form(&[("csrf", token.as_str()), ("compte", "administratrice")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&response, "pilote_session").is_none());
    assert!(response.text().await.unwrap().contains("démonstration"));
}

#[test]
fn demo_is_refused_in_production() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["serve", "--demo", "--addr", "127.0.0.1:0", "--database"])
        .arg(format!("sqlite://{}", dir.path().join("p.db").display()))
        .env("PILOTE_ENV", "production")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("PILOTE_ENV=production"), "{stderr}");
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    let (app, browser) = demo_app(db).await;
    let csrf = demo_sign_in(&app, &browser, "administratrice").await;
    let product = [
        ("slug", "sans-jeton"),
        ("title", "Sans jeton"),
        ("mission", "m"),
        ("incubator", "fabrique-demo"),
        ("phases[0].name", "investigation"),
        ("phases[0].start", "2024-01-01"),
    ];
    for token in [None, Some("faux".repeat(11))] {
        let mut form: Vec<(&str, &str)> = product.to_vec();
        if let Some(token) = &token {
            form.push(("csrf", token));
        }
        let response = browser
            .post(app.url("/produits/nouveau"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("jeton de sécurité"));
    }
    let portfolio = app.db.store.load_portfolio().await.unwrap();
    assert!(
        portfolio
            .products
            .iter()
            .all(|p| p.slug.as_str() != "sans-jeton")
    );
    // With the token, the same form writes.
    let mut form: Vec<(&str, &str)> = product.to_vec();
    form.push(("csrf", &csrf));
    let response = browser
        .post(app.url("/produits/nouveau"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let history = app
        .db
        .store
        .audit_history("product", "sans-jeton")
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    // The log names the account by number only; the history page names the person.
    let julie = app.db.store.demo_account("administratrice").await.unwrap();
    assert_eq!(history[0].actor.account_number(), Some(julie.id));
    assert!(!history[0].actor.name.contains("Julie"));
    let page = browser
        .get(app.url("/produits/sans-jeton/historique"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<td>Julie Simon</td>"), "{page}");
    app.stop().await;
}

#[tokio::test]
async fn sign_in_is_rate_limited() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    let (app, browser) = demo_app(db).await;
    drop(browser);
    let client = bare_client();
    let csrf = "k".repeat(43);
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let response = client
            .post(app.url("/connexion/demo"))
            .header(header::COOKIE, format!("pilote_csrf={csrf}"))
            .form(&[("csrf", csrf.as_str()), ("compte", "membre-produit")])
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses[..10], [303; 10]);
    assert_eq!(statuses[10], 429);
}

fn assert_security_headers(response: &reqwest::Response, https: bool) {
    let headers = response.headers();
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .expect("a CSP")
        .to_str()
        .unwrap();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(
        headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
    assert!(headers.get(header::REFERRER_POLICY).is_some());
    assert_eq!(
        headers.get(header::STRICT_TRANSPORT_SECURITY).is_some(),
        https,
        "HSTS only under https"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let app = TestApp::spawn(db, pilote_web::Config::default()).await;
    for path in [
        "/",
        "/produits",
        "/api/v1/products",
        "/api/openapi.json",
        "/introuvable",
        "/healthz",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_security_headers(&response, false);
    }
    app.stop().await;

    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    pilote_web::ensure_demo_accounts(&db.store).await.unwrap();
    let config = pilote_web::Config {
        public_url: "https://pilote.example.gouv.fr".into(),
        demo_sign_in: true,
        ..pilote_web::Config::default()
    };
    let app = TestApp::spawn(db, config).await;
    let page = app.client.get(app.url("/connexion")).send().await.unwrap();
    assert_security_headers(&page, true);
    let cookie = set_cookie(&page, "pilote_csrf").unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
    app.stop().await;
}

/// Creates a token from the account page; returns its secret.
async fn create_token(
    app: &TestApp,
    browser: &reqwest::Client,
    csrf: &str,
    scopes: &[&str],
) -> String {
    let mut form = vec![("csrf", csrf), ("nom", "intégration"), ("validite", "30")];
    form.extend(scopes.iter().map(|scope| ("portees", *scope)));
    let response = browser
        .post(app.url("/compte/jetons"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let start = html
        .find("<code id=\"nouveau-jeton\">")
        .expect("the token, shown once")
        + "<code id=\"nouveau-jeton\">".len();
    html[start..start + html[start..].find('<').unwrap()].to_owned()
}

async fn tokens_are_scoped_hashed_and_revocable(db: TestDb) {
    let (app, browser) = demo_app(db).await;
    let csrf = demo_sign_in(&app, &browser, "administratrice").await;
    let token = create_token(&app, &browser, &csrf, &["write:portfolio"]).await;
    assert!(token.starts_with("pilote_") && token.len() > 40);

    let me: Value = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Julie Simon");
    assert_eq!(me["scopes"], json!(["write:portfolio"]));

    let product = json!({
        "slug": "par-jeton", "title": "Par jeton", "mission": "m", "incubator": "fabrique-demo",
        "phases": [{"name": "investigation", "start": "2024-01-01"}]
    });
    let created = app
        .client
        .post(app.url("/api/v1/products"))
        .bearer_auth(&token)
        .json(&product)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let anonymous = app
        .client
        .post(app.url("/api/v1/products"))
        .json(&product)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // Stored hashed: the secret is nowhere in the tokens table.
    let tokens = app.db.store.tokens(1).await.unwrap();
    assert_eq!(tokens.len(), 1);
    let page = browser
        .get(app.url("/compte"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&token), "shown once only");
    assert!(page.contains(&tokens[0].prefix));

    // A read-only token cannot write, even for an administrator.
    let reader = create_token(&app, &browser, &csrf, &["read"]).await;
    let refused = app
        .client
        .put(app.url("/api/v1/products/par-jeton"))
        .bearer_auth(&reader)
        .json(&product)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Revoked: refused from then on.
    let revoked = browser
        .post(app.url(&format!("/compte/jetons/{}/revocation", tokens[0].id)))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let after = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

on_both_backends!(api_tokens, tokens_are_scoped_hashed_and_revocable);

#[tokio::test]
async fn token_creation_needs_a_recent_sign_in() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    let (app, browser) = demo_app(db).await;
    let csrf = demo_sign_in(&app, &browser, "membre-produit").await;
    let pilote_store::Store::Sqlite(pool) = &app.db.store else {
        unreachable!()
    };
    sqlx::query("UPDATE sessions SET authenticated_at = '2020-01-01T00:00:00.000000Z'")
        .execute(pool)
        .await
        .unwrap();
    let response = browser
        .post(app.url("/compte/jetons"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("nom", "x"),
            ("portees", "read"),
            ("validite", "30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/connexion/reauthentification");
    assert!(app.db.store.tokens(3).await.unwrap().is_empty());
    let confirmed = browser
        .post(app.url("/connexion/reauthentification"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    let token = create_token(&app, &browser, &csrf, &["read"]).await;
    assert!(token.starts_with("pilote_"));
}

async fn personal_fields_are_for_the_member_and_administrators(db: TestDb) {
    let (app, browser) = demo_app(db).await;
    let model = app.db.store.load_portfolio().await.unwrap();
    let mut sarah = model
        .members
        .iter()
        .find(|m| m.slug.as_str() == "sarah.durand")
        .unwrap()
        .clone();
    sarah.email = Some("sarah.durand@exemple.gouv.fr".into());
    sarah.phone = Some("01 02 03 04 05".into());
    app.db
        .store
        .update_member(&sarah, &Actor::system("test"))
        .await
        .unwrap();
    app.client.get(app.url("/healthz")).send().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;

    let public: Value = app
        .client
        .get(app.url("/api/v1/members/sarah.durand"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(public.get("email").is_none_or(Value::is_null), "{public}");
    let page = app
        .client
        .get(app.url("/membres/sarah.durand"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("sarah.durand@exemple.gouv.fr"));
    let listing = app
        .client
        .get(app.url("/membres.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!listing.contains("sarah.durand@exemple.gouv.fr"));

    // Sarah herself sees them, on her page and through a token.
    let csrf = demo_sign_in(&app, &browser, "membre-produit").await;
    let page = browser
        .get(app.url("/membres/sarah.durand"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("sarah.durand@exemple.gouv.fr"), "{page}");
    let token = create_token(&app, &browser, &csrf, &["read"]).await;
    let own: Value = app
        .client
        .get(app.url("/api/v1/members/sarah.durand"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(own["email"], "sarah.durand@exemple.gouv.fr");
    // Another member does not.
    let other = browser_client();
    demo_sign_in(&app, &other, "responsable-incubateur").await;
    let page = other
        .get(app.url("/membres/sarah.durand"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("sarah.durand@exemple.gouv.fr"));
    app.stop().await;
}

on_both_backends!(
    personal_fields,
    personal_fields_are_for_the_member_and_administrators
);

#[tokio::test]
async fn sessions_end_when_idle_or_too_old() {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    let (app, browser) = demo_app(db).await;
    let pilote_store::Store::Sqlite(pool) = &app.db.store else {
        unreachable!()
    };
    for column in ["last_seen_at", "created_at"] {
        demo_sign_in(&app, &browser, "administratrice").await;
        assert_eq!(
            browser
                .get(app.url("/compte"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        let old = pilote_store::timestamp(chrono::Utc::now() - chrono::Duration::hours(13));
        sqlx::query(&format!("UPDATE sessions SET {column} = $1"))
            .bind(old)
            .execute(pool)
            .await
            .unwrap();
        let response = browser.get(app.url("/compte")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{column}");
        let cleared = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("pilote_session=;"));
        assert!(cleared, "the stale cookie is cleared ({column})");
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(left, 0, "the expired session is deleted ({column})");
    }
}

async fn erasure_takes_the_accounts_with_it(db: TestDb) {
    let (app, _browser) = demo_app(db).await;
    let sarah = pilote_domain::Slug::parse("sarah.durand").unwrap();
    let token = app
        .token_for("membre-produit", &[pilote_domain::identity::Scope::Read])
        .await;
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);

    let export = app.db.store.member_export(&sarah).await.unwrap();
    assert_eq!(
        export["accounts"][0]["email"],
        "sarah.durand@demo.beta.gouv.fr"
    );
    assert_eq!(export["api_tokens"].as_array().unwrap().len(), 1);
    assert!(
        !export.to_string().contains(&token),
        "the secret is never kept"
    );

    app.db
        .store
        .erase_person(&sarah, &Actor::system("test"))
        .await
        .unwrap();
    let after = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        StatusCode::UNAUTHORIZED,
        "the account went, its tokens with it"
    );
    let verification = app.db.store.verify_audit().await.unwrap();
    assert!(
        verification.first_break.is_none(),
        "{:?}",
        verification.first_break
    );
    let account_id = export["accounts"][0]["id"].as_i64().unwrap().to_string();
    let history = app
        .db
        .store
        .audit_history("account", &account_id)
        .await
        .unwrap();
    assert!(!history.is_empty());
    let text = serde_json::to_string(&history).unwrap();
    assert!(!text.contains("sarah.durand@demo.beta.gouv.fr"), "{text}");
    assert!(text.contains("[effacé]"));
    app.stop().await;
}

on_both_backends!(
    erasure_of_a_signed_in_member,
    erasure_takes_the_accounts_with_it
);
