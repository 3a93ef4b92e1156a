//! The EIG programme through the [`Store`]: promotions, skills, challenges and people, and
//! their import with the products and declared indicators of the challenges' key figures.

use pilote_domain::audit::Actor;
use pilote_domain::talent::eig::Programme;

use crate::{Replaced, Result, Store};

/// What an import of the programme changed, or would change in a dry run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EigImported {
    /// Promotions.
    pub promotions: Replaced,
    /// Skills.
    pub skills: Replaced,
    /// Challenges.
    pub challenges: Replaced,
    /// People.
    pub people: Replaced,
    /// The challenges' products, in the `eig` incubator.
    pub products: Replaced,
    /// Indicators made from key figures.
    pub indicators: Replaced,
    /// Their declared measurements.
    pub measurements: Replaced,
}

impl Store {
    /// The whole programme, each list by slug.
    pub async fn eig_programme(&self) -> Result<Programme> {
        dispatch!(self, pool => backend::eig::load(pool).await)
    }

    /// Makes the stored programme exactly `programme`, with the `eig` incubator, one product
    /// per challenge (`eig-<slug>`) and a public indicator with one declared measurement per
    /// key figure that is a number, in one transaction that writes and logs only what
    /// changes; in a dry run, counts and writes nothing.
    pub async fn apply_eig_import(
        &self,
        programme: &Programme,
        dry_run: bool,
        actor: &Actor,
    ) -> Result<EigImported> {
        let at = crate::timestamp(chrono::Utc::now());
        dispatch!(self, pool => backend::eig::apply_import(pool, programme, dry_run, actor, &at).await)
    }
}
