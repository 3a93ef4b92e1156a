//! The filters shared by the API and the pages: the same query string selects the same
//! records in JSON, in a page and in a download.

use std::collections::HashSet;

use pilote_domain::portfolio::{PhaseName, Product};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::ApiError;
use crate::read_model::ReadModel;

/// Filters and order of the products list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductFilters {
    /// Current phase (`construction`, `acceleration`, ...).
    pub phase: Option<String>,
    /// Incubator slug (main or co-incubating).
    pub incubator: Option<String>,
    /// Sponsor organisation: its slug or acronym, or words of its name.
    pub sponsor: Option<String>,
    /// Words of a theme, ignoring case and accents.
    pub thematique: Option<String>,
    /// Words of a kind of users, ignoring case and accents.
    pub usertype: Option<String>,
    /// Words to find in the title, mission or slug, ignoring case and accents.
    pub q: Option<String>,
    /// `title` (default), `-title`, `phase_start` or `-phase_start` (start of the current phase).
    pub sort: Option<ProductSort>,
}

/// Orders of the products list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub enum ProductSort {
    /// By title.
    #[default]
    #[serde(rename = "title")]
    Title,
    /// By title, descending.
    #[serde(rename = "-title")]
    TitleDesc,
    /// By start of the current phase, oldest first.
    #[serde(rename = "phase_start")]
    PhaseStart,
    /// By start of the current phase, newest first.
    #[serde(rename = "-phase_start")]
    PhaseStartDesc,
}

impl ProductSort {
    /// Every order, as offered to users.
    pub const ALL: [Self; 4] = [
        Self::Title,
        Self::TitleDesc,
        Self::PhaseStart,
        Self::PhaseStartDesc,
    ];

    /// The value in a query string.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::TitleDesc => "-title",
            Self::PhaseStart => "phase_start",
            Self::PhaseStartDesc => "-phase_start",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Title => "Titre (A à Z)",
            Self::TitleDesc => "Titre (Z à A)",
            Self::PhaseStart => "Début de la phase (plus ancien d’abord)",
            Self::PhaseStartDesc => "Début de la phase (plus récent d’abord)",
        }
    }
}

/// The products matching filters, in the asked order.
pub fn matching_products<'m>(
    model: &'m ReadModel,
    filters: &ProductFilters,
) -> Result<Vec<&'m Product>, ApiError> {
    let matcher = Matcher::new(filters, model)?;
    let mut products: Vec<&Product> = model
        .products_by_title()
        .filter(|(product, text)| matcher.matches(product, text))
        .map(|(product, _)| product)
        .collect();
    sort(&mut products, filters.sort.unwrap_or_default());
    Ok(products)
}

/// The checked filters.
struct Matcher {
    phase: Option<PhaseName>,
    incubator: Option<String>,
    /// Slugs of the organisations the sponsor filter names.
    sponsors: Option<HashSet<String>>,
    thematique: Option<String>,
    usertype: Option<String>,
    q: Option<String>,
}

/// The organisations a sponsor filter names: by slug or acronym, or by words of the name.
fn sponsors_named(model: &ReadModel, wanted: &str) -> HashSet<String> {
    model
        .portfolio()
        .organisations
        .iter()
        .filter(|o| {
            pilote_search::fold(o.slug.as_str()) == wanted
                || o.acronym
                    .as_deref()
                    .is_some_and(|a| pilote_search::fold(a) == wanted)
                || pilote_search::matches(&pilote_search::fold(&o.name), wanted)
        })
        .map(|o| o.slug.to_string())
        .collect()
}

fn folded(value: Option<&String>) -> Option<String> {
    value
        .map(|v| pilote_search::fold(v))
        .filter(|v| !v.is_empty())
}

impl Matcher {
    fn new(filters: &ProductFilters, model: &ReadModel) -> Result<Self, ApiError> {
        let phase = filters
            .phase
            .as_deref()
            .filter(|phase| !phase.is_empty())
            .map(|phase| {
                PhaseName::parse(phase).map_err(|error| ApiError::field("phase", error.to_string()))
            })
            .transpose()?;
        Ok(Self {
            phase,
            incubator: filters.incubator.clone().filter(|s| !s.is_empty()),
            sponsors: folded(filters.sponsor.as_ref()).map(|wanted| sponsors_named(model, &wanted)),
            thematique: folded(filters.thematique.as_ref()),
            usertype: folded(filters.usertype.as_ref()),
            q: folded(filters.q.as_ref()),
        })
    }

    fn matches(&self, product: &Product, text: &str) -> bool {
        let any_folded = |words: &[String], wanted: &str| {
            words
                .iter()
                .any(|w| pilote_search::fold(w).contains(wanted))
        };
        self.phase
            .is_none_or(|phase| product.current_phase().is_some_and(|p| p.name == phase))
            && self.incubator.as_deref().is_none_or(|incubator| {
                product.incubator.as_str() == incubator
                    || product.incubators.iter().any(|i| i.as_str() == incubator)
            })
            && self
                .sponsors
                .as_ref()
                .is_none_or(|wanted| product.sponsors.iter().any(|s| wanted.contains(s.as_str())))
            && self
                .thematique
                .as_deref()
                .is_none_or(|t| any_folded(&product.thematiques, t))
            && self
                .usertype
                .as_deref()
                .is_none_or(|u| any_folded(&product.usertypes, u))
            && self
                .q
                .as_deref()
                .is_none_or(|q| pilote_search::matches(text, q))
    }
}

/// Orders products already in title order; sorts are stable, so ties keep title order.
fn sort(products: &mut [&Product], order: ProductSort) {
    let phase_start = |product: &Product| product.current_phase().map(|phase| phase.start);
    match order {
        ProductSort::Title => {}
        ProductSort::TitleDesc => products.reverse(),
        // Products without a phase come last in both directions.
        ProductSort::PhaseStart => {
            products.sort_by_key(|p| (phase_start(p).is_none(), phase_start(p)));
        }
        ProductSort::PhaseStartDesc => {
            products.sort_by_key(|p| (phase_start(p).is_none(), std::cmp::Reverse(phase_start(p))));
        }
    }
}
