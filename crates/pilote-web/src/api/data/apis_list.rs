//! `GET /api/v1/data-apis`: the catalogue's APIs, filtered.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::data::Api;
use pilote_store::ApiFilters;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::{Query, wanted};
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters of the API list; an empty value means no filter.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiQuery {
    /// APIs of this producer (its slug).
    pub producer: Option<String>,
    /// `open`, `account` or `restricted`.
    pub access: Option<String>,
    /// APIs of this theme (« Emploi »), case and accents ignored.
    pub theme: Option<String>,
    /// Words of the title or tagline; case and accents ignored.
    pub q: Option<String>,
}

/// A page of APIs.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct ApiPage {
    data: Vec<Api>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the APIs by title.
#[utoipa::path(
    get,
    path = "/api/v1/data-apis",
    tag = "data",
    params(ApiQuery, Paging),
    responses(
        (status = 200, description = "Les API du catalogue", body = ApiPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_apis(
    State(state): State<AppState>,
    Query(query): Query<ApiQuery>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let apis = state.store().list_apis(&api_filters(&query)?).await?;
    Ok(json_response(render(&Page::of(apis.into_iter(), paging)?)?))
}

/// The store's filters for a query; shared by the API and the catalogue's pages.
pub(crate) fn api_filters(query: &ApiQuery) -> Result<ApiFilters, ApiError> {
    let owned = |value: Option<&String>| wanted(value).map(str::to_owned);
    Ok(ApiFilters {
        producer: super::producer(query.producer.as_ref())?,
        access: super::access(query.access.as_ref())?,
        theme: owned(query.theme.as_ref()),
        q: owned(query.q.as_ref()),
    })
}
