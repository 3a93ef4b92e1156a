//! The in-memory read model of the portfolio: what every read request is answered from.
//!
//! Built whole from the store at a revision; never modified, only replaced. Rendered
//! responses are cached inside it, so a new revision drops them with it.

use std::collections::HashMap;
use std::ops::Range;

use bytes::Bytes;
use pilote_domain::Slug;
use pilote_domain::delivery::Release;
use pilote_domain::delivery::{RecommendedComposition, TeamComposition, compose};
use pilote_domain::impact::{BudgetLine, Indicator, Measurement, Slice, slices};
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
    /// Indicators, measurements (by indicator then period end) and budget lines.
    impact: ImpactRecords,
    /// Indices of each product's indicators.
    indicators_by_product: HashMap<Slug, Vec<usize>>,
    /// Index of each indicator by number.
    indicators_by_id: HashMap<i64, usize>,
    /// Where each indicator's measurements lie in `impact.measurements`.
    measurements_by_indicator: HashMap<i64, Range<usize>>,
    /// Each indicator's measurements added up by years, in the order of `impact.indicators`.
    slices: Vec<Vec<Slice>>,
    /// Indices of each product's budget lines.
    budget_lines_by_product: HashMap<Slug, Vec<usize>>,
    /// Releases, by product then newest first.
    releases: Vec<Release>,
    /// Where each product's releases lie in `releases`.
    releases_by_product: HashMap<Slug, Range<usize>>,
    /// Indices of the members with a mission naming each product.
    members_by_product: HashMap<Slug, Vec<usize>>,
    /// The team composition administrators recommend per phase.
    recommended: RecommendedComposition,
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

fn index_by_key<T>(items: &[T], key: impl Fn(&T) -> i64) -> HashMap<i64, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (key(item), i))
        .collect()
}

/// The positions of the items sharing each key, in list order.
fn positions_by<T>(items: &[T], key: impl Fn(&T) -> Slug) -> HashMap<Slug, Vec<usize>> {
    let mut positions: HashMap<Slug, Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        positions.entry(key(item)).or_default().push(i);
    }
    positions
}

/// The range of each run of items sharing a key, in a list sorted by that key.
fn ranges_by<T, K: std::hash::Hash + Eq>(
    items: &[T],
    key: impl Fn(&T) -> K,
) -> HashMap<K, Range<usize>> {
    let mut ranges: HashMap<K, Range<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        ranges.entry(key(item)).or_insert(i..i).end = i + 1;
    }
    ranges
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
    pub fn new(revision: i64, mut portfolio: Portfolio, mut impact: ImpactRecords) -> Self {
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
        // Stable: measurements ending on the same day keep the store's order.
        impact
            .measurements
            .sort_by_key(|measurement| (measurement.indicator, measurement.period_end));
        let measurements_by_indicator = ranges_by(&impact.measurements, |m| m.indicator);
        let slices = impact
            .indicators
            .iter()
            .map(|indicator| {
                let range = measurements_by_indicator
                    .get(&indicator.id)
                    .cloned()
                    .unwrap_or_default();
                slices(indicator, &impact.measurements[range])
            })
            .collect();
        let mut members_by_product: HashMap<Slug, Vec<usize>> = HashMap::new();
        for (i, member) in portfolio.members.iter().enumerate() {
            let mut named: Vec<&Slug> = member
                .missions
                .iter()
                .flat_map(|mission| &mission.products)
                .collect();
            named.sort_unstable();
            named.dedup();
            for product in named {
                members_by_product
                    .entry(product.clone())
                    .or_default()
                    .push(i);
            }
        }
        Self {
            revision,
            members_by_product,
            recommended: RecommendedComposition::default(),
            indicators_by_product: positions_by(&impact.indicators, |i| i.product.clone()),
            indicators_by_id: index_by_key(&impact.indicators, |i| i.id),
            budget_lines_by_product: positions_by(&impact.budget_lines, |l| l.product.clone()),
            measurements_by_indicator,
            slices,
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
            releases: Vec::new(),
            releases_by_product: HashMap::new(),
            personal,
            responses: moka::sync::Cache::new(CACHED_RESPONSES),
        }
    }

    /// The model with `releases`.
    #[must_use]
    pub fn with_releases(mut self, mut releases: Vec<Release>) -> Self {
        // Stable: a product's releases stay newest first, as the store gives them.
        releases.sort_by(|a, b| a.product.cmp(&b.product));
        self.releases_by_product = ranges_by(&releases, |release| release.product.clone());
        self.releases = releases;
        self
    }

    /// A product's releases, newest first.
    pub fn releases_of(&self, product: &Slug) -> &[Release] {
        self.releases_by_product
            .get(product)
            .map_or(&[][..], |range| &self.releases[range.clone()])
    }

    /// The same model with the recommended team composition the store holds.
    #[must_use]
    pub fn with_recommended(mut self, recommended: RecommendedComposition) -> Self {
        self.recommended = recommended;
        self
    }

    /// The team composition recommended per phase.
    pub fn recommended_composition(&self) -> &RecommendedComposition {
        &self.recommended
    }

    /// Members with a mission naming a product, whether current or past.
    pub fn members_of(&self, product: &Slug) -> impl Iterator<Item = &Member> {
        self.members_by_product
            .get(product)
            .into_iter()
            .flatten()
            .map(|&i| &self.portfolio.members[i])
    }

    /// A product's team on `today` against the recommended composition.
    pub fn team_of(&self, product: &Product, today: chrono::NaiveDate) -> TeamComposition {
        compose(
            product,
            self.members_of(&product.slug),
            &self.recommended,
            today,
        )
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
    pub fn indicators_of(&self, product: &Slug) -> impl Iterator<Item = &Indicator> {
        self.indicators_by_product
            .get(product)
            .into_iter()
            .flatten()
            .map(|&i| &self.impact.indicators[i])
    }

    /// One indicator.
    pub fn indicator(&self, id: i64) -> Option<&Indicator> {
        self.indicators_by_id
            .get(&id)
            .map(|&i| &self.impact.indicators[i])
    }

    /// An indicator's measurements, by period end.
    pub fn measurements_of(&self, indicator: i64) -> std::slice::Iter<'_, Measurement> {
        self.measurements_by_indicator
            .get(&indicator)
            .map_or(&[][..], |range| &self.impact.measurements[range.clone()])
            .iter()
    }

    /// Each indicator with its measurements added up by years (see [`Slice`]).
    pub fn indicator_slices(&self) -> impl Iterator<Item = (&Indicator, &[Slice])> {
        self.impact
            .indicators
            .iter()
            .zip(self.slices.iter().map(Vec::as_slice))
    }

    /// A product's budget lines.
    pub fn budget_lines_of(&self, product: &Slug) -> impl Iterator<Item = &BudgetLine> {
        self.budget_lines_by_product
            .get(product)
            .into_iter()
            .flatten()
            .map(|&i| &self.impact.budget_lines[i])
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
