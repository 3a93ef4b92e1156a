//! `GET /api/v1/committees/{id}`: one committee with its decisions.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::{CommitteeJson, committee_at, visible};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows a committee with its decisions and the evidence each rested on.
#[utoipa::path(
    get,
    path = "/api/v1/committees/{id}",
    tag = "committees",
    params(("id" = i64, Path, description = "Numéro du comité")),
    responses(
        (status = 200, description = "Le comité", body = CommitteeJson),
        (status = 404, description = "Comité inconnu", body = ErrorBody),
    )
)]
pub async fn show_committee(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let committee = committee_at(&state, &id).await?;
    let model = state.model();
    let decisions = state
        .store()
        .committee_decisions(committee.id)
        .await?
        .into_iter()
        .map(|decision| visible(decision, caller.principal(), &model))
        .collect();
    Ok(Json(CommitteeJson {
        committee,
        decisions,
    })
    .into_response())
}
