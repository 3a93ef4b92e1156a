//! Pilote's HTTP application: the JSON API under `/api/v1` with its OpenAPI document,
//! the pages (server-rendered, on the State design system), and the health check.
//!
//! Reads are answered from an in-memory read model of the portfolio, rebuilt from the
//! store when its revision changes (after a write here, or one made through another
//! server); writes go to the store first, in one transaction each.

pub mod api;
mod auth;
mod error;
mod limits;
pub mod metrics;
pub mod pages;
mod query;
mod read_model;
mod search;
mod state;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;
use pilote_store::Store;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use auth::OidcSettings;
pub use auth::demo::{demo_accounts, ensure_demo_accounts};
pub use auth::secret::hash as secret_hash;
pub use error::ApiError;
pub use limits::Bounds;
pub use search::SearchFeed;
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
    /// The directory of this server's search index; in memory when `None`. Each server
    /// needs its own.
    pub search_index: Option<std::path::PathBuf>,
    /// Bounds on request bodies, time and concurrent expensive requests.
    pub bounds: Bounds,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".to_owned(),
            oidc: None,
            demo_sign_in: false,
            committee_rule: pilote_domain::delivery::OverdueRule::default(),
            search_index: None,
            bounds: Bounds::default(),
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
/// How often the search index checks the store's change feed.
const SEARCH_POLL: Duration = Duration::from_millis(250);
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
    let max_body = state.config().bounds.max_body_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api::router())
        .merge(pages)
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), limits::guard))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::security_headers,
        ))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                // One line per request, with its id, status and time.
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // Outermost: the time and status of everything above, the guards' answers included.
        .layer(middleware::from_fn(metrics::track))
}

/// Each request's log span, with the id also sent back in `x-request-id`.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|id| id.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
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
    let indexer = tokio::spawn(
        state
            .search()
            .clone()
            .follow(state.store().clone(), SEARCH_POLL),
    );
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
    indexer.abort();
    state.store().close().await;
    result.map_err(|error| ApiError::Internal(error.to_string()))
}
