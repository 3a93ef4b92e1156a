//! `/api/v1/calls`: calls for challenges. Everyone reads a call with its grid and its
//! retained challenges; administrators open them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::identity::{Action, Principal, Target};
use pilote_domain::talent::recruitment::{Call, ChallengeProposal, Criterion, ScoringGrid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::call_at;
use crate::api::extract::{JsonValue, Query, parse_record};
use crate::api::{Page, Paging, json_response, render};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A call as everyone sees it: its grid, whether it is open today, and the challenges
/// retained, to which candidates apply.
#[derive(Serialize, ToSchema)]
pub struct CallJson {
    /// The call.
    #[serde(flatten)]
    #[schema(inline)]
    pub call: Call,
    /// Whether proposals and applications are taken today.
    pub open: bool,
    /// The scoring grid.
    pub criteria: Vec<Criterion>,
    /// The retained challenges.
    pub challenges: Vec<ChallengeProposal>,
}

/// A call to open, with its scoring grid.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCall {
    /// The call.
    #[serde(flatten)]
    #[schema(inline)]
    pub call: Call,
    /// The criteria the panel marks proposals on, with their weights.
    pub criteria: Vec<Criterion>,
}

/// A page of calls.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct CallPage {
    data: Vec<Call>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the calls for challenges, latest opening first.
#[utoipa::path(
    get,
    path = "/api/v1/calls",
    tag = "talent",
    params(Paging),
    responses(
        (status = 200, description = "Les appels à défis", body = CallPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_calls(
    State(state): State<AppState>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let calls = state.store().calls().await?;
    Ok(json_response(render(&Page::of(
        calls.into_iter(),
        paging,
    )?)?))
}

/// Shows a call, its grid and its retained challenges.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{slug}",
    tag = "talent",
    params(("slug" = String, Path, description = "Identifiant de l'appel")),
    responses(
        (status = 200, description = "L'appel", body = CallJson),
        (status = 404, description = "Appel inconnu", body = ErrorBody),
    )
)]
pub async fn show_call(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<CallJson>, ApiError> {
    let call = call_at(&state, &slug).await?;
    Ok(Json(call_json(&state, call).await?))
}

/// A call with what everyone may see of it.
pub(crate) async fn call_json(state: &AppState, call: Call) -> Result<CallJson, ApiError> {
    let store = state.store();
    let criteria = store.call_criteria(&call.slug).await?;
    let challenges = store
        .proposals(&call.slug)
        .await?
        .into_iter()
        .filter(ChallengeProposal::takes_applications)
        .collect();
    Ok(CallJson {
        open: call.is_open(chrono::Utc::now().date_naive()),
        call,
        criteria,
        challenges,
    })
}

/// Opens a call with its scoring grid, for administrators.
#[utoipa::path(
    post,
    path = "/api/v1/calls",
    tag = "talent",
    request_body = NewCall,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Appel ouvert", body = CallJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 409, description = "Un appel porte déjà cet identifiant", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_call(
    State(state): State<AppState>,
    caller: Caller,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let body: NewCall = parse_record(body)?;
    let call = open(&state, caller.principal(), body).await?;
    let location = format!("/api/v1/calls/{}", call.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(call_json(&state, call).await?),
    )
        .into_response())
}

/// Checks and stores a new call for `principal`.
pub(crate) async fn open(
    state: &AppState,
    principal: Option<&Principal>,
    mut body: NewCall,
) -> Result<Call, ApiError> {
    let actor = authorize(principal, Action::ManageCalls, &[Target::default()])?;
    let mut problems = body.call.validate();
    problems.extend(
        ScoringGrid {
            criteria: body.criteria.clone(),
        }
        .validate(),
    );
    crate::api::refuse_problems(problems)?;
    state
        .store()
        .create_call(&body.call, &body.criteria, &actor)
        .await
        .map_err(|error| match error {
            pilote_store::StoreError::Conflict => {
                ApiError::Conflict("un appel porte déjà cet identifiant".into())
            }
            other => other.into(),
        })
}
