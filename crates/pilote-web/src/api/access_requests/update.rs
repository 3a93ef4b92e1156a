//! `PUT /api/v1/access-requests/{id}`: the applicant rewrites a draft or a request sent
//! back for changes.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::data::{AccessForm, AccessRequest};
use pilote_domain::identity::{Action, Principal};

use super::{refused, request_for};
use crate::api::access_requests::create::provider_of;
use crate::api::extract::{JsonValue, parse_record};
use crate::api::support::{party_of, stored};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Replaces the request's content (the whole form) while it is a draft or sent back for
/// changes; the data asked for stays with the same producer.
#[utoipa::path(
    put,
    path = "/api/v1/access-requests/{id}",
    tag = "access",
    params(("id" = i64, Path, description = "Numéro de la demande")),
    request_body = AccessForm,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Demande modifiée", body = AccessRequest),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé à l'organisation demandeuse", body = ErrorBody),
        (status = 404, description = "Demande inconnue, ou qui ne vous concerne pas", body = ErrorBody),
        (status = 409, description = "La demande ne se modifie plus dans son état", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_access_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Json<AccessRequest>, ApiError> {
    caller.authenticated()?;
    let form: AccessForm = parse_record(body)?;
    Ok(Json(edit(&state, caller.principal(), &id, form).await?))
}

/// Checks and stores the new content of the request of the address for `principal`.
pub(crate) async fn edit(
    state: &AppState,
    principal: Option<&Principal>,
    id: &str,
    form: AccessForm,
) -> Result<AccessRequest, ApiError> {
    let request = request_for(state, principal, id).await?;
    let actor = authorize(principal, Action::EditAccessRequest, &[request.target()])?;
    let at = pilote_store::timestamp(chrono::Utc::now());
    request.clone().edit(form.clone(), &at).map_err(refused)?;
    let form = form.normalised();
    if provider_of(state, &form).await? != request.provider {
        return Err(ApiError::field(
            if form.dataset.is_some() {
                "dataset"
            } else {
                "api"
            },
            "une demande reste adressée au même producteur : commencez-en une autre",
        ));
    }
    let by = principal.map(party_of).unwrap_or_default();
    let (request, _) = stored(
        state
            .store()
            .edit_access_request(request.id, &form, by, &actor, &at)
            .await,
    )?;
    Ok(request)
}
