//! `GET /api/v1/datasets/{slug}`: one dataset with its resources, its producer and the
//! producer's APIs.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::data::{Api, Dataset, Producer};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::path_slug;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A dataset as its page shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatasetJson {
    /// The dataset, with its resources.
    #[serde(flatten)]
    #[schema(inline)]
    pub dataset: Dataset,
    /// Its resources' formats, lower case, each once.
    pub formats: Vec<String>,
    /// Who publishes it.
    #[serde(rename = "producer_record")]
    pub producer: Option<Producer>,
    /// The APIs of the same producer.
    pub apis: Vec<Api>,
}

/// One dataset.
///
/// A restricted dataset's resources come without their address (`url: null`) and checksum
/// unless the token's holder is entitled to them (its producer's staff, or an agent of an
/// organisation it authorises).
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}",
    tag = "data",
    params(("slug" = String, Path, description = "L'identifiant du jeu de données")),
    responses(
        (status = 200, description = "Le jeu de données", body = DatasetJson),
        (status = 404, description = "Jeu de données inconnu", body = ErrorBody),
    )
)]
pub async fn show_dataset(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<DatasetJson>, ApiError> {
    let mut record = state.store().dataset(&path_slug(&slug)?).await?;
    super::redact_for(
        &state,
        caller.principal(),
        std::slice::from_mut(&mut record.dataset),
    )
    .await?;
    Ok(Json(DatasetJson {
        formats: record.dataset.formats(),
        dataset: record.dataset,
        producer: record.producer,
        apis: record.apis,
    }))
}
