//! `POST /api/v1/software/{slug}/declarations`: an agent declares themselves user or referent
//! of a software.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::commons::{Declaration, DeclarationKind};
use pilote_domain::identity::{Action, Principal, Target};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// What an agent declares; the software comes from the address, the agent from the caller.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeclaration {
    /// `user` or `referent`.
    pub kind: DeclarationKind,
    /// The agent's organisation.
    pub organisation: String,
    /// What they use it for.
    #[serde(default)]
    pub use_case: String,
    /// The version a user runs.
    #[serde(default)]
    pub version: Option<String>,
    /// The service a user runs it for.
    #[serde(default)]
    pub service_url: Option<String>,
    /// Whether a referent is an expert of it.
    #[serde(default)]
    pub expert: bool,
}

/// Declares the caller user or referent of a software; one declaration of each kind per
/// agent and software.
#[utoipa::path(
    post,
    path = "/api/v1/software/{slug}/declarations",
    tag = "commons",
    params(("slug" = String, Path, description = "Identifiant du logiciel")),
    request_body = NewDeclaration,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Déclaration enregistrée", body = Declaration),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Portée insuffisante", body = ErrorBody),
        (status = 404, description = "Logiciel inconnu", body = ErrorBody),
        (status = 409, description = "Déclaration déjà faite", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn declare_software(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let created = declare(&state, caller.principal(), &slug, body).await?;
    let location = format!(
        "/api/v1/software/{}/declarations/{}",
        created.software, created.id
    );
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(created),
    )
        .into_response())
}

/// Checks and records `principal`'s declaration on the software `raw` from `body`: the one
/// path of the API and the form.
pub(crate) async fn declare(
    state: &AppState,
    principal: Option<&Principal>,
    raw: &str,
    body: serde_json::Value,
) -> Result<Declaration, ApiError> {
    let actor = authorize(principal, Action::DeclareSoftware, &[Target::default()])?;
    let account = principal.map(|p| p.account).unwrap_or_default();
    let software = crate::api::path_slug(raw)?;
    let given: NewDeclaration = parse_record(body)?;
    let declaration = Declaration {
        id: 0,
        software,
        account,
        kind: given.kind,
        organisation: given.organisation.trim().to_owned(),
        use_case: given.use_case.trim().to_owned(),
        version: given.version.filter(|v| !v.trim().is_empty()),
        service_url: given.service_url.filter(|v| !v.trim().is_empty()),
        expert: given.expert,
        declared_at: pilote_store::timestamp(chrono::Utc::now()),
    };
    declaration
        .validate()
        .map_err(|(field, error)| ApiError::field(field, error.to_string()))?;
    state
        .store()
        .declare_software(&declaration, &actor)
        .await
        .map_err(|error| match error {
            pilote_store::StoreError::Conflict => ApiError::Conflict(format!(
                "vous êtes déjà déclaré(e) {} de ce logiciel",
                given.kind.label().to_lowercase()
            )),
            other => other.into(),
        })
}
