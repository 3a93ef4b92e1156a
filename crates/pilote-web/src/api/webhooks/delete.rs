//! `DELETE /api/v1/data-producers/{slug}/webhooks/{id}`: end a subscription.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::indicators::path_id;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Ends a subscription: no event is sent to it any more, and its pending deliveries are
/// given up.
#[utoipa::path(
    delete,
    path = "/api/v1/data-producers/{slug}/webhooks/{id}",
    tag = "data",
    params(
        ("slug" = String, Path, description = "Identifiant du producteur de données"),
        ("id" = i64, Path, description = "Numéro de l'abonnement"),
    ),
    security(("jeton" = ["admin"])),
    responses(
        (status = 204, description = "Abonnement supprimé"),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux gestionnaires des webhooks", body = ErrorBody),
        (status = 404, description = "Producteur ou abonnement inconnus", body = ErrorBody),
    )
)]
pub async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (producer, actor) = super::managed(caller.principal(), &slug)?;
    let id = path_id(&id)?;
    state
        .store()
        .unsubscribe_webhook(&producer, id, &actor)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
