//! The talent programmes' public records as documents: the EIG challenges and the
//! published job offers. Of the people who took a challenge on, only their public names
//! are given, as for the network's members: never their profile or links. Candidates are
//! never indexed.

use std::collections::HashMap;

use pilote_domain::Slug;
use pilote_domain::talent::eig::{Challenge, Programme, Promotion};
use pilote_domain::talent::recruitment::JobOffer;

use crate::document::{Document, Facet, Kind};

/// One document per challenge of the EIG programme.
pub fn challenge_documents(programme: &Programme) -> Vec<Document> {
    let promotions: HashMap<&Slug, &Promotion> = programme
        .promotions
        .iter()
        .map(|promotion| (&promotion.slug, promotion))
        .collect();
    let skills: HashMap<&Slug, &str> = programme
        .skills
        .iter()
        .map(|skill| (&skill.slug, skill.label.as_str()))
        .collect();
    let names: HashMap<&Slug, &str> = programme
        .people
        .iter()
        .map(|person| (&person.slug, person.name.as_str()))
        .collect();
    programme
        .challenges
        .iter()
        .map(|challenge| {
            challenge_document(
                challenge,
                promotions.get(&challenge.promotion).copied(),
                &skills,
                &names,
            )
        })
        .collect()
}

fn challenge_document(
    challenge: &Challenge,
    promotion: Option<&Promotion>,
    skills: &HashMap<&Slug, &str>,
    names: &HashMap<&Slug, &str>,
) -> Document {
    let labels = |slugs: &[Slug], of: &HashMap<&Slug, &str>| -> String {
        slugs
            .iter()
            .filter_map(|slug| of.get(slug).copied())
            .collect::<Vec<_>>()
            .join(" ")
    };
    Document::new(Kind::Challenge, challenge.slug.as_str(), &challenge.title)
        .summary(&challenge.description)
        .body(&challenge.administration)
        .body(challenge.city.clone().unwrap_or_default())
        .body(promotion.map_or(challenge.promotion.as_str(), |p| p.title.as_str()))
        .body(labels(&challenge.skills, skills))
        .body(labels(&challenge.eigs, names))
        .body(labels(&challenge.mentors, names))
        .facet(Facet::Incubator, pilote_domain::talent::eig::INCUBATOR)
        .facet(Facet::Year, challenge.year.to_string())
}

/// One document per published job offer; drafts stay their recruiters'.
pub fn job_offer_documents(offers: &[JobOffer]) -> Vec<Document> {
    offers
        .iter()
        .filter(|offer| offer.published)
        .map(|offer| {
            Document::new(Kind::JobOffer, offer.slug.as_str(), &offer.title)
                .summary(&offer.description)
                .body(&offer.location)
                .body(offer.domaine.label())
                .body(offer.contract.label())
                .body(offer.remote.label())
                .body(offer.organisation.as_str())
                .date(Some(offer.closes_on))
        })
        .collect()
}
