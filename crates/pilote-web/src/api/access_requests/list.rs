//! `GET /api/v1/access-requests`: the requests the caller may see, latest change first.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use pilote_domain::Slug;
use pilote_domain::data::{AccessRequest, AccessState};
use serde::Deserialize;
use utoipa::IntoParams;

use super::may_read;
use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters of the request list: the instructors' queue by state and age.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessFilters {
    /// Only requests in this state.
    pub state: Option<AccessState>,
    /// Only requests to this producer's data.
    pub provider: Option<Slug>,
    /// Only requests without news for at least this many days.
    pub older_than_days: Option<u32>,
}

impl AccessFilters {
    /// Whether `request` passes, at `now`.
    pub(crate) fn keeps(&self, request: &AccessRequest, now: DateTime<Utc>) -> bool {
        self.state.is_none_or(|state| request.state == state)
            && self
                .provider
                .as_ref()
                .is_none_or(|provider| &request.provider == provider)
            && self.older_than_days.is_none_or(|days| {
                DateTime::parse_from_rfc3339(&request.updated_at).is_ok_and(|updated| {
                    now.signed_duration_since(updated).num_days() >= i64::from(days)
                })
            })
    }
}

/// A page of requests.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct AccessRequestPage {
    data: Vec<AccessRequest>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists requests: one's organisation's, and the submitted requests to the producers one
/// reports on, instructs or manages.
#[utoipa::path(
    get,
    path = "/api/v1/access-requests",
    tag = "access",
    params(AccessFilters, Paging),
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "Les demandes", body = AccessRequestPage),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_access_requests(
    State(state): State<AppState>,
    caller: Caller,
    Query(filters): Query<AccessFilters>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let principal = caller.authenticated()?;
    let shown = visible(&state, principal, &filters).await?;
    Ok(json_response(render(&Page::of(
        shown.into_iter(),
        paging,
    )?)?))
}

/// The requests `principal` may see that pass `filters`.
pub(crate) async fn visible(
    state: &AppState,
    principal: &pilote_domain::identity::Principal,
    filters: &AccessFilters,
) -> Result<Vec<AccessRequest>, ApiError> {
    let now = Utc::now();
    Ok(state
        .store()
        .access_requests()
        .await?
        .into_iter()
        .filter(|request| may_read(principal, request) && filters.keeps(request, now))
        .collect())
}
