//! Delivery's releases through the [`Store`].

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::delivery::Release;

use crate::{Result, Store};

impl Store {
    /// Every release, by product then newest first.
    pub async fn load_releases(&self) -> Result<Vec<Release>> {
        dispatch!(self, pool => backend::release::load(pool).await)
    }

    /// Records a release; [`crate::StoreError::Conflict`] when the product already has one
    /// of that name from the same source.
    pub async fn create_release(&self, release: &Release, actor: &Actor) -> Result<Release> {
        dispatch!(self, pool => backend::release::create(pool, release, actor).await)
    }

    /// Deletes a release.
    pub async fn delete_release(&self, id: i64, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::release::delete(pool, id, actor).await)
    }

    /// Makes `product`'s releases read from its forge exactly `releases`, writing and
    /// logging only what changes; returns how many changed. Declared releases stay.
    pub async fn replace_forge_releases(
        &self,
        product: &Slug,
        releases: &[Release],
        actor: &Actor,
    ) -> Result<usize> {
        dispatch!(self, pool => backend::release::replace_forge(pool, product, releases, actor).await)
    }
}
