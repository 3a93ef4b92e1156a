//! Pilote's HTTP application: the JSON API under `/api/v1` with its OpenAPI document,
//! the pages (server-rendered, on the State design system), and the health check.
//!
//! Reads are answered from an in-memory read model of the portfolio, rebuilt from the
//! store when its revision changes (after a write here, or one made through another
//! server); writes go to the store first, in one transaction each.

pub mod api;
mod auth;
mod error;
pub mod pages;
mod query;
mod read_model;
mod state;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::routing::get;
use pilote_store::Store;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use auth::OidcSettings;
pub use auth::demo::{demo_accounts, ensure_demo_accounts};
pub use error::ApiError;
pub use state::AppState;

/// Settings of the application.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address people reach this site at (`https://pilote.example.gouv.fr`): redirect
    /// addresses are built from it, and cookies are `Secure` when it is https.
    pub public_url: String,
    /// Sign-in with ProConnect, when configured.
    pub oidc: Option<OidcSettings>,
    /// Offer the demo accounts at sign-in (`serve --demo`, never in production).
    pub demo_sign_in: bool,
    /// Which products are overdue for an investment committee (by default, more than six
    /// months in construction without one).
    pub committee_rule: pilote_domain::delivery::OverdueRule,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".to_owned(),
            oidc: None,
            demo_sign_in: false,
            committee_rule: pilote_domain::delivery::OverdueRule::default(),
        }
    }
}

impl Config {
    /// Whether the site is served over https.
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The identity provider's origin (scheme, host and port), for the CSP.
    pub fn oidc_origin(&self) -> Option<String> {
        let issuer = url::Url::parse(&self.oidc.as_ref()?.issuer).ok()?;
        Some(issuer.origin().ascii_serialization())
    }
}

/// How often a server checks whether another one wrote to the store.
const REVISION_POLL: Duration = Duration::from_millis(500);
/// How often expired sessions are dropped.
const HOUSEKEEPING: Duration = Duration::from_secs(300);

/// Builds the application's router over a loaded state.
pub fn router(state: AppState) -> Router {
    let pages = pages::router()
        .merge(auth::router())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::visitor_layer,
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api::router())
        .merge(pages)
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::security_headers,
        ))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

async fn healthz() -> &'static str {
    "ok"
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ApiError> {
    let state = AppState::load(store, config).await?;
    let follower = tokio::spawn(state.clone().follow_store(REVISION_POLL));
    let tidier = tokio::spawn(state.clone().keep_tidy(HOUSEKEEPING));
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, backend = state.store().backend_name(), "serving");
    }
    let result = axum::serve(
        listener,
        router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    follower.abort();
    tidier.abort();
    state.store().close().await;
    result.map_err(|error| ApiError::Internal(error.to_string()))
}
