//! `POST /api/v1/access-requests`: start a draft request for restricted data.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pilote_domain::Slug;
use pilote_domain::data::access::is_siret;
use pilote_domain::data::{AccessForm, AccessRequest, AccessType};
use pilote_domain::identity::{Action, Principal, Target};

use crate::api::extract::{JsonValue, parse_record};
use crate::api::support::party_of;
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Starts a draft, for the organisation of the caller's account (its SIRET), on a
/// restricted dataset (`dataset`) or API (`api`). The draft may be incomplete: it is
/// checked in full when submitted.
#[utoipa::path(
    post,
    path = "/api/v1/access-requests",
    tag = "access",
    request_body = AccessForm,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 201, description = "Brouillon enregistré", body = AccessRequest),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 422, description = "Valeurs invalides, données non restreintes, ou compte sans SIRET", body = ErrorBody),
    )
)]
pub async fn create_access_request(
    State(state): State<AppState>,
    caller: Caller,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let form: AccessForm = parse_record(body)?;
    let created = create(&state, caller.principal(), form).await?;
    let location = format!("/api/v1/access-requests/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(created),
    )
        .into_response())
}

/// The producer of the restricted dataset or API `form` names; 422 on the field when it is
/// unknown, open, or has no producer to decide.
pub(crate) async fn provider_of(state: &AppState, form: &AccessForm) -> Result<Slug, ApiError> {
    let (field, access, producer) = match (&form.dataset, &form.api) {
        (Some(slug), _) => {
            let record = state.store().dataset(slug).await.map_err(|error| {
                not_found_as_field(
                    error,
                    "dataset",
                    format!("jeu de données inconnu « {slug} »"),
                )
            })?;
            ("dataset", record.dataset.access, record.dataset.producer)
        }
        (None, Some(slug)) => {
            let api = state.store().data_api(slug).await.map_err(|error| {
                not_found_as_field(error, "api", format!("API inconnue « {slug} »"))
            })?;
            ("api", api.access, api.producer)
        }
        (None, None) => {
            return Err(ApiError::field(
                "dataset",
                pilote_domain::DomainError::AccessWithoutTarget.to_string(),
            ));
        }
    };
    if access != AccessType::Restricted {
        return Err(ApiError::field(
            field,
            format!(
                "ces données sont en accès « {} » : elles ne se demandent pas",
                access.label().to_lowercase()
            ),
        ));
    }
    producer.ok_or_else(|| {
        ApiError::field(
            field,
            "ces données n'ont pas de producteur pour instruire la demande",
        )
    })
}

fn not_found_as_field(error: pilote_store::StoreError, field: &str, message: String) -> ApiError {
    match error {
        pilote_store::StoreError::NotFound => ApiError::field(field, message),
        other => other.into(),
    }
}

/// Checks and stores a draft for `principal`: the one path of the API and the form.
pub(crate) async fn create(
    state: &AppState,
    principal: Option<&Principal>,
    form: AccessForm,
) -> Result<AccessRequest, ApiError> {
    let actor = authorize(principal, Action::RequestDataAccess, &[Target::default()])?;
    let form = form.normalised();
    crate::api::refuse_problems(form.validate())?;
    let provider = provider_of(state, &form).await?;
    let siret = principal
        .and_then(|p| p.siret.clone())
        .filter(|siret| is_siret(siret))
        .ok_or_else(|| {
            ApiError::field(
                "siret",
                "votre compte n'indique pas de SIRET valide : une demande se fait pour l'organisation que ProConnect vous associe",
            )
        })?;
    let applicant = principal.map(party_of).unwrap_or_default();
    let at = pilote_store::timestamp(chrono::Utc::now());
    let draft = AccessRequest::draft(form, provider, siret, applicant, &at);
    Ok(state.store().create_access_request(&draft, &actor).await?)
}
