//! The account page: who you are, your roles, your API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use pilote_domain::identity::{Account, Action, ApiToken, Role, Scope, Target};

use super::caller::TOKEN_PREFIX;
use super::limits::ClientIp;
use super::{REAUTHENTICATION_WINDOW, Visitor, actor_of, authorize, before_now, now, secret};
use crate::pages::{Layout, PageError, page};
use crate::{ApiError, AppState};

/// Validity periods offered for a token, in days.
const VALIDITIES: [u32; 3] = [30, 90, 365];
/// Longest token name.
const MAX_NAME: usize = 100;
/// How many notifications the page lists.
const NOTIFICATIONS_SHOWN: i64 = 10;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    account: Account,
    product_member: bool,
    tokens: Vec<ApiToken>,
    scopes: [Scope; 3],
    validities: [u32; 3],
    recently_authenticated: bool,
    created: Option<String>,
    name: String,
    errors: Vec<(String, String)>,
    notifications: Vec<pilote_domain::delivery::Notification>,
}

impl AccountPage {
    #[expect(
        clippy::unused_self,
        reason = "templates call it as `self.is_live(...)`"
    )]
    fn is_live(&self, token: &ApiToken) -> bool {
        token.revoked_at.is_none() && token.expires_at > now()
    }

    #[expect(
        clippy::unused_self,
        reason = "templates call it as `self.scope_names(...)`"
    )]
    fn scope_names(&self, token: &ApiToken) -> String {
        token
            .scopes
            .iter()
            .map(|scope| scope.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[expect(clippy::unused_self, reason = "templates call it as `self.day(...)`")]
    fn day<'t>(&self, time: &'t str) -> &'t str {
        time.get(..10).unwrap_or(time)
    }
}

fn signed_in(
    visitor: &Visitor,
) -> Result<(&pilote_domain::identity::Principal, &Account), ApiError> {
    match (&visitor.principal, &visitor.account) {
        (Some(principal), Some(account)) => Ok((principal, account)),
        _ => Err(ApiError::Unauthorized(
            "connectez-vous pour voir votre compte",
        )),
    }
}

fn recently_authenticated(visitor: &Visitor) -> bool {
    visitor
        .session
        .as_ref()
        .is_some_and(|session| session.authenticated_at >= before_now(REAUTHENTICATION_WINDOW))
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    created: Option<String>,
    name: String,
    errors: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let (principal, account) = signed_in(visitor)?;
    let tokens = state
        .store()
        .tokens(account.id)
        .await
        .map_err(ApiError::from)?;
    let notifications = state
        .store()
        .notifications(account.id, NOTIFICATIONS_SHOWN)
        .await
        .map_err(ApiError::from)?;
    let layout = Layout::new("", &[("/compte", "Mon compte")]).with_errors(!errors.is_empty());
    Ok(page(&AccountPage {
        layout,
        account: account.clone(),
        product_member: principal.roles().contains(&Role::ProductMember),
        tokens,
        scopes: Scope::ALL,
        validities: VALIDITIES,
        recently_authenticated: recently_authenticated(visitor),
        created,
        name,
        errors,
        notifications,
    })?
    .into_response())
}

/// The account page.
pub(crate) async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    render(&state, &visitor, None, String::new(), Vec::new()).await
}

/// Creates a token and shows its secret, once.
pub(crate) async fn create_token(
    State(state): State<AppState>,
    client_ip: ClientIp,
    visitor: Visitor,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let (principal, account) = signed_in(&visitor)?;
    authorize(
        Some(principal),
        Action::ManageOwnTokens,
        &[Target::default()],
    )?;
    state.limits().token(client_ip)?;
    if !recently_authenticated(&visitor) {
        return Ok(Redirect::to("/connexion/reauthentification").into_response());
    }
    let mut name = String::new();
    let mut scopes = Vec::new();
    let mut days = 0_u32;
    let mut errors = Vec::new();
    for (field, value) in form_urlencoded::parse(&body) {
        match &*field {
            "nom" => name = value.trim().to_owned(),
            "portees" => match Scope::parse(&value) {
                Ok(scope) if !scopes.contains(&scope) => scopes.push(scope),
                Ok(_) => {}
                Err(error) => errors.push(("portees".to_owned(), error.to_string())),
            },
            "validite" => days = value.parse().unwrap_or(0),
            _ => {}
        }
    }
    if name.is_empty() || name.chars().count() > MAX_NAME {
        errors.push((
            "nom".to_owned(),
            format!("Nom : donnez un nom de 1 à {MAX_NAME} caractères"),
        ));
    }
    if scopes.is_empty() {
        errors.push((
            "portees".to_owned(),
            "Portées : cochez au moins une portée".to_owned(),
        ));
    }
    if !VALIDITIES.contains(&days) {
        errors.push((
            "validite".to_owned(),
            "Validité : choisissez une durée de la liste".to_owned(),
        ));
    }
    if !errors.is_empty() {
        return render(&state, &visitor, None, name, errors).await;
    }
    scopes.sort();
    let token = format!("{TOKEN_PREFIX}{}", secret::random_secret());
    let expires = Utc::now() + chrono::Duration::days(i64::from(days));
    state
        .store()
        .create_token(
            &pilote_store::NewToken {
                account: account.id,
                name,
                prefix: token.chars().take(TOKEN_PREFIX.len() + 6).collect(),
                token_hash: secret::hash(&token),
                scopes,
                created_at: now(),
                expires_at: pilote_store::timestamp(expires),
            },
            &actor_of(principal),
        )
        .await
        .map_err(ApiError::from)?;
    render(&state, &visitor, Some(token), String::new(), Vec::new()).await
}

/// Revokes one of the account's tokens.
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (principal, account) = signed_in(&visitor)?;
    authorize(
        Some(principal),
        Action::ManageOwnTokens,
        &[Target::default()],
    )?;
    state
        .store()
        .revoke_token(account.id, id, &actor_of(principal))
        .await
        .map_err(ApiError::from)?;
    Ok(Redirect::to("/compte#jetons").into_response())
}

#[derive(Template)]
#[template(path = "reauthenticate.html")]
struct ReauthenticatePage {
    layout: Layout,
    demo: bool,
}

/// Asks the person to prove again who they are before a sensitive action.
pub(crate) async fn reauthenticate_page(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let session = visitor.session.as_ref().ok_or(ApiError::Unauthorized(
        "connectez-vous pour confirmer votre identité",
    ))?;
    Ok(page(&ReauthenticatePage {
        layout: Layout::new(
            "",
            &[("/compte", "Mon compte"), ("", "Confirmer votre identité")],
        ),
        demo: session.method == "demo" && state.config().demo_sign_in,
    })?
    .into_response())
}
