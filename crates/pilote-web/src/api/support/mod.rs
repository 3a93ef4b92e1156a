//! `/api/v1/support-requests`: requests for support from the steering team, their trail,
//! the steering team's steps and messages; the dashboard of the demand; one's own
//! notifications.
//!
//! A request is seen only by the steering team and by its requester's side (the
//! organisation's editors, the product's team, the requester): to anyone else it does not
//! exist, and its address answers 404.

pub mod create;
pub mod dashboard;
pub mod list;
pub mod message;
pub mod notifications;
pub mod show;
pub mod step;

use pilote_domain::delivery::{Party, StepRefusal, SupportEvent, SupportRequest};
use pilote_domain::identity::{Action, Principal};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ApiError, AppState};

/// A request with its trail, as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct SupportRequestJson {
    /// The request.
    #[serde(flatten)]
    #[schema(inline)]
    pub request: SupportRequest,
    /// What happened to it, oldest first.
    pub events: Vec<SupportEvent>,
}

/// The party `principal` is in a request's trail.
pub(crate) fn party_of(principal: &Principal) -> Party {
    Party {
        account: principal.account,
        name: principal.name.clone(),
    }
}

/// Whether `principal` may see `request`.
pub(crate) fn may_read(principal: &Principal, request: &SupportRequest) -> bool {
    principal.may(Action::ReadSupportRequest, &request.target())
        || principal.may(Action::WriteSupportMessage, &request.target())
}

/// The request of the address, when `principal` may see it; 404 otherwise, so that nobody
/// learns of requests they may not see.
pub(crate) async fn request_for(
    state: &AppState,
    principal: Option<&Principal>,
    raw: &str,
) -> Result<SupportRequest, ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized(
        "connectez-vous, ou présentez un jeton d'API (Authorization: Bearer)",
    ))?;
    let id = crate::api::indicators::path_id(raw)?;
    let request = state.store().support_request(id).await?;
    if may_read(principal, &request) {
        Ok(request)
    } else {
        Err(ApiError::NotFound)
    }
}

/// A refused step: 409 when the request's status forbids it, 422 on the field otherwise.
pub(crate) fn refused(refusal: &StepRefusal) -> ApiError {
    if refusal.is_conflict() {
        ApiError::Conflict(refusal.error.to_string())
    } else {
        ApiError::field(refusal.field, refusal.error.to_string())
    }
}

/// A store refusal (the request changed meanwhile) is a conflict.
pub(crate) fn stored<T>(result: pilote_store::Result<T>) -> Result<T, ApiError> {
    result.map_err(|error| match error {
        pilote_store::StoreError::Refused(reason) => ApiError::Conflict(reason),
        other => other.into(),
    })
}
