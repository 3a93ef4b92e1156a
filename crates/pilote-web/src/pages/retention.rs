//! `/talents/retention`: whether the State keeps its digital talent — the headline figures,
//! the monthly headcount by status and by `domaine` (charts with their tables), turnover
//! and renewal by year, for the network or one incubator, and the series as CSV and JSON.
//!
//! The figures come from the read model, and their rendered part is cached in it per
//! query and day, so a page costs one computation per store revision.

use askama::Template;
use axum::extract::{OriginalUri, State};
use axum::response::{Html, Response};
use pilote_domain::portfolio::Domaine;
use pilote_domain::talent::retention::{MonthFigures, STATUSES, YearFigures};

use super::chart::{self, Bar};
use super::download::Table;
use super::{Layout, PageError, page};
use crate::AppState;
use crate::api::extract::parse_query;
use crate::api::retention::{RetentionJson, RetentionQuery, figures, incubator_of};
use crate::read_model::ReadModel;

/// Months the page shows when none are asked for.
const RECENT_MONTHS: u32 = 12;

/// At most this many month labels under a chart.
const LABELS: usize = 8;

/// A share as the French write it: « 42,5 % »; « — » when absent.
pub(crate) fn percent(share: Option<f64>) -> String {
    share.map_or_else(
        || "—".to_owned(),
        |s| format!("{} %", super::impact::figure((s * 1000.0).round() / 10.0)),
    )
}

/// A ratio with two decimals: « 0,35 »; « — » when absent.
fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), super::impact::figure)
}

/// A tenure in days as months and days: « 27,1 mois (823 jours) ».
fn tenure(days: Option<f64>) -> String {
    days.map_or_else(
        || "—".to_owned(),
        |d| {
            format!(
                "{} mois ({} jours)",
                super::impact::figure((d / 30.4375 * 10.0).round() / 10.0),
                super::impact::figure(d)
            )
        },
    )
}

/// One headline figure.
struct Tile {
    label: String,
    value: String,
    detail: String,
}

/// A row of the yearly table.
struct YearRow {
    year: i32,
    mean_headcount: String,
    departures: usize,
    turnover: String,
    ended: usize,
    renewed: usize,
    renewal: String,
}

impl From<&YearFigures> for YearRow {
    fn from(y: &YearFigures) -> Self {
        Self {
            year: y.year,
            mean_headcount: super::impact::figure(y.mean_headcount),
            departures: y.departures,
            turnover: rate(y.turnover),
            ended: y.missions_ended,
            renewed: y.missions_renewed,
            renewal: percent(y.renewal_rate),
        }
    }
}

/// A month of the table under the charts.
struct MonthRow {
    month: String,
    headcount: usize,
    by_status: Vec<usize>,
    share: String,
    by_domaine: Vec<usize>,
}

/// The figures' part of the page, rendered once per query and day.
#[derive(Template)]
#[template(path = "retention_figures.html")]
struct FiguresPart {
    scope: String,
    today: String,
    tiles: Vec<Tile>,
    status_chart: String,
    status_names: Vec<&'static str>,
    domaine_chart: String,
    domaine_names: Vec<&'static str>,
    /// One table for both charts: month, headcount, by status, share, by domaine.
    month_rows: Vec<MonthRow>,
    years: Vec<YearRow>,
    exports: String,
}

/// The month labels under a chart: one every few months, at most [`LABELS`].
fn bars(months: &[MonthFigures], values: impl Fn(&MonthFigures) -> Vec<usize>) -> Vec<Bar> {
    let every = months.len().div_ceil(LABELS).max(1);
    months
        .iter()
        .enumerate()
        .map(|(i, m)| Bar {
            label: if i % every == 0 {
                m.month.to_string()
            } else {
                String::new()
            },
            values: values(m),
        })
        .collect()
}

fn scope_name(model: &ReadModel, figures: &RetentionJson) -> String {
    figures
        .incubator
        .as_deref()
        .and_then(|slug| pilote_domain::Slug::parse(slug).ok())
        .and_then(|slug| model.incubator(&slug).map(|i| i.title.clone()))
        .map_or_else(
            || "tout le réseau".to_owned(),
            |title| format!("l’incubateur {title}"),
        )
}

