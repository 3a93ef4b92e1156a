//! The home page: the portfolio's key figures and its phases over the years.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::{Datelike, NaiveDate};
use pilote_domain::portfolio::PhaseName;

use super::chart::{self, Bar};
use super::{Layout, PageError, page};
use crate::AppState;

/// Years shown in the chart, up to this one.
const YEARS: i32 = 6;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    products: usize,
    incubators: usize,
    members_this_month: usize,
    by_phase: Vec<(PhaseName, usize)>,
    chart: String,
    years: Vec<Bar>,
    phases: [PhaseName; 8],
}

/// `GET /`.
pub async fn home(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let model = state.model();
    let portfolio = model.portfolio();
    let today = chrono::Local::now().date_naive();
    let month_start = today.with_day(1).unwrap_or(today);
    let by_phase = PhaseName::ALL
        .iter()
        .map(|&phase| {
            let count = portfolio
                .products
                .iter()
                .filter(|p| p.current_phase().is_some_and(|c| c.name == phase))
                .count();
            (phase, count)
        })
        .collect();
    let members_this_month = portfolio
        .members
        .iter()
        .filter(|m| {
            m.missions.iter().any(|mission| {
                mission.start <= today && mission.end.is_none_or(|end| end >= month_start)
            })
        })
        .count();
    let years: Vec<Bar> = (today.year() - YEARS + 1..=today.year())
        .map(|year| {
            let day = NaiveDate::from_ymd_opt(year, 12, 31).map_or(today, |end| end.min(today));
            let values = PhaseName::ALL
                .iter()
                .map(|&phase| {
                    portfolio
                        .products
                        .iter()
                        .filter(|p| p.phase_on(day).is_some_and(|on| on.name == phase))
                        .count()
                })
                .collect();
            Bar {
                label: year.to_string(),
                values,
            }
        })
        .collect();
    let labels: Vec<&str> = PhaseName::ALL.iter().map(|p| p.label()).collect();
    let chart = chart::stacked_bars(
        &labels,
        &years,
        "Produits par phase, au 31 décembre de chaque année",
        "Diagramme en barres empilées : pour chaque année, le nombre de produits dans chaque phase. Les mêmes chiffres figurent dans le tableau qui suit.",
    );
    page(&HomePage {
        layout: Layout::new("", &[]),
        products: portfolio.products.len(),
        incubators: portfolio.incubators.len(),
        members_this_month,
        by_phase,
        chart,
        years,
        phases: PhaseName::ALL,
    })
}
