//! `GET /api/v1/retention`: the retention figures of the network or of an incubator.

use axum::extract::{OriginalUri, State};
use axum::response::Response;

use super::{RetentionJson, RetentionQuery, figures};
use crate::api::extract::Query;
use crate::api::{json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// The retention figures computed from members' missions: headcount now and month by month
/// by status and `domaine`, the share of public agents, the median tenure, and year by
/// year the turnover and the renewal rate; for the whole network or one incubator.
#[utoipa::path(
    get,
    path = "/api/v1/retention",
    tag = "talent",
    params(RetentionQuery),
    responses(
        (status = 200, description = "Les chiffres de rétention", body = RetentionJson),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn show_retention(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<RetentionQuery>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let today = crate::api::delivery::day_of(query.date);
    let key = format!("retention-api?{}@{today}", uri.query().unwrap_or_default());
    let bytes = model.cached(&key, || {
        figures(&model, &query, None).and_then(|json| Ok(render(&json)?))
    })?;
    Ok(json_response(bytes))
}
