//! `GET /api/v1/delivery/recommended-composition`: the disciplines recommended per phase.

use axum::Json;
use axum::extract::State;
use pilote_domain::delivery::RecommendedComposition;

use crate::AppState;

/// The team composition recommended for each phase, as administrators configured it.
#[utoipa::path(
    get,
    path = "/api/v1/delivery/recommended-composition",
    tag = "delivery",
    responses((status = 200, description = "La composition recommandée", body = RecommendedComposition))
)]
pub async fn show_recommended(State(state): State<AppState>) -> Json<RecommendedComposition> {
    Json(state.model().recommended_composition().clone())
}
