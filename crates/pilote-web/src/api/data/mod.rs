//! `/api/v1/datasets`, `/api/v1/data-producers`, `/api/v1/data-apis`: the data catalogue,
//! read only — datasets with their resources, their producers, and the APIs.

pub mod api_show;
pub mod apis_list;
pub mod dataset_show;
pub mod datasets_list;
pub mod producers_list;
pub mod udata;

use pilote_domain::Slug;
use pilote_domain::data::{AccessType, Authorisation, Dataset, Entitlement, entitlement};
use pilote_domain::identity::Principal;
use pilote_store::AuthorisationsOf;

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

/// What `principal` may see of data reached as `access`, published by `producer`, whose
/// authorisations `of` names — the one rule of [`entitlement`] — with the authorisations
/// read (none when the rule needs none: open data, anonymous visitors).
pub(crate) async fn entitlement_to(
    state: &crate::AppState,
    principal: Option<&Principal>,
    access: AccessType,
    producer: Option<&Slug>,
    of: AuthorisationsOf,
) -> Result<(Entitlement, Vec<Authorisation>), ApiError> {
    if access != AccessType::Restricted || principal.is_none() {
        return Ok((entitlement(principal, access, producer, &[]), Vec::new()));
    }
    let authorisations = state.store().authorisations(&of).await?;
    Ok((
        entitlement(principal, access, producer, &authorisations),
        authorisations,
    ))
}

/// Withholds the details of each restricted dataset `principal` is not entitled to; every
/// read path of the catalogue (API, udata, pages, exports) goes through it.
pub(crate) async fn redact_for(
    state: &crate::AppState,
    principal: Option<&Principal>,
    datasets: &mut [Dataset],
) -> Result<(), ApiError> {
    for dataset in datasets
        .iter_mut()
        .filter(|d| d.access == AccessType::Restricted)
    {
        let (entitled, _) = entitlement_to(
            state,
            principal,
            dataset.access,
            dataset.producer.as_ref(),
            AuthorisationsOf::Dataset(dataset.slug.clone()),
        )
        .await?;
        if !entitled.allows_details() {
            dataset.redact();
        }
    }
    Ok(())
}
