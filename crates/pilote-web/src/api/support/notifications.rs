//! `GET /api/v1/me/notifications`: what happened on one's support requests.

use axum::Json;
use axum::extract::State;
use pilote_domain::delivery::Notification;

use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// How many notifications are shown.
pub(crate) const LATEST: i64 = 50;

/// The account's latest notifications, newest first (e-mails are not sent yet: they are
/// recorded here).
#[utoipa::path(
    get,
    path = "/api/v1/me/notifications",
    tag = "identity",
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "Les 50 dernières notifications", body = [Notification]),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
    )
)]
pub async fn my_notifications(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Notification>>, ApiError> {
    let principal = caller.authenticated()?;
    Ok(Json(
        state
            .store()
            .notifications(principal.account, LATEST)
            .await?,
    ))
}
