//! `/api/v1/access-requests`: requests for access to restricted datasets and APIs, on the
//! `DataPass` model — the applicant's drafts and submissions, the producer's decisions, the
//! messages between them — and `/api/v1/authorisations`, who may use what.
//!
//! A request is seen only by its applicant's organisation (same SIRET) and, once
//! submitted, by the producer's reporters, instructors and managers: to anyone else it does
//! not exist, and its address answers 404.

pub mod authorisations;
pub mod create;
pub mod event;
pub mod list;
pub mod message;
pub mod show;
pub mod update;

use pilote_domain::data::{AccessRefusal, AccessRequest};
use pilote_domain::identity::{Action, Principal};

use crate::{ApiError, AppState};

/// Whether `principal` may see `request`.
pub(crate) fn may_read(principal: &Principal, request: &AccessRequest) -> bool {
    principal.may(Action::ReadAccessRequest, &request.target())
}

/// The request of the address, when `principal` may see it; 404 otherwise, so that nobody
/// learns of requests they may not see.
pub(crate) async fn request_for(
    state: &AppState,
    principal: Option<&Principal>,
    raw: &str,
) -> Result<AccessRequest, ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized(
        "connectez-vous, ou présentez un jeton d'API (Authorization: Bearer)",
    ))?;
    let id = crate::api::indicators::path_id(raw)?;
    let request = state.store().access_request(id).await?;
    if may_read(principal, &request) {
        Ok(request)
    } else {
        Err(ApiError::NotFound)
    }
}

/// A refused change: 409 when the state forbids it, 403 when it is the other side's, 422
/// on the fields a guard names.
pub(crate) fn refused(refusal: AccessRefusal) -> ApiError {
    match refusal {
        AccessRefusal::State(error) => ApiError::Conflict(error.to_string()),
        AccessRefusal::Side => {
            ApiError::Forbidden("cet événement revient à l'autre partie de la demande")
        }
        AccessRefusal::Guard(warnings) => ApiError::Unprocessable(
            warnings
                .into_iter()
                .map(|warning| (warning.field, warning.message))
                .collect(),
        ),
    }
}
