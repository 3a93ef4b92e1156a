//! `PUT /api/v1/organisations/{slug}`: replace an organisation's record.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::identity::{Action, Target};
use pilote_domain::portfolio::Organisation;
use pilote_store::PortfolioChanges;

use crate::api::extract::{JsonValue, parse_record, slug_from_path};
use crate::api::path_slug;
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Replaces an organisation; the slug may be left out of the body.
#[utoipa::path(
    put,
    path = "/api/v1/organisations/{slug}",
    tag = "organisations",
    params(("slug" = String, Path, description = "Identifiant de l'organisation")),
    request_body = Organisation,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Organisation remplacée", body = Organisation),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Organisation inconnue", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_organisation(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let slug = path_slug(&slug)?;
    state
        .model()
        .organisation(&slug)
        .ok_or(ApiError::NotFound)?;
    let actor = authorize(
        caller.principal(),
        Action::UpdateOrganisation,
        &[Target {
            organisation: Some(slug.clone()),
            ..Target::default()
        }],
    )?;
    let organisation: Organisation = parse_record(slug_from_path(body, &slug)?)?;
    if organisation.name.trim().is_empty() {
        return Err(ApiError::field("name", "ce champ est obligatoire"));
    }
    let changes = PortfolioChanges {
        organisations: vec![organisation.clone()],
        ..PortfolioChanges::default()
    };
    state.store().apply(&changes, &actor).await?;
    state.refresh().await?;
    Ok(Json(organisation).into_response())
}
