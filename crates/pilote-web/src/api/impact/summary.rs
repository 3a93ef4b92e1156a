//! `GET /api/v1/impact/summary`: totals of the public indicators per group, how much of
//! each total is measured, and cost against benefit per product and per group.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::State;
use chrono::Datelike;
use pilote_domain::Slug;
use pilote_domain::impact::{
    BudgetLine, CostBenefit, Indicator, Slice, Total, Totals, add_money_by_year, budget_by_year,
};
use pilote_domain::portfolio::Product;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::Query;
use crate::error::ErrorBody;
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// How products are grouped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// By the product's incubator.
    #[default]
    Incubator,
    /// By each sponsor organisation (a product counts in each of its sponsors).
    Sponsor,
    /// By the sponsors' ministerial domain.
    Ministry,
    /// By the indicator's category.
    Category,
    /// By the year a measurement's period ends.
    Year,
}

impl GroupBy {
    /// Every grouping, in the page's order.
    pub const ALL: [Self; 5] = [
        Self::Incubator,
        Self::Sponsor,
        Self::Ministry,
        Self::Category,
        Self::Year,
    ];

    /// The parameter's value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Incubator => "incubator",
            Self::Sponsor => "sponsor",
            Self::Ministry => "ministry",
            Self::Category => "category",
            Self::Year => "year",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Incubator => "Incubateur",
            Self::Sponsor => "Sponsor",
            Self::Ministry => "Ministère",
            Self::Category => "Catégorie d'impact",
            Self::Year => "Année",
        }
    }
}

/// The summary's parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// `incubator` (default), `sponsor`, `ministry`, `category` or `year`.
    pub group_by: Option<GroupBy>,
    /// First year counted (default: the first year measured).
    pub from: Option<i32>,
    /// Last year counted (default: this year).
    pub to: Option<i32>,
}

/// One group's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct Group {
    /// The group's identifier (an incubator's slug, a year, ...).
    pub key: String,
    /// Its name.
    pub label: String,
    /// Products with at least one measurement counted.
    pub products: usize,
    /// Totals per category and unit; `measured_value` is the part measured rather than
    /// estimated or declared.
    pub totals: Vec<Total>,
    /// Money avoided against the group's budget over the years asked.
    pub cost_benefit: CostBenefit,
}

/// Cost against benefit of one product.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductCostBenefit {
    /// The product.
    pub product: String,
    /// Its figures.
    #[serde(flatten)]
    pub cost_benefit: CostBenefit,
}

/// The summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    /// How products were grouped.
    pub group_by: GroupBy,
    /// First year counted.
    pub from: i32,
    /// Last year counted.
    pub to: i32,
    /// Products with a public measurement in the period.
    pub products_measured: usize,
    /// Products with no public measurement in the period: listed, not hidden.
    pub products_without_measurement: Vec<String>,
    /// The groups, by key.
    pub groups: Vec<Group>,
    /// Cost against benefit of each product with a budget or money avoided, by product.
    pub cost_benefit_by_product: Vec<ProductCostBenefit>,
}

/// Rolls up the portfolio's public, additive indicators (levels such as percentages and
/// scores are not added up).
#[utoipa::path(
    get,
    path = "/api/v1/impact/summary",
    tag = "impact",
    params(SummaryQuery),
    responses(
        (status = 200, description = "Le bilan d'impact", body = Summary),
        (status = 422, description = "Paramètres invalides", body = ErrorBody),
    )
)]
pub async fn summary(
    State(state): State<AppState>,
    Query(query): Query<SummaryQuery>,
) -> Result<Json<Summary>, ApiError> {
    summarise(&state.model(), &query).map(Json)
}

