//! `GET /api/v1/trainings/{id}`: one training with its attendees.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::{TrainingJson, training_at, with_attendees};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Shows a training and who attended it.
#[utoipa::path(
    get,
    path = "/api/v1/trainings/{id}",
    tag = "talent",
    params(("id" = i64, Path, description = "Numéro de la formation")),
    responses(
        (status = 200, description = "La formation", body = TrainingJson),
        (status = 404, description = "Formation inconnue", body = ErrorBody),
    )
)]
pub async fn show_training(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let training = training_at(&state, &id).await?;
    let model = state.model();
    Ok(Json(with_attendees(&state, &model, training).await?).into_response())
}
