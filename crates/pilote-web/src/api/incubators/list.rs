//! `GET /api/v1/incubators`: incubators in title order.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::portfolio::Incubator;

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// One page of incubators.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct IncubatorPage {
    data: Vec<Incubator>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists incubators.
#[utoipa::path(
    get,
    path = "/api/v1/incubators",
    tag = "incubators",
    params(Paging),
    responses(
        (status = 200, description = "Une page d'incubateurs", body = IncubatorPage),
        (status = 422, description = "Pagination invalide", body = ErrorBody),
    )
)]
pub async fn list_incubators(
    State(state): State<AppState>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let mut incubators: Vec<&Incubator> = model.portfolio().incubators.iter().collect();
    incubators.sort_by_cached_key(|incubator| pilote_search::fold(&incubator.title));
    Ok(json_response(render(&Page::of(
        incubators.into_iter(),
        paging,
    )?)?))
}
