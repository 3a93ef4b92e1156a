//! The commons' records through the [`Store`]: the software catalogue, agents'
//! declarations, instances, contributors and the products' links to software.

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::commons::{
    Contributor, CriticalMass, Declaration, Instance, ProductSoftware, Software,
};

use crate::{Result, Store};

/// A declaration with the agent who made it, as read from their account. The name and the
/// e-mail are personal: the web layer shows them to signed-in agents only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredBy {
    /// The declaration.
    pub declaration: Declaration,
    /// The agent's name.
    pub name: String,
    /// The agent's e-mail address.
    pub email: String,
}

/// Everything stored about the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    /// The software, by slug.
    pub software: Vec<Software>,
    /// Agents' declarations, by software then number.
    pub declarations: Vec<DeclaredBy>,
    /// Instances, by software then number.
    pub instances: Vec<Instance>,
    /// Contributors, of software and of the catalogue itself, by number.
    pub contributors: Vec<Contributor>,
    /// Products' links to software, by product then software.
    pub links: Vec<ProductSoftware>,
}

impl Catalogue {
    /// The critical mass of `software` from the records held.
    pub fn mass_of(&self, software: &Software) -> CriticalMass {
        let declarations: Vec<Declaration> = self
            .declarations
            .iter()
            .filter(|d| d.declaration.software == software.slug)
            .map(|d| d.declaration.clone())
            .collect();
        CriticalMass::of(
            software,
            &declarations,
            &self.instances,
            &self.contributors,
            &self.links,
        )
    }

    /// The software of `slug`.
    pub fn software(&self, slug: &Slug) -> Option<&Software> {
        self.software.iter().find(|s| &s.slug == slug)
    }
}

/// What replacing a list of records changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Replaced {
    /// Records added.
    pub created: usize,
    /// Records changed.
    pub updated: usize,
    /// Records removed.
    pub deleted: usize,
    /// Records already as given.
    pub unchanged: usize,
}

/// One record's change when a list is replaced: what it was, what it becomes.
pub type Step<'a, T> = (Option<&'a T>, Option<&'a T>);

impl Replaced {
    /// How replacing `stored` by `new` goes, records matched by `key` and compared by
    /// `same`: the changes (removals first, then additions and updates in `new`'s order),
    /// and their counts. Imports count with it before writing; the store writes by it.
    pub fn plan<'a, T, K: PartialEq>(
        stored: &'a [T],
        new: &'a [T],
        key: impl Fn(&T) -> K,
        same: impl Fn(&T, &T) -> bool,
    ) -> (Vec<Step<'a, T>>, Self) {
        let mut counts = Self::default();
        let mut steps = Vec::new();
        for old in stored {
            if !new.iter().any(|record| key(record) == key(old)) {
                counts.deleted += 1;
                steps.push((Some(old), None));
            }
        }
        for record in new {
            match stored.iter().find(|old| key(old) == key(record)) {
                Some(old) if same(old, record) => counts.unchanged += 1,
                Some(old) => {
                    counts.updated += 1;
                    steps.push((Some(old), Some(record)));
                }
                None => {
                    counts.created += 1;
                    steps.push((None, Some(record)));
                }
            }
        }
        (steps, counts)
    }
}

impl Store {
    /// The whole catalogue with everything that hangs on it.
    pub async fn load_catalogue(&self) -> Result<Catalogue> {
        dispatch!(self, pool => backend::commons::load(pool).await)
    }

    /// Makes the software catalogue exactly `software` (by slug) in one transaction,
    /// writing and logging only what differs; a software removed takes its declarations,
    /// instances, contributors and links with it.
    pub async fn replace_software(&self, software: &[Software], actor: &Actor) -> Result<Replaced> {
        dispatch!(self, pool => backend::commons::replace_software(pool, software, actor).await)
    }

    /// Makes the catalogue's own contributors (those of no software) exactly `contributors`
    /// (by name) in one transaction, writing and logging only what differs.
    pub async fn replace_catalogue_contributors(
        &self,
        contributors: &[Contributor],
        actor: &Actor,
    ) -> Result<Replaced> {
        dispatch!(self, pool => backend::commons::replace_catalogue_contributors(pool, contributors, actor).await)
    }

    /// Adds the links of `links` not stored yet (a stored link keeps its role), in one
    /// transaction; returns how many were added.
    pub async fn add_product_links(
        &self,
        links: &[ProductSoftware],
        actor: &Actor,
    ) -> Result<usize> {
        dispatch!(self, pool => backend::commons::add_links(pool, links, actor).await)
    }

    /// Links a product to a software, or changes the link's role; returns whether the link
    /// is new. [`crate::StoreError::NotFound`] for an unknown software.
    pub async fn link_product_software(
        &self,
        link: &ProductSoftware,
        actor: &Actor,
    ) -> Result<bool> {
        dispatch!(self, pool => backend::commons::link(pool, link, actor).await)
    }

    /// Removes a product's link to a software; [`crate::StoreError::NotFound`] when none.
    pub async fn unlink_product_software(
        &self,
        product: &Slug,
        software: &Slug,
        actor: &Actor,
    ) -> Result<()> {
        dispatch!(self, pool => backend::commons::unlink(pool, product, software, actor).await)
    }

    /// Records an agent's declaration; [`crate::StoreError::Conflict`] when they already
    /// made one of that kind on that software.
    pub async fn declare_software(
        &self,
        declaration: &Declaration,
        actor: &Actor,
    ) -> Result<Declaration> {
        dispatch!(self, pool => backend::commons::declare(pool, declaration, actor).await)
    }

    /// One declaration.
    pub async fn software_declaration(&self, id: i64) -> Result<Declaration> {
        dispatch!(self, pool => backend::commons::declaration(pool, id).await)
    }

    /// Withdraws a declaration.
    pub async fn withdraw_declaration(&self, id: i64, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::commons::withdraw(pool, id, actor).await)
    }

    /// Records an instance of a software; returns it with its number.
    pub async fn create_instance(&self, instance: &Instance, actor: &Actor) -> Result<Instance> {
        dispatch!(self, pool => backend::commons::create_instance(pool, instance, actor).await)
    }

    /// Records a contributor; returns it with its number.
    pub async fn create_contributor(
        &self,
        contributor: &Contributor,
        actor: &Actor,
    ) -> Result<Contributor> {
        dispatch!(self, pool => backend::commons::create_contributor(pool, contributor, actor).await)
    }
}
