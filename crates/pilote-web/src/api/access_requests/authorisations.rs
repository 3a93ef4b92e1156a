//! `GET /api/v1/authorisations`: who may use a restricted dataset or API — for its
//! producer's staff only.

use axum::Json;
use axum::extract::State;
use pilote_domain::Slug;
use pilote_domain::data::Authorisation;
use pilote_domain::identity::{Action, Target};
use pilote_store::AuthorisationsOf;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::Query;
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// The data whose authorisations to read: one of the two.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthorisationsQuery {
    /// A dataset.
    pub dataset: Option<Slug>,
    /// An API.
    pub api: Option<Slug>,
}

/// The organisations authorised (or once authorised) to use a dataset or an API, latest
/// first: a restricted dataset's existence is public, its authorised users are not.
#[utoipa::path(
    get,
    path = "/api/v1/authorisations",
    tag = "access",
    params(AuthorisationsQuery),
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "Les habilitations", body = Vec<Authorisation>),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé au producteur des données", body = ErrorBody),
        (status = 404, description = "Données inconnues", body = ErrorBody),
        (status = 422, description = "Ni jeu de données ni API", body = ErrorBody),
    )
)]
pub async fn list_authorisations(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AuthorisationsQuery>,
) -> Result<Json<Vec<Authorisation>>, ApiError> {
    caller.authenticated()?;
    let (of, producer) = match (query.dataset, query.api) {
        (Some(slug), None) => {
            let producer = state.store().dataset(&slug).await?.dataset.producer;
            (AuthorisationsOf::Dataset(slug), producer)
        }
        (None, Some(slug)) => {
            let producer = state.store().data_api(&slug).await?.producer;
            (AuthorisationsOf::Api(slug), producer)
        }
        _ => {
            return Err(ApiError::field(
                "dataset",
                "indiquez un jeu de données (dataset) ou une API (api)",
            ));
        }
    };
    let target = Target {
        provider: producer,
        ..Target::default()
    };
    authorize(caller.principal(), Action::ReadAuthorisations, &[target])?;
    Ok(Json(state.store().authorisations(&of).await?))
}
