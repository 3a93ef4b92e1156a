//! Sign-in and sign-out through ProConnect (OpenID Connect, authorisation code flow with
//! PKCE), with the `openidconnect` crate doing the protocol and its checks.
//!
//! The provider's configuration is discovered at each sign-in, so a provider that was down
//! is picked up again as soon as it is back, on every server.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreIdToken,
};
use openidconnect::{
    AdditionalClaims, AuthenticationContextClass, AuthorizationCode, ClaimsVerificationError,
    ClientId, ClientSecret, CsrfToken, IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, TokenResponse, UserInfoClaims,
};
use pilote_domain::identity::ProviderIdentity;
use serde::{Deserialize, Serialize};

use super::limits::ClientIp;
use super::visitor::{append_cookie, removal};
use super::{
    OidcSettings, SIGN_IN_COOKIE, SIGN_IN_EXPIRY, Visitor, before_now, now, safe_return, secret,
};
use crate::pages::message_page;
use crate::{ApiError, AppState};

/// The scopes ProConnect releases the agent's identity under.
const SCOPES: [&str; 5] = ["email", "given_name", "usual_name", "siret", "uid"];
/// The eIDAS level asked for.
const ACR: &str = "eidas1";
/// How long to wait for the provider.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The claims ProConnect adds to the standard ones.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
struct ProConnectClaims {
    usual_name: Option<String>,
    siret: Option<String>,
    uid: Option<String>,
}

impl AdditionalClaims for ProConnectClaims {}

/// Why a sign-in was refused; each becomes a page, and no session is opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignInError {
    #[error("La connexion avec ProConnect n'est pas configurée sur ce serveur.")]
    NotConfigured,
    #[error("ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes.")]
    ProviderDown(String),
    #[error(
        "Cette demande de connexion est inconnue, a déjà servi ou a expiré. Recommencez la connexion."
    )]
    UnknownAttempt,
    #[error(
        "La réponse de ProConnect ne correspond pas à la demande de connexion (paramètre state). Recommencez la connexion."
    )]
    WrongState,
    #[error("ProConnect a refusé la connexion : {0}")]
    Refused(String),
    #[error(
        "Le code de connexion a été refusé par ProConnect (déjà utilisé ou expiré). Recommencez la connexion."
    )]
    CodeRefused(String),
    #[error("Le jeton d'identité de ProConnect est invalide : {0}. Recommencez la connexion.")]
    InvalidIdToken(String),
    #[error("Les informations d'identité de ProConnect sont incomplètes : {0}.")]
    IncompleteIdentity(String),
    /// Anything that is not about the provider: a rate limit, the store.
    #[error(transparent)]
    Internal(#[from] ApiError),
}

impl IntoResponse for SignInError {
    fn into_response(self) -> Response {
        let error = match self {
            // Rate limits and store failures keep their own pages.
            Self::Internal(error) => return crate::pages::PageError::from(error).into_response(),
            other => other,
        };
        let status = match &error {
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::NotConfigured => StatusCode::NOT_FOUND,
            Self::ProviderDown(detail) => {
                tracing::warn!(%detail, "the identity provider cannot be reached");
                StatusCode::BAD_GATEWAY
            }
            Self::CodeRefused(detail) => {
                tracing::warn!(%detail, "the identity provider refused the code");
                StatusCode::BAD_REQUEST
            }
            _ => StatusCode::BAD_REQUEST,
        };
        message_page(status, "Connexion impossible", error.to_string())
    }
}

fn http() -> &'static openidconnect::reqwest::Client {
    static CLIENT: OnceLock<openidconnect::reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        openidconnect::reqwest::Client::builder()
            // Following redirects would let a provider point us anywhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .unwrap_or_default()
    })
}

async fn discover(settings: &OidcSettings) -> Result<ProviderMetadataWithLogout, SignInError> {
    let issuer = IssuerUrl::new(settings.issuer.clone())
        .map_err(|e| SignInError::ProviderDown(e.to_string()))?;
    ProviderMetadataWithLogout::discover_async(issuer, http())
        .await
        .map_err(|e| SignInError::ProviderDown(e.to_string()))
}

fn settings(state: &AppState) -> Result<&OidcSettings, SignInError> {
    state
        .config()
        .oidc
        .as_ref()
        .ok_or(SignInError::NotConfigured)
}

fn redirect_url(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config().public_url.trim_end_matches('/'))
}

