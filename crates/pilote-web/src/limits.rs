//! Guards that keep a server answering under load and hostile input: a request id on
//! every request and response, a bound on body size, on the time a request may take, and
//! on how many expensive requests (exports, summaries) run at once. Each answers the
//! API's error body: 413, 408 or 503.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::{ApiError, AppState};

/// The bounds of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered 408.
    pub request_timeout: Duration,
    /// Expensive requests answered at once; more are answered 503.
    pub max_expensive_requests: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            max_expensive_requests: 4,
        }
    }
}

/// The permits of expensive requests.
#[derive(Debug)]
pub(crate) struct Expensive(Arc<Semaphore>);

impl Expensive {
    pub(crate) fn new(bounds: &Bounds) -> Self {
        Self(Arc::new(Semaphore::new(
            bounds.max_expensive_requests.max(1),
        )))
    }
}

/// Whether answering `path` reads or renders much: downloads and roll-ups.
fn is_expensive(path: &str) -> bool {
    const EXPORTS: [&str; 4] = [".csv", ".json", ".ttl", ".jsonld"];
    (EXPORTS.iter().any(|end| path.ends_with(end)) && path != "/api/openapi.json")
        || path == "/api/v1/impact/summary"
}

/// Applies the bounds to a request.
pub(crate) async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let bounds = state.config().bounds;
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok())
        .and_then(|length| length.parse::<u64>().ok());
    if declared.is_some_and(|length| length > bounds.max_body_bytes as u64) {
        return ApiError::PayloadTooLarge.into_response();
    }
    let _permit = if is_expensive(request.uri().path()) {
        match state.expensive().0.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) => return ApiError::Unavailable.into_response(),
        }
    } else {
        None
    };
    match tokio::time::timeout(bounds.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout(bounds.request_timeout.as_secs()).into_response(),
    }
}
