//! `GET /api/v1/delivery/overdue-committees`: products overdue for an investment committee.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use pilote_domain::delivery::{COMMITTEE_EVENT, Overdue, OverdueRule};
use pilote_domain::portfolio::Product;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// A product overdue for a committee, with its name and incubator.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueJson {
    /// Why it is overdue.
    #[serde(flatten)]
    #[schema(inline)]
    pub overdue: Overdue,
    /// The product's name.
    pub title: String,
    /// Its incubator (slug).
    pub incubator: String,
}

/// Filters of the overdue list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverdueFilters {
    /// Only the products of this incubator (slug).
    pub incubator: Option<String>,
}

/// A page of overdue products, with the rule applied.
#[derive(Serialize, ToSchema)]
pub struct OverduePage {
    /// The products of this page, most overdue first.
    pub data: Vec<OverdueJson>,
    /// This page's number.
    pub page: usize,
    /// Items per page.
    pub page_size: usize,
    /// Overdue products in all.
    pub total: usize,
    /// The rule (settings `PILOTE_COMMITTEE_OVERDUE_MONTHS` and
    /// `PILOTE_COMMITTEE_OVERDUE_PHASES`).
    pub rule: OverdueRule,
}

/// Products overdue for a committee on `today` under `rule`, most overdue first. A
/// product's last committee is its latest decision or `committee` event.
pub(crate) fn overdue_products<'m>(
    model: &'m ReadModel,
    rule: &OverdueRule,
    last_decisions: &[(String, NaiveDate)],
    today: NaiveDate,
) -> Vec<(Overdue, &'m Product)> {
    let last: HashMap<&str, NaiveDate> = last_decisions
        .iter()
        .map(|(slug, date)| (slug.as_str(), *date))
        .collect();
    let mut overdue: Vec<(Overdue, &Product)> = model
        .portfolio()
        .products
        .iter()
        .filter_map(|product| {
            let event = product
                .events
                .iter()
                .filter(|e| e.name == COMMITTEE_EVENT)
                .map(|e| e.date)
                .max();
            let decided = last.get(product.slug.as_str()).copied();
            let latest = event.max(decided);
            rule.check(product, latest, today)
                .map(|overdue| (overdue, product))
        })
        .collect();
    overdue.sort_by(|(a, _), (b, _)| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then_with(|| a.product.cmp(&b.product))
    });
    overdue
}

/// Lists the products overdue for an investment committee under the configured rule (by
/// default, more than six months in construction without a committee).
#[utoipa::path(
    get,
    path = "/api/v1/delivery/overdue-committees",
    tag = "committees",
    params(OverdueFilters, Paging),
    responses(
        (status = 200, description = "Les produits en retard de comité", body = OverduePage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn overdue_committees(
    State(state): State<AppState>,
    Query(filters): Query<OverdueFilters>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let rule = &state.config().committee_rule;
    let last = state.store().last_committees().await?;
    let today = chrono::Utc::now().date_naive();
    let incubator = filters.incubator.filter(|s| !s.is_empty());
    let items = overdue_products(&model, rule, &last, today)
        .into_iter()
        .filter(|(_, product)| {
            incubator
                .as_deref()
                .is_none_or(|slug| product.incubator.as_str() == slug)
        })
        .map(|(overdue, product)| OverdueJson {
            overdue,
            title: product.title.clone(),
            incubator: product.incubator.to_string(),
        });
    let page = Page::of(items, paging)?;
    Ok(json_response(render(&OverduePage {
        data: page.data,
        page: page.page,
        page_size: page.page_size,
        total: page.total,
        rule: rule.clone(),
    })?))
}
