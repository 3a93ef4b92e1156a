//! The quality observatory: every product against the observatory's indicators, with
//! filters, downloads and the quarterly editions.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::identity::{Action, Target};
use pilote_domain::quality::observatory::edition_of;
use pilote_domain::quality::observatory::{Indicator, Level, ObservatoryRow, Reading};

use super::download::Table;
use super::form_state::{FormState, one_page, page_number, text};
use super::products::{Choice, choices, phase_choices};
use super::{Layout, PageError, Pagination, page};
use crate::api::extract::parse_query;
use crate::api::quality::editions;
use crate::api::quality::observatory::{ObservatoryFilter, rows};
use crate::auth::Visitor;
use crate::{ApiError, AppState};

/// The downloads' columns: the product, then level, value, text, source and date of each
/// indicator, in the observatory's order.
const COLUMNS: &[&str] = &[
    "product",
    "title",
    "incubator",
    "ministries",
    "phase",
    "url",
    "satisfaction_level",
    "satisfaction_value",
    "satisfaction_shown",
    "satisfaction_source",
    "satisfaction_date",
    "simplicity_level",
    "simplicity_value",
    "simplicity_shown",
    "simplicity_source",
    "simplicity_date",
    "handicap_level",
    "handicap_value",
    "handicap_shown",
    "handicap_source",
    "handicap_date",
    "uptime_level",
    "uptime_value",
    "uptime_shown",
    "uptime_source",
    "uptime_date",
    "performance_level",
    "performance_value",
    "performance_shown",
    "performance_source",
    "performance_date",
    "auth_level",
    "auth_value",
    "auth_shown",
    "auth_source",
    "auth_date",
    "dlnuf_level",
    "dlnuf_value",
    "dlnuf_shown",
    "dlnuf_source",
    "dlnuf_date",
    "help_reachable_level",
    "help_reachable_value",
    "help_reachable_shown",
    "help_reachable_source",
    "help_reachable_date",
    "help_used_level",
    "help_used_value",
    "help_used_shown",
    "help_used_source",
    "help_used_date",
    "online_level",
    "online_value",
    "online_shown",
    "online_source",
    "online_date",
    "usage_level",
    "usage_value",
    "usage_shown",
    "usage_source",
    "usage_date",
];

/// The badge colour of a level (`pilote.css`).
pub(crate) const fn badge(level: Level) -> &'static str {
    match level {
        Level::Green => "pilote-level--green",
        Level::Yellow => "pilote-level--yellow",
        Level::Red => "pilote-level--red",
        Level::Blue => "pilote-level--blue",
        Level::Gray => "pilote-level--gray",
    }
}

/// A reading as a table cell shows it.
pub(crate) struct Cell {
    /// The level's label and badge class, when the indicator has levels.
    pub level: Option<(&'static str, &'static str)>,
    pub shown: String,
    /// Source and date, in short.
    pub origin: String,
}

pub(crate) fn cell(reading: &Reading) -> Cell {
    let mut origin = reading
        .source
        .map(|s| s.label().to_owned())
        .unwrap_or_default();
    if let Some(date) = &reading.date {
        // A day is enough here.
        let day = date.get(..10).unwrap_or(date);
        origin = if origin.is_empty() {
            day.to_owned()
        } else {
            format!("{origin}, {day}")
        };
    }
    Cell {
        // Nothing known: the text says so, a gray badge would only weigh on the page.
        level: reading
            .level
            .filter(|_| reading.source.is_some())
            .map(|l| (l.label(), badge(l))),
        shown: reading.shown.clone(),
        origin,
    }
}

struct Line {
    slug: String,
    title: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "observatory.html")]
struct ObservatoryPage {
    layout: Layout,
    indicators: Vec<&'static str>,
    lines: Vec<Line>,
    total: usize,
    editions: Vec<Choice>,
    edition: String,
    incubators: Vec<Choice>,
    ministries: Vec<Choice>,
    phases: Vec<Choice>,
    filters_query: String,
    pagination: Pagination,
    /// The form freezing an edition, for those who may publish one.
    freeze: Option<FormState>,
}

/// The filters' query string, without paging.
fn filters_query(filter: &ObservatoryFilter) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("edition", &filter.edition),
        ("incubator", &filter.incubator),
        ("ministry", &filter.ministry),
        ("phase", &filter.phase),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            query.append_pair(key, value);
        }
    }
    query.finish()
}

/// `GET /observatoire`.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let may_publish = visitor
        .principal
        .as_ref()
        .is_some_and(|p| p.may(Action::PublishObservatory, &Target::default()));
    let freeze = may_publish.then(|| {
        let mut form = FormState::new(freeze_label);
        form.fields.insert(
            "edition".into(),
            edition_of(chrono::Utc::now().date_naive()),
        );
        form
    });
    render(&state, uri.query(), freeze).await
}

