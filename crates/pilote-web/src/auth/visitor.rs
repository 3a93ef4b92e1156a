//! The person behind a page request: their session, their principal, and the CSRF token
//! their forms carry. One layer finds them once per request, refuses form posts without
//! the right token, and keeps the cookies up to date.

use std::sync::{Arc, OnceLock};

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use pilote_domain::identity::{Account, Principal};
use pilote_store::SessionRecord;

use super::{
    CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, TOUCH_EVERY, before_now, now, principal_of, secret,
    session_is_live,
};
use crate::pages::PageError;
use crate::{ApiError, AppState};

/// Largest form body read to check its CSRF token; forms are far smaller.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

tokio::task_local! {
    /// The visitor of the request being answered, for the page frame.
    static CURRENT: Visitor;
}

/// Who is visiting: anonymous, or signed in through a session.
#[derive(Clone, Default)]
pub(crate) struct Visitor {
    /// What the signed-in person may do.
    pub principal: Option<Principal>,
    /// Their account.
    pub account: Option<Arc<Account>>,
    /// Their session.
    pub session: Option<SessionRecord>,
    /// The anonymous visitor's CSRF token: from their cookie, or made for this response.
    anonymous_csrf: Arc<AnonymousCsrf>,
}

#[derive(Default)]
struct AnonymousCsrf {
    from_cookie: Option<String>,
    fresh: OnceLock<String>,
}

impl Visitor {
    /// The token this visitor's forms carry.
    pub(crate) fn csrf_token(&self) -> String {
        if let Some(session) = &self.session {
            return session.csrf_token.clone();
        }
        let slot = &self.anonymous_csrf;
        slot.from_cookie
            .clone()
            .unwrap_or_else(|| slot.fresh.get_or_init(secret::random_secret).clone())
    }

    /// The visitor of the request being answered (anonymous outside a page request).
    pub(crate) fn current() -> Self {
        CURRENT.try_with(Clone::clone).unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Self>().cloned().unwrap_or_default())
    }
}

/// Finds the visitor, checks the CSRF token of form posts, and sets or clears cookies.
pub(crate) async fn visitor_layer(
    State(state): State<AppState>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/static/") {
        return next.run(request).await;
    }
    let (visitor, session_ended) = match find(&state, &jar).await {
        Ok(found) => found,
        Err(error) => return PageError::from(error).into_response(),
    };
    let request = if request.method() == Method::POST {
        match check_csrf(request, &visitor.csrf_token()).await {
            Ok(request) => request,
            Err(error) => return PageError::from(error).into_response(),
        }
    } else {
        request
    };
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(visitor.clone());
    let request = Request::from_parts(parts, body);
    let mut response = CURRENT.scope(visitor.clone(), next.run(request)).await;
    let secure = state.config().is_https();
    if let Some(fresh) = visitor.anonymous_csrf.fresh.get() {
        append_cookie(&mut response, &cookie(CSRF_COOKIE, fresh.clone(), secure));
    }
    if session_ended {
        append_cookie(&mut response, &removal(SESSION_COOKIE, secure));
    }
    response
}

/// The visitor of the cookies; the flag says a stale session cookie should be cleared.
async fn find(state: &AppState, jar: &CookieJar) -> Result<(Visitor, bool), ApiError> {
    let anonymous_csrf = Arc::new(AnonymousCsrf {
        from_cookie: jar
            .get(CSRF_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|value| value.len() >= 32),
        fresh: OnceLock::new(),
    });
    let anonymous = Visitor {
        anonymous_csrf: anonymous_csrf.clone(),
        ..Visitor::default()
    };
    let Some(id) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok((anonymous, false));
    };
    let id_hash = secret::hash(&id);
    let store = state.store();
    let Some(session) = store.session(&id_hash).await? else {
        return Ok((anonymous, true));
    };
    if !session_is_live(&session) {
        store.delete_session(&id_hash).await?;
        return Ok((anonymous, true));
    }
    let account = store.account(session.account_id).await?;
    if session.last_seen_at < before_now(TOUCH_EVERY) {
        store.touch_session(&id_hash, &now()).await?;
    }
    let principal = principal_of(&account, &state.model());
    Ok((
        Visitor {
            principal: Some(principal),
            account: Some(Arc::new(account)),
            session: Some(session),
            anonymous_csrf,
        },
        false,
    ))
}

/// Reads the form body, refuses it unless its CSRF field is the expected token, and gives
/// the request back whole.
async fn check_csrf(request: Request, expected: &str) -> Result<Request, ApiError> {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| ApiError::BadRequest("formulaire trop volumineux".into()))?;
    let sent = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    match sent {
        Some(token) if secret::same(&token, expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(ApiError::Forbidden(
            "le jeton de sécurité du formulaire manque ou a expiré : rechargez la page et recommencez",
        )),
    }
}

/// A cookie of this site: never readable by scripts, sent on top-level navigation only.
pub(super) fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .build()
}

/// The instruction to forget a cookie.
pub(super) fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = cookie(name, String::new(), secure);
    cookie.make_removal();
    cookie
}

/// Adds a `Set-Cookie` header.
pub(super) fn append_cookie(response: &mut Response, cookie: &Cookie<'_>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}