/// Query of the sign-in start.
#[derive(Debug, Deserialize)]
pub(crate) struct StartQuery {
    /// Where to go once signed in.
    retour: Option<String>,
    /// Ask the provider to authenticate the person again, even with a session there.
    #[serde(default)]
    reauthentification: Option<String>,
}

/// Sends the browser to ProConnect, remembering the state, nonce and PKCE verifier.
pub(crate) async fn start(
    State(state): State<AppState>,
    client_ip: ClientIp,
    Query(query): Query<StartQuery>,
) -> Result<Response, SignInError> {
    state.limits().sign_in(client_ip)?;
    let settings = settings(&state)?;
    let metadata = discover(settings).await?;
    let redirect = RedirectUrl::new(redirect_url(&state, "/connexion/proconnect/retour"))
        .map_err(|e| SignInError::Internal(ApiError::Internal(e.to_string())))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(settings.client_id.clone()),
        Some(ClientSecret::new(settings.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            || CsrfToken::new(secret::random_secret()),
            || Nonce::new(secret::random_secret()),
        )
        .add_auth_context_value(AuthenticationContextClass::new(ACR.to_owned()))
        .set_pkce_challenge(challenge);
    for scope in SCOPES {
        request = request.add_scope(Scope::new(scope.to_owned()));
    }
    if query.reauthentification.is_some() {
        request = request
            .set_max_age(Duration::ZERO)
            .add_prompt(CoreAuthPrompt::Login);
    }
    let (url, csrf_state, nonce) = request.url();
    let id = secret::random_secret();
    state
        .store()
        .save_sign_in_attempt(&pilote_store::SignInAttempt {
            id_hash: secret::hash(&id),
            state: csrf_state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            return_to: safe_return(query.retour.as_deref()),
            created_at: now(),
        })
        .await
        .map_err(ApiError::from)?;
    let mut response = Redirect::to(url.as_str()).into_response();
    append_cookie(
        &mut response,
        &super::visitor::cookie(SIGN_IN_COOKIE, id, state.config().is_https()),
    );
    Ok(response)
}

/// What the provider sends back.
#[derive(Debug, Deserialize)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Completes the sign-in: checks state, code, ID token and nonce, reads the userinfo
/// (JSON or signed JWT), reconciles the account and opens a session.
pub(crate) async fn callback(
    State(state): State<AppState>,
    client_ip: ClientIp,
    visitor: Visitor,
    jar: CookieJar,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let secure = state.config().is_https();
    let mut response = match complete(&state, client_ip, &visitor, &jar, query).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    append_cookie(&mut response, &removal(SIGN_IN_COOKIE, secure));
    response
}

async fn complete(
    state: &AppState,
    client_ip: ClientIp,
    visitor: &Visitor,
    jar: &CookieJar,
    query: CallbackQuery,
) -> Result<Response, SignInError> {
    state.limits().sign_in(client_ip)?;
    let settings = settings(state)?;
    let id = jar
        .get(SIGN_IN_COOKIE)
        .map(|c| c.value().to_owned())
        .ok_or(SignInError::UnknownAttempt)?;
    // Taken, not read: a second use of the same answer finds nothing.
    let attempt = state
        .store()
        .take_sign_in_attempt(&secret::hash(&id))
        .await
        .map_err(ApiError::from)?
        .filter(|attempt| attempt.created_at >= before_now(SIGN_IN_EXPIRY))
        .ok_or(SignInError::UnknownAttempt)?;
    if let Some(error) = query.error {
        return Err(SignInError::Refused(
            query.error_description.unwrap_or(error),
        ));
    }
    let returned_state = query.state.unwrap_or_default();
    if !secret::same(&returned_state, &attempt.state) {
        return Err(SignInError::WrongState);
    }
    let code = query.code.ok_or(SignInError::UnknownAttempt)?;
    let metadata = discover(settings).await?;
    let redirect = RedirectUrl::new(redirect_url(state, "/connexion/proconnect/retour"))
        .map_err(|e| SignInError::Internal(ApiError::Internal(e.to_string())))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(settings.client_id.clone()),
        Some(ClientSecret::new(settings.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| SignInError::ProviderDown(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier))
        .request_async(http())
        .await
        .map_err(|e| SignInError::CodeRefused(e.to_string()))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| SignInError::InvalidIdToken("absent de la réponse".into()))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(attempt.nonce))
        .map_err(|e| SignInError::InvalidIdToken(id_token_problem(&e)))?;
    let subject = claims.subject().clone();
    let userinfo: UserInfoClaims<ProConnectClaims, CoreGenderClaim> = client
        .user_info(tokens.access_token().clone(), Some(subject.clone()))
        .map_err(|e| SignInError::ProviderDown(e.to_string()))?
        .request_async(http())
        .await
        .map_err(|e| SignInError::ProviderDown(e.to_string()))?;
    let identity = identity_of(subject.as_str(), &userinfo)?;
    let account = state
        .store()
        .sign_in_from_provider(&identity)
        .await
        .map_err(ApiError::from)?;
    if let Some(session) = &visitor.session {
        state
            .store()
            .delete_session(&session.id_hash)
            .await
            .map_err(ApiError::from)?;
    }
    let cookie =
        super::open_session(state, account.id, "proconnect", Some(id_token.to_string())).await?;
    let mut response = Redirect::to(&attempt.return_to).into_response();
    append_cookie(&mut response, &cookie);
    Ok(response)
}

