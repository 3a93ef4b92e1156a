//! `POST /api/v1/data-producers/{slug}/webhooks`: subscribe a receiver to a producer's
//! events.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::is_http_url;
use pilote_domain::notification::WebhookSubscription;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, random_secret};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// The receiver to subscribe.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where each event is posted: an http(s) address.
    pub url: String,
}

/// A new subscription, with the secret that signs its deliveries: shown this once only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedWebhook {
    /// The subscription.
    #[serde(flatten)]
    #[schema(inline)]
    pub subscription: WebhookSubscription,
    /// The HMAC-SHA256 key of `X-Hub-Signature-256`; never shown again.
    pub secret: String,
}

/// Subscribes a receiver to a data producer's events; the answer holds the signing secret,
/// which is never shown again.
#[utoipa::path(
    post,
    path = "/api/v1/data-producers/{slug}/webhooks",
    tag = "data",
    params(("slug" = String, Path, description = "Identifiant du producteur de données")),
    request_body = NewWebhook,
    security(("jeton" = ["admin"])),
    responses(
        (status = 201, description = "Abonnement créé, avec son secret", body = CreatedWebhook),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux gestionnaires des webhooks", body = ErrorBody),
        (status = 404, description = "Producteur inconnu", body = ErrorBody),
        (status = 422, description = "Adresse invalide", body = ErrorBody),
    )
)]
pub async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let (producer, actor) = super::managed(caller.principal(), &slug)?;
    let given: NewWebhook = parse_record(body)?;
    let url = given.url.trim();
    if !is_http_url(url) {
        return Err(ApiError::field(
            "url",
            "l'adresse doit commencer par http:// ou https:// et nommer un hôte",
        ));
    }
    let secret = random_secret();
    let subscription = state
        .store()
        .subscribe_webhook(&producer, url, &secret, &actor)
        .await?;
    let location = format!(
        "/api/v1/data-producers/{}/webhooks/{}",
        producer, subscription.id
    );
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(CreatedWebhook {
            subscription,
            secret,
        }),
    )
        .into_response())
}
