//! `POST /api/v1/support-requests`: ask the steering team for support.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::delivery::SupportRequest;
use pilote_domain::identity::{Action, Principal};

use super::party_of;
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Files a request for an organisation one edits or a product one works on; the steering
/// team is notified.
#[utoipa::path(
    post,
    path = "/api/v1/support-requests",
    tag = "support",
    request_body = SupportRequest,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Demande enregistrée", body = SupportRequest),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Ni éditeur de l'organisation ni membre du produit", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn create_support_request(
    State(state): State<AppState>,
    caller: Caller,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let request: SupportRequest = parse_record(body)?;
    let created = create(&state, caller.principal(), request).await?;
    let location = format!("/api/v1/support-requests/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(created),
    )
        .into_response())
}

/// Checks and files a request for `principal`: the one path of the API and the form. A
/// product's request names one of its sponsors as the organisation, its first by default.
pub(crate) async fn create(
    state: &AppState,
    principal: Option<&Principal>,
    mut request: SupportRequest,
) -> Result<SupportRequest, ApiError> {
    {
        let model = state.model();
        if let Some(slug) = &request.organisation
            && model.organisation(slug).is_none()
        {
            return Err(ApiError::field(
                "organisation",
                format!("organisation inconnue « {slug} »"),
            ));
        }
        if let Some(slug) = &request.product {
            let product = model
                .product(slug)
                .ok_or_else(|| ApiError::field("product", format!("produit inconnu « {slug} »")))?;
            match &request.organisation {
                None => request.organisation = product.sponsors.first().cloned(),
                Some(organisation) if !product.sponsors.contains(organisation) => {
                    return Err(ApiError::field(
                        "organisation",
                        format!(
                            "« {organisation} » ne porte pas le produit « {slug} » : choisissez l'un de ses sponsors, ou aucune organisation"
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    crate::api::refuse_problems(request.validate())?;
    let actor = authorize(principal, Action::RequestSupport, &[request.target()])?;
    let requester = principal.map(party_of).unwrap_or_default();
    let at = pilote_store::timestamp(chrono::Utc::now());
    Ok(state
        .store()
        .create_support_request(&request, requester, &actor, &at)
        .await?)
}
