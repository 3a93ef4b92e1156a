//! `GET /api/v1/impact/summary`: totals of the public indicators per group, how much of
//! each total is measured, and cost against benefit per product and per group.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::State;
use chrono::Datelike;
use pilote_domain::Slug;
use pilote_domain::impact::{CostBenefit, Indicator, Measurement, Total, sum};
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
pub(crate) fn summarise(model: &ReadModel, query: &SummaryQuery) -> Result<Summary, ApiError> {
    let this_year = chrono::Utc::now().year();
    let items = public_items(model);
    let first_measured = items
        .iter()
        .map(|(_, m)| m.period_start.year())
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
    let items: Vec<(&Indicator, &Measurement)> = items
        .into_iter()
        .filter(|(_, m)| m.period_end.year() >= from && m.period_start.year() <= to)
        .collect();
    let additive: Vec<(&Indicator, &Measurement)> = items
        .iter()
        .copied()
        .filter(|(i, _)| i.unit.is_flow())
        .collect();
    let group_by = query.group_by.unwrap_or_default();
    let lines = &model.impact().budget_lines;
    let mut groups = Vec::new();
    for (key, (label, members)) in grouped(model, &additive, group_by) {
        let totals = sum(&members).map_err(|e| ApiError::field("group_by", e.to_string()))?;
        let products: BTreeSet<&Slug> = members.iter().map(|(i, _)| &i.product).collect();
        let cost_benefit =
            CostBenefit::for_products(&members, lines, |slug| products.contains(slug), from, to)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
        groups.push(Group {
            key,
            label,
            products: products.len(),
            totals,
            cost_benefit,
        });
    }
    let measured: BTreeSet<&Slug> = items.iter().map(|(i, _)| &i.product).collect();
    let mut cost_benefit_by_product = Vec::new();
    let budgeted: BTreeSet<&Slug> = lines.iter().map(|line| &line.product).collect();
    for product in measured.union(&budgeted) {
        let figures = CostBenefit::for_products(&additive, lines, |s| s == *product, from, to)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        cost_benefit_by_product.push(ProductCostBenefit {
            product: product.to_string(),
            cost_benefit: figures,
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

/// Each public indicator with each of its measurements.
fn public_items(model: &ReadModel) -> Vec<(&Indicator, &Measurement)> {
    let impact = model.impact();
    let public: BTreeMap<i64, &Indicator> = impact
        .indicators
        .iter()
        .filter(|indicator| indicator.public)
        .map(|indicator| (indicator.id, indicator))
        .collect();
    impact
        .measurements
        .iter()
        .filter_map(|m| public.get(&m.indicator).map(|indicator| (*indicator, m)))
        .collect()
}

type Groups<'a> = BTreeMap<String, (String, Vec<(&'a Indicator, &'a Measurement)>)>;

/// The items of each group, with the group's name.
fn grouped<'a>(
    model: &ReadModel,
    items: &[(&'a Indicator, &'a Measurement)],
    group_by: GroupBy,
) -> Groups<'a> {
    let mut groups: Groups<'a> = BTreeMap::new();
    for &(indicator, measurement) in items {
        let product = model.product(&indicator.product);
        for (key, label) in keys(model, product, indicator, measurement, group_by) {
            groups
                .entry(key)
                .or_insert_with(|| (label, Vec::new()))
                .1
                .push((indicator, measurement));
        }
    }
    groups
}

/// The groups one item belongs to: several for a product with several sponsors.
fn keys(
    model: &ReadModel,
    product: Option<&Product>,
    indicator: &Indicator,
    measurement: &Measurement,
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
        GroupBy::Year => {
            let year = measurement.period_end.year().to_string();
            vec![(year.clone(), year)]
        }
    }
}
