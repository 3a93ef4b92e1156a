//! `GET /api/v1/search`: results across every public entity, with facets.

use axum::extract::{OriginalUri, State};
use axum::response::Response;

use super::{SearchPage, SearchParams, parse};
use crate::api::{json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Searches every public entity: products, incubators, organisations, members (public
/// fields), software, datasets and their resources, APIs. Facets are counted with every
/// other filter applied.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Les résultats", body = SearchPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let query = parse(uri.query())?;
    let results = state.search().search(query.clone()).await?;
    Ok(json_response(render(&SearchPage::of(&query, results))?))
}
