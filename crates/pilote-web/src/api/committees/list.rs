//! `GET /api/v1/committees`: investment committees, latest first.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters of the committee list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommitteeFilters {
    /// Only the committees of this incubator (slug).
    pub incubator: Option<String>,
}

/// A page of committees.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct CommitteePage {
    data: Vec<pilote_domain::delivery::Committee>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists committees, latest first, of every incubator or of one.
#[utoipa::path(
    get,
    path = "/api/v1/committees",
    tag = "committees",
    params(CommitteeFilters, Paging),
    responses(
        (status = 200, description = "Les comités", body = CommitteePage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_committees(
    State(state): State<AppState>,
    Query(filters): Query<CommitteeFilters>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let incubator = filters
        .incubator
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(pilote_domain::Slug::parse)
        .transpose()
        .map_err(|e| ApiError::field("incubator", e.to_string()))?;
    let committees = state.store().committees(incubator.as_ref()).await?;
    Ok(json_response(render(&Page::of(
        committees.into_iter(),
        paging,
    )?)?))
}
