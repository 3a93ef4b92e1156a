//! `GET /api/v1/delivery/composition`: the portfolio's teams against the recommended
//! composition — each product's completeness, and counts by incubator and discipline.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use pilote_domain::delivery::{Discipline, MissingDiscipline};
use pilote_domain::portfolio::PhaseName;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::day_of;
use crate::api::extract::Query;
use crate::error::ErrorBody;
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// The view's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompositionQuery {
    /// Only the products of this incubator (its slug).
    pub incubator: Option<String>,
    /// Only the products currently in this phase.
    pub phase: Option<PhaseName>,
    /// The day teams are looked at (AAAA-MM-JJ; default: today).
    pub date: Option<NaiveDate>,
}

/// One product's completeness.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductCompleteness {
    /// The product.
    pub product: String,
    /// Its title.
    pub title: String,
    /// Its incubator.
    pub incubator: String,
    /// Its current phase.
    pub phase: Option<PhaseName>,
    /// Whether the team covers every recommended discipline.
    pub complete: bool,
    /// What it lacks.
    pub missing: Vec<MissingDiscipline>,
    /// Members with a mission on it that day.
    pub active_members: usize,
    /// Public agents ÷ active members.
    pub public_agent_share: Option<f64>,
    /// Departures over twelve months ÷ average headcount.
    pub turnover_12_months: Option<f64>,
}

/// How many products lack a discipline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisciplineGap {
    /// The discipline.
    pub discipline: Discipline,
    /// Products whose phase recommends it and whose team lacks it.
    pub products: usize,
}

/// One incubator's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncubatorCompleteness {
    /// The incubator.
    pub incubator: String,
    /// Its name.
    pub title: String,
    /// Products considered.
    pub products: usize,
    /// Those with a team lacking a recommended discipline.
    pub incomplete: usize,
    /// Products lacking each discipline (only disciplines some product lacks).
    pub lacking: Vec<DisciplineGap>,
}

/// The portfolio's teams against the recommended composition.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioComposition {
    /// The day teams are looked at.
    pub date: NaiveDate,
    /// Products considered: those matching the filters whose current phase has a
    /// recommended composition.
    pub products_considered: usize,
    /// Those with a team lacking a recommended discipline.
    pub incomplete: usize,
    /// Products lacking each discipline, over all products considered.
    pub lacking: Vec<DisciplineGap>,
    /// Figures per incubator, by slug.
    pub by_incubator: Vec<IncubatorCompleteness>,
    /// Each product considered, by title.
    pub products: Vec<ProductCompleteness>,
}

fn gaps<'a>(products: impl IntoIterator<Item = &'a ProductCompleteness>) -> Vec<DisciplineGap> {
    let mut counts: BTreeMap<Discipline, usize> = BTreeMap::new();
    for product in products {
        for missing in &product.missing {
            *counts.entry(missing.discipline).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(discipline, products)| DisciplineGap {
            discipline,
            products,
        })
        .collect()
}

/// The view for the filters, shared by the API and the page.
pub(crate) fn portfolio_composition(
    model: &ReadModel,
    incubator: Option<&str>,
    phase: Option<PhaseName>,
    day: NaiveDate,
) -> PortfolioComposition {
    let recommended = model.recommended_composition();
    let products: Vec<ProductCompleteness> = model
        .products_by_title()
        .map(|(product, _)| product)
        .filter(|product| incubator.is_none_or(|slug| product.incubator.as_str() == slug))
        .filter_map(|product| {
            let current = product.current_phase()?.name;
            let wanted =
                phase.is_none_or(|p| p == current) && !recommended.for_phase(current).is_empty();
            wanted.then(|| {
                let team = model.team_of(product, day);
                ProductCompleteness {
                    product: product.slug.to_string(),
                    title: product.title.clone(),
                    incubator: product.incubator.to_string(),
                    phase: team.phase,
                    complete: team.complete,
                    missing: team.missing,
                    active_members: team.health.active_members,
                    public_agent_share: team.health.public_agent_share,
                    turnover_12_months: team.health.turnover_12_months,
                }
            })
        })
        .collect();
    let mut by_incubator: BTreeMap<&str, Vec<&ProductCompleteness>> = BTreeMap::new();
    for product in &products {
        by_incubator
            .entry(product.incubator.as_str())
            .or_default()
            .push(product);
    }
    let by_incubator = by_incubator
        .into_iter()
        .map(|(slug, group)| IncubatorCompleteness {
            incubator: slug.to_owned(),
            title: pilote_domain::Slug::parse(slug)
                .ok()
                .and_then(|s| model.incubator(&s).map(|i| i.title.clone()))
                .unwrap_or_else(|| slug.to_owned()),
            products: group.len(),
            incomplete: group.iter().filter(|p| !p.complete).count(),
            lacking: gaps(group.iter().copied()),
        })
        .collect();
    PortfolioComposition {
        date: day,
        products_considered: products.len(),
        incomplete: products.iter().filter(|p| !p.complete).count(),
        lacking: gaps(&products),
        by_incubator,
        products,
    }
}

/// Every product whose current phase has a recommended composition, with what its team
/// lacks, and the counts by incubator and discipline.
#[utoipa::path(
    get,
    path = "/api/v1/delivery/composition",
    tag = "delivery",
    params(CompositionQuery),
    responses(
        (status = 200, description = "Les équipes du portefeuille", body = PortfolioComposition),
        (status = 422, description = "Paramètres invalides", body = ErrorBody),
    )
)]
pub async fn portfolio(
    State(state): State<AppState>,
    Query(query): Query<CompositionQuery>,
) -> Result<Json<PortfolioComposition>, ApiError> {
    let model = state.model();
    Ok(Json(portfolio_composition(
        &model,
        query.incubator.as_deref().filter(|s| !s.is_empty()),
        query.phase,
        day_of(query.date),
    )))
}