/// The summary of the read model's impact records; the API and the impact page share it.
///
/// It reads the measurements added up per indicator and years (the read model's slices),
/// so that its cost follows the number of indicators, not of measurements.
pub(crate) fn summarise(model: &ReadModel, query: &SummaryQuery) -> Result<Summary, ApiError> {
    let this_year = chrono::Utc::now().year();
    let public: Vec<(&Indicator, &[Slice])> = model
        .indicator_slices()
        .filter(|(indicator, _)| indicator.public)
        .collect();
    let first_measured = public
        .iter()
        .flat_map(|(_, slices)| slices.iter().map(|slice| slice.start_year))
        .min()
        .unwrap_or(this_year);
    let from = query.from.unwrap_or(first_measured);
    let to = query.to.unwrap_or(this_year);
    if from > to {
        return Err(ApiError::field(
            "from",
            "l'année de début suit l'année de fin",
        ));
    }
    let group_by = query.group_by.unwrap_or_default();
    let mut measured: BTreeSet<&Slug> = BTreeSet::new();
    let mut money_by_product: BTreeMap<&Slug, BTreeMap<i32, f64>> = BTreeMap::new();
    let mut groups: BTreeMap<String, GroupSums<'_>> = BTreeMap::new();
    for &(indicator, slices) in &public {
        let mut counted = slices
            .iter()
            .filter(|slice| slice.overlaps(from, to))
            .peekable();
        if counted.peek().is_none() {
            continue;
        }
        measured.insert(&indicator.product);
        // Levels (percentages, scores) are not added up.
        if !indicator.unit.is_flow() {
            continue;
        }
        let product = model.product(&indicator.product);
        let keys = keys(model, product, indicator, group_by);
        let money = money_by_product.entry(&indicator.product).or_default();
        for slice in counted {
            add_money_by_year(money, &slice.money_avoided_by_year);
            let year = [(slice.end_year.to_string(), slice.end_year.to_string())];
            let keys = if group_by == GroupBy::Year {
                &year[..]
            } else {
                &keys[..]
            };
            for (key, label) in keys {
                let group = groups.entry(key.clone()).or_insert_with(|| GroupSums {
                    label: label.clone(),
                    ..GroupSums::default()
                });
                group
                    .totals
                    .add(indicator, &slice.tally)
                    .map_err(|e| ApiError::field("group_by", e.to_string()))?;
                group.products.insert(&indicator.product);
                add_money_by_year(
                    &mut group.money_avoided_by_year,
                    &slice.money_avoided_by_year,
                );
            }
        }
    }
    let budget_of = |products: &mut dyn Iterator<Item = &Slug>| {
        let lines: Vec<BudgetLine> = products
            .flat_map(|product| model.budget_lines_of(product).cloned())
            .collect();
        budget_by_year(&lines).map_err(|e| ApiError::Internal(e.to_string()))
    };
    let groups = groups
        .into_iter()
        .map(|(key, group)| {
            let budget = budget_of(&mut group.products.iter().copied())?;
            Ok(Group {
                key,
                label: group.label,
                products: group.products.len(),
                totals: group.totals.finish(),
                cost_benefit: CostBenefit::compute(&group.money_avoided_by_year, &budget, from, to),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let budgeted: BTreeSet<&Slug> = model
        .impact()
        .budget_lines
        .iter()
        .map(|line| &line.product)
        .collect();
    let no_money = BTreeMap::new();
    let mut cost_benefit_by_product = Vec::new();
    for product in measured.union(&budgeted) {
        let budget = budget_of(&mut std::iter::once(*product))?;
        let money = money_by_product.get(product).unwrap_or(&no_money);
        cost_benefit_by_product.push(ProductCostBenefit {
            product: product.to_string(),
            cost_benefit: CostBenefit::compute(money, &budget, from, to),
        });
    }
    Ok(Summary {
        group_by,
        from,
        to,
        products_measured: measured.len(),
        products_without_measurement: model
            .portfolio()
            .products
            .iter()
            .filter(|p| !measured.contains(&p.slug))
            .map(|p| p.slug.to_string())
            .collect(),
        groups,
        cost_benefit_by_product,
    })
}

/// A group's sums while they are added up.
#[derive(Default)]
struct GroupSums<'a> {
    label: String,
    totals: Totals<'a>,
    products: BTreeSet<&'a Slug>,
    money_avoided_by_year: BTreeMap<i32, f64>,
}

/// The groups an indicator belongs to, except by year: several for a product with
/// several sponsors.
fn keys(
    model: &ReadModel,
    product: Option<&Product>,
    indicator: &Indicator,
    group_by: GroupBy,
) -> Vec<(String, String)> {
    let unknown = || vec![("inconnu".to_owned(), "Inconnu".to_owned())];
    match group_by {
        GroupBy::Incubator => product.map_or_else(unknown, |p| {
            let label = model
                .incubator(&p.incubator)
                .map_or_else(|| p.incubator.to_string(), |i| i.title.clone());
            vec![(p.incubator.to_string(), label)]
        }),
        GroupBy::Sponsor => product.map_or_else(unknown, |p| {
            p.sponsors
                .iter()
                .map(|s| {
                    let label = model
                        .organisation(s)
                        .map_or_else(|| s.to_string(), |o| o.name.clone());
                    (s.to_string(), label)
                })
                .collect()
        }),
        GroupBy::Ministry => product.map_or_else(unknown, |p| {
            let ministries: BTreeSet<String> = p
                .sponsors
                .iter()
                .filter_map(|s| model.organisation(s))
                .map(|o| o.ministerial_domain.clone())
                .filter(|domain| !domain.is_empty())
                .collect();
            ministries.into_iter().map(|m| (m.clone(), m)).collect()
        }),
        GroupBy::Category => vec![(
            indicator.category.as_str().to_owned(),
            indicator.category.label().to_owned(),
        )],
        // Each slice's own year.
        GroupBy::Year => Vec::new(),
    }
}
