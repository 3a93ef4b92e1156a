//! Delivery's records through the [`Store`]: the recommended team composition.

use pilote_domain::audit::Actor;
use pilote_domain::delivery::RecommendedComposition;

use crate::{Result, Store};

impl Store {
    /// The team composition recommended for each phase.
    pub async fn recommended_composition(&self) -> Result<RecommendedComposition> {
        dispatch!(self, pool => backend::delivery::recommended_composition(pool).await)
    }

    /// Makes the recommended composition exactly `composition`; logged when it changes.
    /// Returns it as stored.
    pub async fn replace_recommended_composition(
        &self,
        composition: &RecommendedComposition,
        actor: &Actor,
    ) -> Result<RecommendedComposition> {
        dispatch!(self, pool => backend::delivery::replace_recommended_composition(pool, composition, actor).await)
    }
}
