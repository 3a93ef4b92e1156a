//! The in-memory read model of the portfolio: what every read request is answered from.
//!
//! Built whole from the store at a revision; never modified, only replaced. Rendered
//! responses are cached inside it, so a new revision drops them with it.

use std::collections::HashMap;

use bytes::Bytes;
use pilote_domain::Slug;
use pilote_domain::impact::{Indicator, Measurement};
use pilote_domain::portfolio::{Incubator, Member, Organisation, Portfolio, Product, Team};
use pilote_store::ImpactRecords;

/// Most rendered responses kept per revision.
const CACHED_RESPONSES: u64 = 2_000;

/// The portfolio at one store revision, indexed for reading.
pub struct ReadModel {
    /// The store revision it was built from.
    pub revision: i64,
    portfolio: Portfolio,
    products_by_slug: HashMap<Slug, usize>,
    members_by_slug: HashMap<Slug, usize>,
    incubators_by_slug: HashMap<Slug, usize>,
    organisations_by_slug: HashMap<Slug, usize>,
    teams_by_slug: HashMap<Slug, usize>,
    /// Folded title and mission of each product, for `q`.
    product_text: Vec<String>,
    /// Product indices in title order.
    products_by_title: Vec<usize>,
    /// Folded full name of each member, for `q`.
    member_text: Vec<String>,
    /// Member indices in name order.
    members_by_name: Vec<usize>,
    /// Indicators, measurements and budget lines.
    impact: ImpactRecords,
    /// Members' personal fields, by slug, kept apart from the public records.
    personal: HashMap<Slug, PersonalFields>,
    responses: moka::sync::Cache<String, Bytes>,
}

/// A member's personal fields (not published by beta.gouv.fr).
#[derive(Debug, Clone, Default)]
pub struct PersonalFields {
    /// E-mail address.
    pub email: Option<String>,
    /// Telephone number.
    pub phone: Option<String>,
}

fn index_by<T>(items: &[T], slug: impl Fn(&T) -> &Slug) -> HashMap<Slug, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (slug(item).clone(), i))
        .collect()
}

/// Indices of `keys` in the order of their key, ties kept in slug order.
fn order_by(keys: &[String]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    order
}

impl ReadModel {
    /// Indexes a portfolio loaded at `revision`. Members' personal fields are set aside, so
    /// that no public view can show them by mistake.
    pub fn new(revision: i64, mut portfolio: Portfolio, impact: ImpactRecords) -> Self {
        let personal = portfolio
            .members
            .iter_mut()
            .filter_map(|member| {
                let fields = PersonalFields {
                    email: member.email.take(),
                    phone: member.phone.take(),
                };
                (fields.email.is_some() || fields.phone.is_some())
                    .then(|| (member.slug.clone(), fields))
            })
            .collect();
        let product_titles: Vec<String> = portfolio
            .products
            .iter()
            .map(|p| pilote_search::fold(&p.title))
            .collect();
        let product_text = portfolio
            .products
            .iter()
            .map(|p| pilote_search::fold(&format!("{} {} {}", p.title, p.mission, p.slug)))
            .collect();
        let member_text: Vec<String> = portfolio
            .members
            .iter()
            .map(|m| pilote_search::fold(&m.fullname))
            .collect();
        Self {
            revision,
            products_by_slug: index_by(&portfolio.products, |p| &p.slug),
            members_by_slug: index_by(&portfolio.members, |m| &m.slug),
            incubators_by_slug: index_by(&portfolio.incubators, |i| &i.slug),
            organisations_by_slug: index_by(&portfolio.organisations, |o| &o.slug),
            teams_by_slug: index_by(&portfolio.teams, |t| &t.slug),
            products_by_title: order_by(&product_titles),
            product_text,
            members_by_name: order_by(&member_text),
            member_text,
            portfolio,
            impact,
            personal,
            responses: moka::sync::Cache::new(CACHED_RESPONSES),
        }
    }

    /// Products in title order.
    pub fn products_by_title(&self) -> impl Iterator<Item = (&Product, &str)> {
        self.products_by_title
            .iter()
            .map(|&i| (&self.portfolio.products[i], self.product_text[i].as_str()))
    }

    /// Members in name order, with their folded name.
    pub fn members_by_name(&self) -> impl Iterator<Item = (&Member, &str)> {
        self.members_by_name
            .iter()
            .map(|&i| (&self.portfolio.members[i], self.member_text[i].as_str()))
    }

    /// Every impact record.
    pub fn impact(&self) -> &ImpactRecords {
        &self.impact
    }

    /// A product's indicators, by number.
    pub fn indicators_of<'m>(&'m self, product: &'m Slug) -> impl Iterator<Item = &'m Indicator> {
        self.impact
            .indicators
            .iter()
            .filter(move |indicator| &indicator.product == product)
    }

    /// One indicator.
    pub fn indicator(&self, id: i64) -> Option<&Indicator> {
        self.impact
            .indicators
            .iter()
            .find(|indicator| indicator.id == id)
    }

    /// An indicator's measurements, by period end.
    pub fn measurements_of(&self, indicator: i64) -> impl Iterator<Item = &Measurement> {
        self.impact
            .measurements
            .iter()
            .filter(move |measurement| measurement.indicator == indicator)
    }

    /// A member's personal fields, when any are known.
    pub fn personal(&self, slug: &Slug) -> Option<&PersonalFields> {
        self.personal.get(slug)
    }

    /// One product.
    pub fn product(&self, slug: &Slug) -> Option<&Product> {
        self.products_by_slug
            .get(slug)
            .map(|&i| &self.portfolio.products[i])
    }

    /// One member.
    pub fn member(&self, slug: &Slug) -> Option<&Member> {
        self.members_by_slug
            .get(slug)
            .map(|&i| &self.portfolio.members[i])
    }

    /// One incubator.
    pub fn incubator(&self, slug: &Slug) -> Option<&Incubator> {
        self.incubators_by_slug
            .get(slug)
            .map(|&i| &self.portfolio.incubators[i])
    }

    /// One organisation.
    pub fn organisation(&self, slug: &Slug) -> Option<&Organisation> {
        self.organisations_by_slug
            .get(slug)
            .map(|&i| &self.portfolio.organisations[i])
    }

    /// One team.
    pub fn team(&self, slug: &Slug) -> Option<&Team> {
        self.teams_by_slug
            .get(slug)
            .map(|&i| &self.portfolio.teams[i])
    }

    /// The whole portfolio, each list in slug order.
    pub fn portfolio(&self) -> &Portfolio {
        &self.portfolio
    }

    /// A rendered response for `key`, rendering it on first use.
    pub fn cached<E>(
        &self,
        key: &str,
        render: impl FnOnce() -> Result<Bytes, E>,
    ) -> Result<Bytes, E> {
        if let Some(bytes) = self.responses.get(key) {
            return Ok(bytes);
        }
        let bytes = render()?;
        self.responses.insert(key.to_owned(), bytes.clone());
        Ok(bytes)
    }
}
