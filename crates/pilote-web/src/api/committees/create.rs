//! `POST /api/v1/committees`: hold an investment committee.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::delivery::Committee;
use pilote_domain::identity::Action;

use super::{CommitteeJson, committee_target};
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Creates a committee of an incubator (date, incubator, members), for its managers and
/// administrators.
#[utoipa::path(
    post,
    path = "/api/v1/committees",
    tag = "committees",
    request_body = Committee,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Comité créé", body = CommitteeJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_committee(
    State(state): State<AppState>,
    caller: Caller,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let mut committee: Committee = parse_record(body)?;
    committee.id = 0;
    let created = create(&state, caller.principal(), committee).await?;
    let location = format!("/api/v1/committees/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(CommitteeJson {
            committee: created,
            decisions: Vec::new(),
        }),
    )
        .into_response())
}

/// Checks and stores a committee for `principal`: the one path of the API and the form.
pub(crate) async fn create(
    state: &AppState,
    principal: Option<&pilote_domain::identity::Principal>,
    mut committee: Committee,
) -> Result<Committee, ApiError> {
    if state.model().incubator(&committee.incubator).is_none() {
        return Err(ApiError::field(
            "incubator",
            format!("incubateur inconnu « {} »", committee.incubator),
        ));
    }
    let actor = authorize(
        principal,
        Action::ManageCommittees,
        &[committee_target(&committee.incubator)],
    )?;
    committee.members = committee
        .members
        .iter()
        .map(|member| member.trim().to_owned())
        .filter(|member| !member.is_empty())
        .collect();
    crate::api::refuse_problems(committee.validate())?;
    let at = pilote_store::timestamp(chrono::Utc::now());
    let created = state
        .store()
        .create_committee(&committee, &actor, &at)
        .await?;
    state.refresh().await?;
    Ok(created)
}
