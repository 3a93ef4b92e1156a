//! `/api/v1/eig`: the programme of entrepreneurs of general interest — its promotions, its
//! challenges with their key figures, and the people who took them on (public fields only).
//! Everyone reads it; `pilote import eig` writes it.

pub mod challenge;
pub mod challenges;
pub mod people;
pub mod promotions;

use pilote_domain::Slug;
use pilote_domain::talent::eig::{Challenge, Person, Programme};
use serde::Serialize;
use utoipa::ToSchema;

/// A challenge with the product that carries its results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeJson {
    /// The challenge.
    #[serde(flatten)]
    #[schema(inline)]
    pub challenge: Challenge,
    /// The slug of its product in the portfolio (`eig-<slug>`).
    pub product: String,
}

impl ChallengeJson {
    /// The challenge with its product's slug.
    pub fn new(challenge: Challenge) -> Self {
        let product = challenge
            .product_slug()
            .map_or_else(|_| String::new(), |s| s.to_string());
        Self { challenge, product }
    }
}

/// A person named by a challenge.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRef {
    /// The person's slug.
    pub slug: String,
    /// Their name.
    pub name: String,
    /// Their profile.
    pub profile: String,
}

/// The people of `slugs`, named from the programme (by slug when it holds no record).
pub(crate) fn people_named(programme: &Programme, slugs: &[Slug]) -> Vec<PersonRef> {
    slugs
        .iter()
        .map(|slug| {
            programme.person(slug).map_or_else(
                || PersonRef {
                    slug: slug.to_string(),
                    name: slug.to_string(),
                    profile: String::new(),
                },
                |p: &Person| PersonRef {
                    slug: p.slug.to_string(),
                    name: p.name.clone(),
                    profile: p.profile.clone(),
                },
            )
        })
        .collect()
}
