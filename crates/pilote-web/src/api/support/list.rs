//! `GET /api/v1/support-requests`: the requests the caller may see, latest first.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::delivery::{SupportKind, SupportRequest, SupportStatus};
use serde::Deserialize;
use utoipa::IntoParams;

use super::may_read;
use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters of the request list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupportFilters {
    /// Only requests in this status.
    pub status: Option<SupportStatus>,
    /// Only requests of this kind.
    pub kind: Option<SupportKind>,
}

/// A page of requests.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct SupportRequestPage {
    data: Vec<SupportRequest>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists requests: the whole queue for the steering team, the requests of one's
/// organisations and products for the others.
#[utoipa::path(
    get,
    path = "/api/v1/support-requests",
    tag = "support",
    params(SupportFilters, Paging),
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "Les demandes", body = SupportRequestPage),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_support_requests(
    State(state): State<AppState>,
    caller: Caller,
    Query(filters): Query<SupportFilters>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let principal = caller.authenticated()?;
    let requests = state.store().support_requests().await?;
    let shown = requests.into_iter().filter(|request| {
        may_read(principal, request)
            && filters.status.is_none_or(|status| request.status == status)
            && filters.kind.is_none_or(|kind| request.kind == kind)
    });
    Ok(json_response(render(&Page::of(shown, paging)?)?))
}
