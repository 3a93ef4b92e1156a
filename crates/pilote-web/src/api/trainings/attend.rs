//! `POST /api/v1/trainings/{id}/attendees`: record that a member attended a training.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pilote_domain::identity::{Action, Principal, Target};
use pilote_domain::talent::training::{Attendance, Training};
use serde::Deserialize;
use utoipa::ToSchema;

use super::training_at;
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Who attended.
#[derive(Deserialize, ToSchema)]
pub struct AttendeeBody {
    /// The member's slug (`prenom.nom`).
    pub member: String,
}

/// Records a member's attendance, for administrators; the member must be one of the
/// network's, and is recorded once.
#[utoipa::path(
    post,
    path = "/api/v1/trainings/{id}/attendees",
    tag = "talent",
    params(("id" = i64, Path, description = "Numéro de la formation")),
    request_body = AttendeeBody,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Participation enregistrée", body = Attendance),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Formation inconnue", body = ErrorBody),
        (status = 422, description = "Membre inconnu ou déjà enregistré", body = ErrorBody),
    )
)]
pub async fn record_attendee(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let training = training_at(&state, &id).await?;
    let body: AttendeeBody = parse_record(body)?;
    let attendance = attend(&state, caller.principal(), &training, &body.member).await?;
    Ok((StatusCode::CREATED, Json(attendance)).into_response())
}

/// Checks and records an attendance for `principal`: the one path of the API and the form.
pub(crate) async fn attend(
    state: &AppState,
    principal: Option<&Principal>,
    training: &Training,
    member: &str,
) -> Result<Attendance, ApiError> {
    let actor = authorize(principal, Action::ManageTrainings, &[Target::default()])?;
    let member = member.trim();
    let unknown = || ApiError::field("member", format!("membre inconnu « {member} »"));
    if member.is_empty() {
        return Err(ApiError::field(
            "member",
            pilote_domain::DomainError::Required.to_string(),
        ));
    }
    let slug = pilote_domain::Slug::parse(member).map_err(|_| unknown())?;
    if state.model().member(&slug).is_none() {
        return Err(unknown());
    }
    let attendance = Attendance {
        training: training.id,
        member: slug,
    };
    let at = pilote_store::timestamp(chrono::Utc::now());
    match state
        .store()
        .record_attendance(&attendance, &actor, &at)
        .await
    {
        Err(pilote_store::StoreError::Conflict) => Err(ApiError::field(
            "member",
            "ce membre figure déjà parmi les participants",
        )),
        other => Ok(other?),
    }
}
