//! `PUT /api/v1/delivery/recommended-composition`: replace the recommended composition.

use axum::Json;
use axum::extract::State;
use pilote_domain::delivery::RecommendedComposition;
use pilote_domain::identity::{Action, Principal, Target};

use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Checks the caller's right, stores `composition` and refreshes the read model; shared by
/// the API and the administration form.
pub(crate) async fn replace(
    state: &AppState,
    principal: Option<&Principal>,
    composition: RecommendedComposition,
) -> Result<RecommendedComposition, ApiError> {
    let actor = authorize(
        principal,
        Action::ConfigureTeamComposition,
        &[Target::default()],
    )?;
    let composition = composition
        .normalised()
        .map_err(|e| ApiError::field("phases", e.to_string()))?;
    let stored = state
        .store()
        .replace_recommended_composition(&composition, &actor)
        .await?;
    state.refresh().await?;
    Ok(stored)
}

/// Replaces the whole recommended composition; phases left out recommend nothing.
#[utoipa::path(
    put,
    path = "/api/v1/delivery/recommended-composition",
    tag = "delivery",
    request_body = RecommendedComposition,
    security(("jeton" = ["admin"])),
    responses(
        (status = 200, description = "La composition enregistrée", body = RecommendedComposition),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux administrateurs", body = ErrorBody),
        (status = 422, description = "Phase ou discipline invalide", body = ErrorBody),
    )
)]
pub async fn replace_recommended(
    State(state): State<AppState>,
    caller: Caller,
    JsonValue(body): JsonValue,
) -> Result<Json<RecommendedComposition>, ApiError> {
    caller.authenticated()?;
    let composition: RecommendedComposition = parse_record(body)?;
    Ok(Json(
        replace(&state, caller.principal(), composition).await?,
    ))
}
