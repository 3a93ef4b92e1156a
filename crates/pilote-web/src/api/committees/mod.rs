//! `/api/v1/committees`: investment committees of incubators and their decisions on
//! products, each with the impact evidence presented, frozen.

pub mod create;
pub mod decide;
pub mod list;
pub mod product_decisions;
pub mod show;

use pilote_domain::Slug;
use pilote_domain::delivery::{Committee, Decision};
use pilote_domain::identity::{Principal, Target};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::indicators::may_manage;
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// A committee with its decisions, as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct CommitteeJson {
    /// The committee.
    #[serde(flatten)]
    #[schema(inline)]
    pub committee: Committee,
    /// Its decisions, latest first.
    pub decisions: Vec<Decision>,
}

/// The permission target of a committee: its incubator.
pub(crate) fn committee_target(incubator: &Slug) -> Target {
    Target {
        incubators: vec![incubator.clone()],
        ..Target::default()
    }
}

/// The committee of the address; 404 when unknown.
pub(crate) async fn committee_at(state: &AppState, raw: &str) -> Result<Committee, ApiError> {
    let id = crate::api::indicators::path_id(raw)?;
    Ok(state.store().committee(id).await?)
}

/// A decision as `principal` may see it: the evidence of non-public indicators only for
/// those who may manage the product's impact.
pub(crate) fn visible(
    mut decision: Decision,
    principal: Option<&Principal>,
    model: &ReadModel,
) -> Decision {
    let all = model
        .product(&decision.product)
        .is_some_and(|product| may_manage(principal, product));
    if !all {
        decision.evidence.retain(|evidence| evidence.public);
    }
    decision
}