/// A person's words for why the ID token was refused.
fn id_token_problem(error: &ClaimsVerificationError) -> String {
    match error {
        ClaimsVerificationError::Expired(_) => "il a expiré".into(),
        ClaimsVerificationError::InvalidNonce(_) => {
            "son nonce ne correspond pas à la demande de connexion".into()
        }
        ClaimsVerificationError::InvalidAudience(_) => "il n'est pas destiné à Pilote".into(),
        ClaimsVerificationError::InvalidIssuer(_) => "il vient d'un autre émetteur".into(),
        ClaimsVerificationError::SignatureVerification(_) => "sa signature est invalide".into(),
        other => other.to_string(),
    }
}

fn identity_of(
    subject: &str,
    userinfo: &UserInfoClaims<ProConnectClaims, CoreGenderClaim>,
) -> Result<ProviderIdentity, SignInError> {
    let email = userinfo
        .email()
        .map(|email| email.as_str().to_owned())
        .ok_or_else(|| SignInError::IncompleteIdentity("adresse électronique absente".into()))?;
    let given_name = userinfo
        .given_name()
        .and_then(|name| name.get(None))
        .map(|name| name.as_str().to_owned())
        .unwrap_or_default();
    let extra = userinfo.additional_claims();
    Ok(ProviderIdentity {
        sub: subject.to_owned(),
        email,
        given_name,
        usual_name: extra.usual_name.clone().unwrap_or_default(),
        siret: extra.siret.clone(),
        uid: extra.uid.clone(),
    })
}

/// Signs out here, then at the provider when the session came from it.
pub(crate) async fn sign_out(State(state): State<AppState>, visitor: Visitor) -> Response {
    let secure = state.config().is_https();
    let mut destination = "/deconnexion/terminee".to_owned();
    if let Some(session) = &visitor.session {
        if let Err(error) = state.store().delete_session(&session.id_hash).await {
            return crate::pages::PageError::from(ApiError::from(error)).into_response();
        }
        if let (Some(id_token), Ok(settings)) = (&session.id_token, settings(&state)) {
            match provider_sign_out(&state, settings, id_token).await {
                Ok(url) => destination = url,
                // Signed out here; the provider's session ends on its own.
                Err(error) => tracing::warn!(%error, "cannot reach the provider to sign out"),
            }
        }
    }
    let mut response = Redirect::to(&destination).into_response();
    append_cookie(&mut response, &removal(super::SESSION_COOKIE, secure));
    response
}

async fn provider_sign_out(
    state: &AppState,
    settings: &OidcSettings,
    id_token: &str,
) -> Result<String, SignInError> {
    let metadata = discover(settings).await?;
    let end_session = metadata
        .additional_metadata()
        .end_session_endpoint
        .clone()
        .ok_or_else(|| SignInError::ProviderDown("no end_session_endpoint".into()))?;
    let id_token: CoreIdToken = id_token
        .parse()
        .map_err(|_| SignInError::InvalidIdToken("illisible".into()))?;
    let after = PostLogoutRedirectUrl::new(redirect_url(state, "/deconnexion/terminee"))
        .map_err(|e| SignInError::Internal(ApiError::Internal(e.to_string())))?;
    Ok(LogoutRequest::from(end_session)
        .set_id_token_hint(&id_token)
        .set_post_logout_redirect_uri(after)
        .set_state(CsrfToken::new(secret::random_secret()))
        .http_get_url()
        .to_string())
}

/// Where the provider sends people back after signing out.
pub(crate) async fn signed_out() -> Response {
    message_page(
        StatusCode::OK,
        "Vous êtes déconnecté",
        "Votre session Pilote est fermée. À bientôt !".to_owned(),
    )
}
