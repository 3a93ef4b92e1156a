//! `POST /api/v1/access-requests/{id}/events`: a change of state (DESIGN §5).

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::data::{AccessEvent, AccessRequest, Side, TrailEntry};
use pilote_domain::identity::{Action, Principal};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{refused, request_for};
use crate::api::extract::{JsonValue, parse_record};
use crate::api::support::{party_of, stored};
use crate::auth::{Caller, actor_of};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// An event to take, with its message (required to ask for changes, refuse or revoke).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// The event.
    pub event: AccessEvent,
    /// Why, to the other side.
    #[serde(default)]
    pub message: String,
}

/// Submits, reopens or archives (the applicant's organisation), or asks for changes,
/// approves, refuses, revokes or archives (the producer's instructors and managers).
#[utoipa::path(
    post,
    path = "/api/v1/access-requests/{id}/events",
    tag = "access",
    params(("id" = i64, Path, description = "Numéro de la demande")),
    request_body = EventBody,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Événement enregistré", body = TrailEntry),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "L'événement revient à l'autre partie", body = ErrorBody),
        (status = 404, description = "Demande inconnue, ou qui ne vous concerne pas", body = ErrorBody),
        (status = 409, description = "Événement impossible dans l'état de la demande", body = ErrorBody),
        (status = 422, description = "Demande incomplète, ou motif manquant", body = ErrorBody),
    )
)]
pub async fn take_access_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Json<TrailEntry>, ApiError> {
    caller.authenticated()?;
    let body: EventBody = parse_record(body)?;
    let (_, entry) = take(&state, caller.principal(), &id, body.event, &body.message).await?;
    Ok(Json(entry))
}

/// The side `principal` takes `event` as on `request`, when any: the applicant's if they
/// may edit it, the instructors' if they may decide it.
fn side(principal: &Principal, request: &AccessRequest, event: AccessEvent) -> Option<Side> {
    let target = request.target();
    [
        (Side::Applicant, Action::EditAccessRequest),
        (Side::Instructor, Action::InstructAccessRequest),
    ]
    .into_iter()
    .filter(|(_, action)| principal.may(*action, &target))
    .map(|(side, _)| side)
    .find(|side| event.may_take(*side, request.state))
}

/// Checks and takes `event` on the request of the address for `principal`: the one path of
/// the API and the forms.
pub(crate) async fn take(
    state: &AppState,
    principal: Option<&Principal>,
    id: &str,
    event: AccessEvent,
    message: &str,
) -> Result<(AccessRequest, TrailEntry), ApiError> {
    let request = request_for(state, principal, id).await?;
    let Some(principal) = principal else {
        return Err(ApiError::NotFound);
    };
    let at = pilote_store::timestamp(chrono::Utc::now());
    let Some(side) = side(principal, &request, event) else {
        // The state's verdict (409) comes before the side's (403).
        if event.next(request.state).is_none() {
            request
                .clone()
                .take(event, Side::Applicant, message, &at)
                .map_err(refused)?;
        }
        return Err(ApiError::Forbidden(
            "cet événement revient à l'autre partie de la demande",
        ));
    };
    request
        .clone()
        .take(event, side, message, &at)
        .map_err(refused)?;
    stored(
        state
            .store()
            .take_access_event(
                request.id,
                event,
                side,
                message,
                party_of(principal),
                &actor_of(principal),
                &at,
            )
            .await,
    )
}
