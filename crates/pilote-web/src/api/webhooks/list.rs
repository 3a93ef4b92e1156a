//! `GET /api/v1/data-producers/{slug}/webhooks`: a producer's active subscriptions.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::notification::WebhookSubscription;

use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Lists a data producer's webhook subscriptions (without their secrets), oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/data-producers/{slug}/webhooks",
    tag = "data",
    params(("slug" = String, Path, description = "Identifiant du producteur de données")),
    security(("jeton" = ["admin"])),
    responses(
        (status = 200, description = "Les abonnements du producteur", body = Vec<WebhookSubscription>),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux gestionnaires des webhooks", body = ErrorBody),
        (status = 404, description = "Producteur inconnu", body = ErrorBody),
    )
)]
pub async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Vec<WebhookSubscription>>, ApiError> {
    let (producer, _) = super::managed(caller.principal(), &slug)?;
    Ok(Json(state.store().webhook_subscriptions(&producer).await?))
}
