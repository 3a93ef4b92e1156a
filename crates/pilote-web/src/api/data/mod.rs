//! `/api/v1/datasets`, `/api/v1/data-producers`, `/api/v1/data-apis`: the data catalogue,
//! read only — datasets with their resources, their producers, and the APIs.

pub mod api_show;
pub mod apis_list;
pub mod dataset_show;
pub mod datasets_list;
pub mod producers_list;
pub mod udata;

use pilote_domain::data::AccessType;

use crate::ApiError;
use crate::api::commons::parsed;
use crate::api::extract::wanted;

/// The access type filter, parsed; an unknown value is a 422 on `access`.
fn access(value: Option<&String>) -> Result<Option<AccessType>, ApiError> {
    parsed("access", value, AccessType::parse)
}

/// A producer filter: a slug, or none; an impossible slug matches nothing, hence a 422.
fn producer(value: Option<&String>) -> Result<Option<pilote_domain::Slug>, ApiError> {
    wanted(value)
        .map(|raw| {
            pilote_domain::Slug::parse(raw).map_err(|e| ApiError::field("producer", e.to_string()))
        })
        .transpose()
}

/// The catalogue's producers by slug, to name each dataset's publisher.
pub(crate) async fn producers_by_slug(
    state: &crate::AppState,
) -> Result<std::collections::HashMap<String, pilote_domain::data::Producer>, ApiError> {
    Ok(state
        .store()
        .data_producers()
        .await?
        .into_iter()
        .map(|p| (p.slug.to_string(), p))
        .collect())
}
