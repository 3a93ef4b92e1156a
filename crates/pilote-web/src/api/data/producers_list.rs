//! `GET /api/v1/data-producers`: the producers with how much each publishes.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::data::Producer;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A producer and its counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProducerJson {
    /// The producer.
    #[serde(flatten)]
    #[schema(inline)]
    pub producer: Producer,
    /// Its datasets.
    pub datasets: usize,
    /// Its APIs.
    pub apis: usize,
}

/// A page of producers.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct ProducerPage {
    data: Vec<ProducerJson>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the producers by slug, each with its counts of datasets and APIs.
#[utoipa::path(
    get,
    path = "/api/v1/data-producers",
    tag = "data",
    params(Paging),
    responses(
        (status = 200, description = "Les producteurs de données", body = ProducerPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_producers(
    State(state): State<AppState>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let producers = state.store().data_producer_counts().await?;
    let json = producers.into_iter().map(|counts| ProducerJson {
        producer: counts.producer,
        datasets: counts.datasets,
        apis: counts.apis,
    });
    Ok(json_response(render(&Page::of(json, paging)?)?))
}
