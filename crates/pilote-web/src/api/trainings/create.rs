//! `POST /api/v1/trainings`: add a training to the catalogue.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::identity::{Action, Principal, Target};
use pilote_domain::talent::training::Training;

use super::TrainingJson;
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Adds a training (title, provider, start, end, format, audience), for administrators.
#[utoipa::path(
    post,
    path = "/api/v1/trainings",
    tag = "talent",
    request_body = Training,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Formation ajoutée", body = TrainingJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_training(
    State(state): State<AppState>,
    caller: Caller,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let training: Training = parse_record(body)?;
    let created = create(&state, caller.principal(), training).await?;
    let location = format!("/api/v1/trainings/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(TrainingJson {
            training: created,
            attendees: Vec::new(),
        }),
    )
        .into_response())
}

/// Checks and stores a training for `principal`: the one path of the API and the form.
pub(crate) async fn create(
    state: &AppState,
    principal: Option<&Principal>,
    mut training: Training,
) -> Result<Training, ApiError> {
    let actor = authorize(principal, Action::ManageTrainings, &[Target::default()])?;
    training.id = 0;
    crate::api::refuse_problems(training.validate())?;
    let at = pilote_store::timestamp(chrono::Utc::now());
    Ok(state
        .store()
        .create_training(&training, &actor, &at)
        .await?)
}