fn freeze_label(field: &str) -> &str {
    if field == "edition" {
        "Édition"
    } else {
        field
    }
}

/// `POST /observatoire/editions`: freezes the observatory as it is now, then shows the
/// edition; a taken or badly written name comes back on the field.
pub async fn freeze(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let edition = text(&fields, "edition");
    let (status, error) =
        match editions::freeze(&state, visitor.principal.as_ref(), Some(edition)).await {
            Ok(frozen) => {
                let query = form_urlencoded::Serializer::new(String::new())
                    .append_pair("edition", &frozen.edition)
                    .finish();
                return Ok(Redirect::to(&format!("/observatoire?{query}")).into_response());
            }
            Err(ApiError::Conflict(message)) => (StatusCode::CONFLICT, message),
            Err(ApiError::Unprocessable(mut errors)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                errors.remove("edition").unwrap_or_default(),
            ),
            Err(other) => return Err(other.into()),
        };
    let mut form = FormState::new(freeze_label);
    form.fields = fields;
    form.errors.insert("edition".into(), error);
    let mut response = render(&state, None, Some(form)).await?.into_response();
    *response.status_mut() = status;
    Ok(response)
}

async fn render(
    state: &AppState,
    query: Option<&str>,
    freeze: Option<FormState>,
) -> Result<Html<String>, PageError> {
    let filter: ObservatoryFilter = parse_query(query)?;
    let all = rows(state, &filter).await?;
    let total = all.len();
    let base = filters_query(&filter);
    let (shown, mut pagination) = one_page(all, page_number(query), "/observatoire");
    pagination = Pagination::new("/observatoire", &base, pagination.current, total);
    let model = state.model();
    let portfolio = model.portfolio();
    let mut incubators: Vec<(String, String)> = portfolio
        .incubators
        .iter()
        .map(|i| (i.slug.to_string(), i.title.clone()))
        .collect();
    incubators.sort_by_cached_key(|(_, title)| pilote_search::fold(title));
    let mut ministries: Vec<String> = portfolio
        .organisations
        .iter()
        .map(|o| o.ministerial_domain.clone())
        .filter(|d| !d.is_empty())
        .collect();
    ministries.sort();
    ministries.dedup();
    let editions = state
        .store()
        .observatory_editions()
        .await
        .map_err(ApiError::from)?;
    let has_errors = freeze.as_ref().is_some_and(|f| !f.errors.is_empty());
    page(&ObservatoryPage {
        layout: Layout::new("", &[("", "Observatoire de la qualité")]).with_errors(has_errors),
        indicators: Indicator::ALL.iter().map(|i| i.label()).collect(),
        lines: shown
            .iter()
            .map(|row| Line {
                slug: row.product.to_string(),
                title: row.title.clone(),
                cells: row.readings.iter().map(cell).collect(),
            })
            .collect(),
        total,
        editions: choices(
            editions.into_iter().map(|(e, _, _)| (e.clone(), e)),
            filter.edition.as_deref(),
        ),
        edition: filter.edition.clone().unwrap_or_default(),
        incubators: choices(incubators, filter.incubator.as_deref()),
        ministries: choices(
            ministries.into_iter().map(|m| (m.clone(), m)),
            filter.ministry.as_deref(),
        ),
        phases: phase_choices(filter.phase.as_deref()),
        filters_query: base,
        pagination,
        freeze,
    })
}

/// The observatory with the page's filters, as a table to download.
async fn table(state: &AppState, query: Option<&str>) -> Result<Table, PageError> {
    let filter: ObservatoryFilter = parse_query(query)?;
    let all = rows(state, &filter).await?;
    Ok(Table {
        name: "observatoire",
        columns: COLUMNS,
        rows: all.iter().map(line).collect(),
    })
}

/// One product's download line, in the order of [`COLUMNS`].
fn line(row: &ObservatoryRow) -> Vec<String> {
    let mut line = vec![
        row.product.to_string(),
        row.title.clone(),
        row.incubator.to_string(),
        row.ministries.join(" ; "),
        row.phase.map(|p| p.as_str().to_owned()).unwrap_or_default(),
        row.url.clone().unwrap_or_default(),
    ];
    for reading in &row.readings {
        line.extend([
            reading
                .level
                .map(|l| l.as_str().to_owned())
                .unwrap_or_default(),
            reading.value.map(|v| v.to_string()).unwrap_or_default(),
            reading.shown.clone(),
            reading
                .source
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            reading.date.clone().unwrap_or_default(),
        ]);
    }
    line
}

/// `GET /observatoire.csv`.
pub async fn csv(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    table(&state, uri.query()).await?.csv()
}

/// `GET /observatoire.json`.
pub async fn json(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    Ok(table(&state, uri.query()).await?.json())
}
