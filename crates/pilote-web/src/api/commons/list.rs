//! `GET /api/v1/software`: the catalogue, filtered, with each software's critical mass.

use axum::extract::State;
use axum::response::Response;

use super::{SoftwareFilters, SoftwareSummary};
use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A page of software.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct SoftwarePage {
    data: Vec<SoftwareSummary>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the catalogue's software by name, each with its licence family and critical mass
/// (organisations, referents, experts, instances, contributors by kind, products, class).
#[utoipa::path(
    get,
    path = "/api/v1/software",
    tag = "commons",
    params(SoftwareFilters, Paging),
    responses(
        (status = 200, description = "Les logiciels du catalogue", body = SoftwarePage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_software(
    State(state): State<AppState>,
    Query(filters): Query<SoftwareFilters>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let catalogue = state.store().load_catalogue().await?;
    let kept = filters.apply(&catalogue)?;
    Ok(json_response(render(&Page::of(kept.into_iter(), paging)?)?))
}
