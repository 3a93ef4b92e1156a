//! `GET /api/v1/data-producers/{slug}/webhooks/{id}/deliveries`: a subscription's recent
//! deliveries and how their attempts went.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::notification::WebhookDelivery;

use crate::api::indicators::path_id;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Deliveries listed, the latest first.
const RECENT: i64 = 100;

/// Lists a subscription's latest deliveries: event, body, attempts, last status or error,
/// delivered or given up.
#[utoipa::path(
    get,
    path = "/api/v1/data-producers/{slug}/webhooks/{id}/deliveries",
    tag = "data",
    params(
        ("slug" = String, Path, description = "Identifiant du producteur de données"),
        ("id" = i64, Path, description = "Numéro de l'abonnement"),
    ),
    security(("jeton" = ["admin"])),
    responses(
        (status = 200, description = "Les 100 derniers envois, du plus récent au plus ancien", body = Vec<WebhookDelivery>),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux gestionnaires des webhooks", body = ErrorBody),
        (status = 404, description = "Producteur ou abonnement inconnus", body = ErrorBody),
    )
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<Vec<WebhookDelivery>>, ApiError> {
    let (producer, _) = super::managed(caller.principal(), &slug)?;
    let id = path_id(&id)?;
    Ok(Json(
        state
            .store()
            .webhook_deliveries(&producer, id, RECENT)
            .await?,
    ))
}
