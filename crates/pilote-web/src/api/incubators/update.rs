//! `PUT /api/v1/incubators/{slug}`: replace an incubator's record.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::identity::{Action, Target};
use pilote_domain::portfolio::Incubator;
use pilote_store::PortfolioChanges;

use crate::api::extract::{JsonValue, parse_record, slug_from_path};
use crate::api::path_slug;
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Replaces an incubator; the slug may be left out of the body.
#[utoipa::path(
    put,
    path = "/api/v1/incubators/{slug}",
    tag = "incubators",
    params(("slug" = String, Path, description = "Identifiant de l'incubateur")),
    request_body = Incubator,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Incubateur remplacé", body = Incubator),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Incubateur inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_incubator(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let slug = path_slug(&slug)?;
    let model = state.model();
    model.incubator(&slug).ok_or(ApiError::NotFound)?;
    let actor = authorize(
        caller.principal(),
        Action::UpdateIncubator,
        &[Target {
            incubators: vec![slug.clone()],
            ..Target::default()
        }],
    )?;
    let incubator: Incubator = parse_record(slug_from_path(body, &slug)?)?;
    if incubator.title.trim().is_empty() {
        return Err(ApiError::field("title", "ce champ est obligatoire"));
    }
    if let Some(owner) = &incubator.owner
        && model.organisation(owner).is_none()
    {
        return Err(ApiError::field(
            "owner",
            format!("organisation inconnue « {owner} »"),
        ));
    }
    let changes = PortfolioChanges {
        incubators: vec![incubator.clone()],
        ..PortfolioChanges::default()
    };
    state.store().apply(&changes, &actor).await?;
    state.refresh().await?;
    Ok(Json(incubator).into_response())
}
