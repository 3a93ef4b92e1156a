//! `GET /api/v1/teams`: teams in name order.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::portfolio::Team;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters of the teams list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamFilters {
    /// Incubator slug.
    pub incubator: Option<String>,
}

/// One page of teams.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct TeamPage {
    data: Vec<Team>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists teams.
#[utoipa::path(
    get,
    path = "/api/v1/teams",
    tag = "teams",
    params(TeamFilters, Paging),
    responses(
        (status = 200, description = "Une page d'équipes", body = TeamPage),
        (status = 422, description = "Pagination invalide", body = ErrorBody),
    )
)]
pub async fn list_teams(
    State(state): State<AppState>,
    Query(filters): Query<TeamFilters>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let mut teams: Vec<&Team> = model
        .portfolio()
        .teams
        .iter()
        .filter(|team| {
            filters
                .incubator
                .as_deref()
                .is_none_or(|i| team.incubator.as_str() == i)
        })
        .collect();
    teams.sort_by_cached_key(|team| pilote_search::fold(&team.name));
    Ok(json_response(render(&Page::of(
        teams.into_iter(),
        paging,
    )?)?))
}
