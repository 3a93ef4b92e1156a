//! Pilote's HTTP application: the JSON API under `/api/v1` with its OpenAPI document,
//! the pages (server-rendered, on the State design system), and the health check.
//!
//! Reads are answered from an in-memory read model of the portfolio, rebuilt from the
//! store when its revision changes (after a write here, or one made through another
//! server); writes go to the store first, in one transaction each.

pub mod api;
mod error;
pub mod pages;
mod query;
mod read_model;
mod state;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use pilote_store::Store;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use state::AppState;

/// Settings of the application.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Accept writes without sign-in (until sign-in exists).
    pub allow_anonymous_writes: bool,
}

/// How often a server checks whether another one wrote to the store.
const REVISION_POLL: Duration = Duration::from_millis(500);

/// Builds the application's router over a loaded state.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api::router())
        .merge(pages::router())
        .fallback(pages::not_found)
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
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, backend = state.store().backend_name(), "serving");
    }
    let result = axum::serve(listener, router(state.clone()))
        .with_graceful_shutdown(shutdown)
        .await;
    follower.abort();
    state.store().close().await;
    result.map_err(|error| ApiError::Internal(error.to_string()))
}
