//! The local OIDC provider of the tests (`tests/oidc`) behaves like ProConnect: checked here on
//! its own, by hand, without Pilote.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::oidc::{
    OidcProvider, ProviderConfig, browser_client, finish_logout_at_provider, sign_in_at_provider,
};
use reqwest::Url;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";
const POST_LOGOUT_URI: &str = "http://127.0.0.1:9/signed-out";
const SCOPES: &str = "openid email given_name usual_name siret uid";

fn config() -> ProviderConfig {
    ProviderConfig::new(REDIRECT_URI, POST_LOGOUT_URI)
}

async fn discovery(provider: &OidcProvider) -> Value {
    reqwest::get(provider.discovery_url())
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A random string of 64 characters.
fn random() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// The claims of a JWT, not verified.
fn claims(jwt: &str) -> Value {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "a signed JWT has three parts: {jwt}");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

/// An authorization request as a ProConnect client sends it.
struct Authorization {
    url: String,
    state: String,
    nonce: String,
    verifier: String,
}

fn authorization(discovery: &Value, config: &ProviderConfig) -> Authorization {
    let state = random();
    let nonce = random();
    let verifier = random();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let url = Url::parse_with_params(
        discovery["authorization_endpoint"].as_str().unwrap(),
        [
            ("response_type", "code"),
            ("client_id", config.client_id.as_str()),
            ("redirect_uri", config.redirect_uri.as_str()),
            ("scope", SCOPES),
            ("state", state.as_str()),
            ("nonce", nonce.as_str()),
            ("acr_values", "eidas1"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    Authorization {
        url: url.to_string(),
        state,
        nonce,
        verifier,
    }
}

/// Signs in as `login` and exchanges the code: the token response.
async fn sign_in(
    provider: &OidcProvider,
    discovery: &Value,
    client: &reqwest::Client,
    login: &str,
) -> (Authorization, Value) {
    let config = &provider.config;
    let authorization = authorization(discovery, config);
    let callback = sign_in_at_provider(client, &authorization.url, login).await;
    assert!(
        callback.starts_with(&format!("{REDIRECT_URI}?")),
        "back at the callback: {callback}"
    );
    let callback = Url::parse(&callback).unwrap();
    let param = |name: &str| {
        callback
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    assert_eq!(
        param("state").as_deref(),
        Some(authorization.state.as_str())
    );
    let code = param("code").unwrap_or_else(|| panic!("a code in {callback}"));

    let response = reqwest::Client::new()
        .post(discovery["token_endpoint"].as_str().unwrap())
        .basic_auth(&config.client_id, Some(&config.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", config.redirect_uri.as_str()),
            ("code_verifier", authorization.verifier.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let tokens: Value = response.json().await.unwrap();
    assert!(status.is_success(), "token response {status}: {tokens}");
    (authorization, tokens)
}

#[tokio::test]
async fn discovery_advertises_what_proconnect_offers() {
    let Some(provider) = OidcProvider::start(config()).await else {
        return;
    };
    let discovery = discovery(&provider).await;
    assert_eq!(discovery["issuer"], provider.issuer.as_str());
    assert!(!provider.issuer.ends_with('/'));
    assert!(
        discovery["end_session_endpoint"]
            .as_str()
            .is_some_and(|url| url.starts_with(&provider.issuer)),
        "{discovery}"
    );
    let has = |field: &str, value: &str| {
        discovery[field]
            .as_array()
            .is_some_and(|values| values.iter().any(|v| v == value))
    };
    assert!(has("userinfo_signing_alg_values_supported", "RS256"));
    assert!(has("id_token_signing_alg_values_supported", "RS256"));
    assert!(has("acr_values_supported", "eidas1"));
    assert!(has("code_challenge_methods_supported", "S256"));
    for scope in SCOPES.split(' ') {
        assert!(has("scopes_supported", scope), "scope {scope}: {discovery}");
        if scope != "openid" {
            assert!(has("claims_supported", scope), "claim {scope}: {discovery}");
        }
    }
}

#[tokio::test]
async fn sign_in_gives_a_code_tokens_and_a_signed_userinfo_then_signs_out() {
    let Some(provider) = OidcProvider::start(config()).await else {
        return;
    };
    let discovery = discovery(&provider).await;
    let client = browser_client();
    let (authorization, tokens) = sign_in(&provider, &discovery, &client, "camille").await;

    let id_token = tokens["id_token"].as_str().expect("an id_token");
    let id = claims(id_token);
    assert_eq!(id["iss"], provider.issuer.as_str());
    assert_eq!(id["aud"], provider.config.client_id.as_str());
    assert_eq!(id["sub"], "sub-camille");
    assert_eq!(id["nonce"], authorization.nonce.as_str());
    assert_eq!(id["acr"], "eidas1");

    let response = reqwest::Client::new()
        .get(discovery["userinfo_endpoint"].as_str().unwrap())
        .bearer_auth(tokens["access_token"].as_str().expect("an access_token"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{response:?}");
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/jwt"),
        "userinfo content type: {content_type}"
    );
    let userinfo = claims(response.text().await.unwrap().trim());
    assert_eq!(userinfo["sub"], "sub-camille");
    assert_eq!(userinfo["email"], "camille@exemple.gouv.fr");
    assert_eq!(userinfo["given_name"], "camille");
    assert_eq!(userinfo["usual_name"], "Agent");
    assert_eq!(userinfo["siret"], "13002526500013");
    assert_eq!(userinfo["uid"], "camille");

    // Sign-out at the provider comes back to the post-logout URI with the state.
    let state = random();
    let end_session = Url::parse_with_params(
        discovery["end_session_endpoint"].as_str().unwrap(),
        [
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", POST_LOGOUT_URI),
            ("state", state.as_str()),
        ],
    )
    .unwrap();
    let back = finish_logout_at_provider(&client, end_session.as_str()).await;
    let back = Url::parse(&back).unwrap();
    assert_eq!(
        back.as_str().split('?').next(),
        Some(POST_LOGOUT_URI),
        "{back}"
    );
    assert!(
        back.query_pairs()
            .any(|(key, value)| key == "state" && value == state),
        "{back}"
    );
}

#[tokio::test]
async fn configured_accounts_carry_their_claims() {
    let accounts = json!({
        "dominique": {
            "sub": "5b1d3c0e-agent",
            "email": "dominique.martin@numerique.gouv.fr",
            "given_name": "Dominique",
            "usual_name": "Martin",
            "siret": "13002526500013",
            "uid": "dm-42"
        }
    });
    let Some(provider) = OidcProvider::start(config().with_accounts(accounts)).await else {
        return;
    };
    let discovery = discovery(&provider).await;
    let (_, tokens) = sign_in(&provider, &discovery, &browser_client(), "dominique").await;
    assert_eq!(
        claims(tokens["id_token"].as_str().unwrap())["sub"],
        "5b1d3c0e-agent"
    );
    let userinfo = reqwest::Client::new()
        .get(discovery["userinfo_endpoint"].as_str().unwrap())
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let userinfo = claims(userinfo.trim());
    assert_eq!(userinfo["email"], "dominique.martin@numerique.gouv.fr");
    assert_eq!(userinfo["usual_name"], "Martin");
    assert_eq!(userinfo["uid"], "dm-42");
}

#[tokio::test]
async fn a_short_state_is_refused_as_proconnect_does() {
    let Some(provider) = OidcProvider::start(config()).await else {
        return;
    };
    let discovery = discovery(&provider).await;
    let authorization = authorization(&discovery, &provider.config);
    let short = authorization.url.replace(&authorization.state, "too-short");
    let response = browser_client().get(short).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("state"));
}

#[tokio::test]
async fn a_skewed_clock_issues_tokens_already_expired() {
    let Some(provider) = OidcProvider::start(config().with_clock_skew(-7200)).await else {
        return;
    };
    let discovery = discovery(&provider).await;
    let (_, tokens) = sign_in(&provider, &discovery, &browser_client(), "claude").await;
    let id = claims(tokens["id_token"].as_str().expect("an id_token"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let exp = id["exp"].as_u64().expect("exp");
    assert!(exp < now, "exp {exp} is in the past of {now}");
}

#[tokio::test]
async fn a_stopped_provider_refuses_connections() {
    let Some(mut provider) = OidcProvider::start(config()).await else {
        return;
    };
    let url = provider.discovery_url();
    assert!(reqwest::get(&url).await.is_ok());
    provider.stop();
    assert!(reqwest::get(&url).await.is_err());
}