fn render_figures(
    model: &ReadModel,
    figures: &RetentionJson,
    query: &str,
) -> Result<String, PageError> {
    let h = &figures.headline;
    let last = &h.last_year;
    let scope = scope_name(model, figures);
    let tiles = vec![
        Tile {
            label: "Effectif aujourd’hui".into(),
            value: h.headcount.to_string(),
            detail: format!("membres en mission le {}", h.today),
        },
        Tile {
            label: "Part d’agents publics".into(),
            value: percent(h.public_agent_share),
            detail: format!("{} agents publics en mission", h.public_agents),
        },
        Tile {
            label: "Ancienneté médiane".into(),
            value: tenure(h.median_tenure_days),
            detail: format!("sur {} membres ayant eu une mission", h.members),
        },
        Tile {
            label: format!("Rotation en {}", last.year),
            value: rate(last.turnover),
            detail: format!(
                "{} départs pour un effectif moyen de {}",
                last.departures,
                super::impact::figure(last.mean_headcount)
            ),
        },
        Tile {
            label: format!("Taux de renouvellement en {}", last.year),
            value: percent(last.renewal_rate),
            detail: format!(
                "{} missions renouvelées sur {} terminées",
                last.missions_renewed, last.missions_ended
            ),
        },
    ];
    let status_names: Vec<&'static str> = STATUSES.iter().map(|(_, label)| *label).collect();
    let status_chart = chart::stacked_bars_in(
        "statuts",
        &status_names,
        &bars(&figures.months, |m| m.by_status.values().to_vec()),
        &format!("Effectif mensuel par statut, {scope}"),
        "Diagramme en barres empilées : pour chaque mois, le nombre de membres en mission par statut (agents publics, indépendants, prestataires). Les mêmes chiffres figurent dans le tableau mensuel sous les graphiques.",
    );
    // Domaines nobody worked in over the period would only add empty columns.
    let shown: Vec<usize> = (0..Domaine::ALL.len())
        .filter(|&i| {
            figures
                .months
                .iter()
                .any(|m| m.by_domaine.get(i).is_some_and(|d| d.members > 0))
        })
        .collect();
    let domaine_values = |m: &MonthFigures| -> Vec<usize> {
        shown
            .iter()
            .map(|&i| m.by_domaine.get(i).map_or(0, |d| d.members))
            .collect()
    };
    let domaine_names: Vec<&'static str> = shown.iter().map(|&i| Domaine::ALL[i].label()).collect();
    let domaine_chart = chart::stacked_bars_in(
        "domaines",
        &domaine_names,
        &bars(&figures.months, domaine_values),
        &format!("Effectif mensuel par domaine, {scope}"),
        "Diagramme en barres empilées : pour chaque mois, le nombre de membres en mission par domaine. Les mêmes chiffres figurent dans le tableau mensuel sous les graphiques.",
    );
    let part = FiguresPart {
        today: h.today.to_string(),
        tiles,
        status_chart,
        status_names,

        domaine_chart,
        domaine_names,
        month_rows: figures
            .months
            .iter()
            .map(|m| MonthRow {
                month: m.month.to_string(),
                headcount: m.headcount,
                by_status: m.by_status.values().to_vec(),
                share: percent(m.public_agent_share),
                by_domaine: domaine_values(m),
            })
            .collect(),
        years: figures.years.iter().map(YearRow::from).collect(),
        exports: query.to_owned(),
        scope,
    };
    Ok(part.render()?)
}

#[derive(Template)]
#[template(path = "retention.html")]
struct RetentionPage {
    layout: Layout,
    incubators: Vec<(String, String, bool)>,
    from: String,
    to: String,
    figures: String,
}

/// The query's parameters, encoded again for the export links.
fn encoded(query: &RetentionQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("incubator", &query.incubator),
        ("from", &query.from),
        ("to", &query.to),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            out.append_pair(name, value);
        }
    }
    if let Some(date) = query.date {
        out.append_pair("date", &date.to_string());
    }
    out.finish()
}

/// `GET /talents/retention`.
pub async fn show(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let query: RetentionQuery = parse_query(uri.query())?;
    let model = state.model();
    let today = crate::api::delivery::day_of(query.date);
    let chosen = incubator_of(&model, &query)?;
    let params = encoded(&query);
    let key = format!("retention-page?{params}@{today}");
    let part = model.cached(&key, || {
        let figures = figures(&model, &query, Some(RECENT_MONTHS))?;
        render_figures(&model, &figures, &params).map(bytes::Bytes::from)
    })?;
    let mut incubators: Vec<(String, String, bool)> = model
        .portfolio()
        .incubators
        .iter()
        .map(|i| {
            (
                i.slug.to_string(),
                i.title.clone(),
                chosen.as_ref() == Some(&i.slug),
            )
        })
        .collect();
    incubators.sort_by_cached_key(|(_, title, _)| pilote_search::fold(title));
    page(&RetentionPage {
        layout: Layout::new("", &[("/talents", "Talents"), ("", "Rétention")]),
        incubators,
        from: query.from.clone().unwrap_or_default(),
        to: query.to.clone().unwrap_or_default(),
        figures: String::from_utf8_lossy(&part).into_owned(),
    })
}

/// The columns of the monthly series' downloads.
const COLUMNS: &[&str] = &[
    "month",
    "headcount",
    "admin",
    "independent",
    "service",
    "public_agent_share",
    "developpement",
    "intraprenariat",
    "deploiement",
    "produit",
    "design",
    "coaching",
    "animation",
    "data",
    "support",
    "attributaire",
    "autre",
];

/// The monthly series as a table (the whole history unless `from` says otherwise).
fn table(state: &AppState, query: Option<&str>) -> Result<Table, PageError> {
    let query: RetentionQuery = parse_query(query)?;
    let figures = figures(&state.model(), &query, None)?;
    let rows = figures
        .months
        .iter()
        .map(|m| {
            let mut row = vec![
                m.month.to_string(),
                m.headcount.to_string(),
                m.by_status.admin.to_string(),
                m.by_status.independent.to_string(),
                m.by_status.service.to_string(),
                m.public_agent_share
                    .map(|s| format!("{s:.4}"))
                    .unwrap_or_default(),
            ];
            row.extend(m.by_domaine.iter().map(|d| d.members.to_string()));
            row
        })
        .collect();
    Ok(Table {
        name: "retention",
        columns: COLUMNS,
        rows,
    })
}

/// `GET /talents/retention.csv`.
pub async fn csv(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    table(&state, uri.query())?.csv()
}

/// `GET /talents/retention.json`.
pub async fn json(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    Ok(table(&state, uri.query())?.json())
}
