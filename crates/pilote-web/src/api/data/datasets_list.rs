//! `GET /api/v1/datasets`: the catalogue's datasets, filtered and paged by the store.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::data::Dataset;
use pilote_store::{DatasetFilters, DatasetSort};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::{Query, wanted};
use crate::api::{Page, Paging, json_response, render};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters of the dataset list; an empty value means no filter.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DatasetQuery {
    /// Datasets of this producer (its slug).
    pub producer: Option<String>,
    /// `open`, `account` or `restricted`.
    pub access: Option<String>,
    /// Datasets with a resource of this format (`csv`), case ignored.
    pub format: Option<String>,
    /// Datasets under this licence, case ignored.
    pub licence: Option<String>,
    /// Words of the title, description, producer or tags; case and accents ignored.
    pub q: Option<String>,
    /// `title` (the default), `modified` (last modified first) or `quality` (best first).
    pub sort: Option<String>,
}

/// A page of datasets.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct DatasetPage {
    data: Vec<Dataset>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the datasets by title (or the order asked), each with its resources.
///
/// A restricted dataset's resources come without their address (`url: null`) and checksum
/// unless the token's holder is entitled to them (its producer's staff, or an agent of an
/// organisation it authorises).
#[utoipa::path(
    get,
    path = "/api/v1/datasets",
    tag = "data",
    params(DatasetQuery, Paging),
    responses(
        (status = 200, description = "Les jeux de données", body = DatasetPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_datasets(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<DatasetQuery>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let (page, page_size) = paging.checked()?;
    let filters = filters(&query, page, page_size)?;
    let mut found = state.store().list_datasets(&filters).await?;
    super::redact_for(&state, caller.principal(), &mut found.datasets).await?;
    Ok(json_response(render(&Page {
        data: found.datasets,
        page,
        page_size,
        total: found.total,
    })?))
}

/// The store's filters for a query and a page; shared by the API and the catalogue's
/// downloads.
pub(crate) fn filters(
    query: &DatasetQuery,
    page: usize,
    page_size: usize,
) -> Result<DatasetFilters, ApiError> {
    let owned = |value: Option<&String>| wanted(value).map(str::to_owned);
    Ok(DatasetFilters {
        producer: super::producer(query.producer.as_ref())?,
        access: super::access(query.access.as_ref())?,
        format: owned(query.format.as_ref()),
        licence: owned(query.licence.as_ref()),
        q: owned(query.q.as_ref()),
        sort: wanted(query.sort.as_ref())
            .map(|raw| {
                DatasetSort::parse(raw).ok_or_else(|| {
                    ApiError::field(
                        "sort",
                        format!("ordre inconnu « {raw} » : title, modified ou quality"),
                    )
                })
            })
            .transpose()?
            .unwrap_or_default(),
        page,
        page_size,
    })
}
