//! The portfolio's public records as documents: products, incubators, organisations and
//! members (public fields only: never e-mail or telephone).

use std::collections::HashMap;

use pilote_domain::Slug;
use pilote_domain::portfolio::{Incubator, Member, Organisation, Portfolio, Product};

use crate::document::{Document, Facet, Kind};

/// Every public document of the portfolio.
pub fn documents(portfolio: &Portfolio) -> Vec<Document> {
    let ministries: HashMap<&Slug, &str> = portfolio
        .organisations
        .iter()
        .map(|o| (&o.slug, o.ministerial_domain.as_str()))
        .collect();
    let incubators_of: HashMap<&Slug, Vec<&Slug>> = portfolio
        .products
        .iter()
        .map(|p| (&p.slug, product_incubators(p)))
        .collect();
    let products = portfolio.products.iter().map(|p| product(p, &ministries));
    let incubators = portfolio
        .incubators
        .iter()
        .map(|i| incubator(i, &ministries));
    let organisations = portfolio.organisations.iter().map(organisation);
    let members = portfolio.members.iter().map(|m| member(m, &incubators_of));
    products
        .chain(incubators)
        .chain(organisations)
        .chain(members)
        .collect()
}

fn product_incubators(product: &Product) -> Vec<&Slug> {
    std::iter::once(&product.incubator)
        .chain(&product.incubators)
        .collect()
}

fn product(product: &Product, ministries: &HashMap<&Slug, &str>) -> Document {
    let mut document = Document::new(Kind::Product, product.slug.as_str(), &product.title)
        .summary(&product.mission)
        .body(&product.description)
        .body(product.thematiques.join(" "))
        .body(product.usertypes.join(" "))
        .body(product.techno.join(" "))
        .date(product.current_phase().map(|phase| phase.start));
    if let Some(phase) = product.current_phase() {
        document = document.facet(Facet::Phase, phase.name.as_str());
    }
    for incubator in product_incubators(product) {
        document = document.facet(Facet::Incubator, incubator.as_str());
    }
    for sponsor in &product.sponsors {
        if let Some(ministry) = ministries.get(sponsor) {
            document = document.facet(Facet::Ministry, *ministry);
        }
    }
    document
}

fn incubator(incubator: &Incubator, ministries: &HashMap<&Slug, &str>) -> Document {
    let ministry = incubator
        .owner
        .as_ref()
        .and_then(|owner| ministries.get(owner).copied())
        .unwrap_or_default();
    Document::new(Kind::Incubator, incubator.slug.as_str(), &incubator.title)
        .summary(incubator.short_description.clone().unwrap_or_default())
        .body(&incubator.description)
        .facet(Facet::Incubator, incubator.slug.as_str())
        .facet(Facet::Ministry, ministry)
}

fn organisation(organisation: &Organisation) -> Document {
    Document::new(
        Kind::Organisation,
        organisation.slug.as_str(),
        &organisation.name,
    )
    .summary(organisation.acronym.clone().unwrap_or_default())
    .facet(Facet::Ministry, &organisation.ministerial_domain)
}

fn member(member: &Member, incubators_of: &HashMap<&Slug, Vec<&Slug>>) -> Document {
    let mut document = Document::new(Kind::Member, member.slug.as_str(), &member.fullname)
        .summary(&member.role)
        .body(member.domaine.label())
        .body(member.competences.join(" "))
        .body(&member.bio)
        .date(member.missions.iter().map(|mission| mission.start).max());
    let mut incubators: Vec<&Slug> = member
        .missions
        .iter()
        .flat_map(|mission| &mission.products)
        .filter_map(|product| incubators_of.get(product))
        .flatten()
        .copied()
        .collect();
    incubators.sort();
    incubators.dedup();
    for incubator in incubators {
        document = document.facet(Facet::Incubator, incubator.as_str());
    }
    document
}
