//! `GET /api/v1/access-requests/{id}`: a request with its trail and authorisations.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::data::{AccessRequest, Authorisation, TrailEntry};
use serde::Serialize;
use utoipa::ToSchema;

use super::request_for;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A request as its page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessRequestJson {
    /// The request.
    #[serde(flatten)]
    #[schema(inline)]
    pub request: AccessRequest,
    /// What happened to it, oldest first.
    pub trail: Vec<TrailEntry>,
    /// The authorisations it granted, latest first.
    pub authorisations: Vec<Authorisation>,
}

/// One request, for its applicant's organisation and its producer's staff.
#[utoipa::path(
    get,
    path = "/api/v1/access-requests/{id}",
    tag = "access",
    params(("id" = i64, Path, description = "Numéro de la demande")),
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "La demande", body = AccessRequestJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 404, description = "Demande inconnue, ou qui ne vous concerne pas", body = ErrorBody),
    )
)]
pub async fn show_access_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<AccessRequestJson>, ApiError> {
    Ok(Json(load(&state, caller.principal(), &id).await?))
}

/// The request of the address with its trail and authorisations, for `principal`.
pub(crate) async fn load(
    state: &AppState,
    principal: Option<&pilote_domain::identity::Principal>,
    id: &str,
) -> Result<AccessRequestJson, ApiError> {
    let request = request_for(state, principal, id).await?;
    let store = state.store();
    Ok(AccessRequestJson {
        trail: store.access_trail(request.id).await?,
        authorisations: store
            .authorisations(&pilote_store::AuthorisationsOf::Request(request.id))
            .await?,
        request,
    })
}
