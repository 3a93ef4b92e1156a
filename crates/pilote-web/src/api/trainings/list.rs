//! `GET /api/v1/trainings`: the catalogue, latest start first.

use axum::extract::State;
use axum::response::Response;

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A page of trainings.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct TrainingPage {
    data: Vec<pilote_domain::talent::training::Training>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the trainings of the catalogue, latest start first.
#[utoipa::path(
    get,
    path = "/api/v1/trainings",
    tag = "talent",
    params(Paging),
    responses(
        (status = 200, description = "Les formations", body = TrainingPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_trainings(
    State(state): State<AppState>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let trainings = state.store().trainings().await?;
    Ok(json_response(render(&Page::of(
        trainings.into_iter(),
        paging,
    )?)?))
}
