//! Delivery's records through the [`Store`]: investment committees and their decisions.

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::delivery::{Committee, Decision};

use crate::{Result, Store};

impl Store {
    /// Creates a committee; returns it with its number.
    pub async fn create_committee(
        &self,
        committee: &Committee,
        actor: &Actor,
        at: &str,
    ) -> Result<Committee> {
        dispatch!(self, pool => backend::committee::create_committee(pool, committee, actor, at).await)
    }

    /// One committee; [`crate::StoreError::NotFound`] when none has this number.
    pub async fn committee(&self, id: i64) -> Result<Committee> {
        dispatch!(self, pool => backend::committee::committee(pool, id).await)
    }

    /// Committees, latest first, of one incubator or of all.
    pub async fn committees(&self, incubator: Option<&Slug>) -> Result<Vec<Committee>> {
        dispatch!(self, pool => backend::committee::committees(pool, incubator).await)
    }

    /// Records a decision of its committee (dated by it); when the decision sets
    /// `phase_after`, the product moves to that phase in the same transaction. Returns the
    /// decision as stored, with the product's phase before.
    pub async fn record_decision(&self, decision: &Decision, actor: &Actor) -> Result<Decision> {
        dispatch!(self, pool => backend::committee::record_decision(pool, decision, actor).await)
    }

    /// Every decision, latest first.
    pub async fn decisions(&self) -> Result<Vec<Decision>> {
        dispatch!(self, pool => backend::committee::decisions(pool, backend::committee::DecisionFilter::All).await)
    }

    /// A product's decisions, latest first.
    pub async fn product_decisions(&self, product: &Slug) -> Result<Vec<Decision>> {
        dispatch!(self, pool => backend::committee::decisions(pool, backend::committee::DecisionFilter::Product(product)).await)
    }

    /// A committee's decisions, latest first.
    pub async fn committee_decisions(&self, committee: i64) -> Result<Vec<Decision>> {
        dispatch!(self, pool => backend::committee::decisions(pool, backend::committee::DecisionFilter::Committee(committee)).await)
    }

    /// Each product's latest committee day (by product slug), imported decisions included.
    pub async fn last_committees(&self) -> Result<Vec<(String, NaiveDate)>> {
        dispatch!(self, pool => backend::committee::last_committees(pool).await)
    }
}
