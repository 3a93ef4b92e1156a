//! `/recherche`: the search across every public entity, reached from the header's box.
//! Reads the API's parameters (`api::search`); facets are checkboxes of a GET form, so the
//! page works without JavaScript.

use askama::Template;
use axum::extract::{OriginalUri, State};
use axum::response::Html;
use pilote_domain::Slug;
use pilote_domain::data::AccessType;
use pilote_domain::portfolio::PhaseName;
use pilote_search::{Facet, Kind, Query, Sort};

use super::{Layout, PAGE_SIZE, PageError, Pagination, page};
use crate::AppState;
use crate::api::search::{SearchHit, SearchPage, parse};
use crate::read_model::ReadModel;

/// A facet as a group of checkboxes.
struct FacetGroup {
    name: &'static str,
    label: &'static str,
    options: Vec<FacetOption>,
}

struct FacetOption {
    value: String,
    label: String,
    count: u64,
    checked: bool,
}

/// A result with its kind's label.
struct Row {
    hit: SearchHit,
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate {
    layout: Layout,
    q: String,
    by_date: bool,
    rows: Vec<Row>,
    total: usize,
    facets: Vec<FacetGroup>,
    pagination: Pagination,
}

/// `GET /recherche`.
pub async fn search(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let query = parse(uri.query())?;
    let query = Query {
        page_size: PAGE_SIZE,
        ..query
    };
    let results = state.search().search(query.clone()).await?;
    let model = state.model();
    let found = SearchPage::of(&query, results);
    let facets = found
        .facets
        .into_iter()
        .filter_map(|counts| {
            let facet = Facet::parse(&counts.facet)?;
            let options: Vec<FacetOption> = counts
                .values
                .into_iter()
                .map(|value| FacetOption {
                    label: value_label(facet, &value.value, &model),
                    checked: query
                        .filters
                        .get(&facet)
                        .is_some_and(|chosen| chosen.contains(&value.value)),
                    value: value.value,
                    count: value.count,
                })
                .collect();
            (!options.is_empty()).then_some(FacetGroup {
                name: facet.as_str(),
                label: facet.label(),
                options,
            })
        })
        .collect();
    let mut layout = Layout::new("", &[("", "Recherche")]);
    layout.query.clone_from(&query.text);
    page(&SearchTemplate {
        layout,
        q: query.text.clone(),
        by_date: query.sort == Sort::Date,
        rows: found
            .data
            .into_iter()
            .map(|hit| Row {
                kind: hit.kind.label(),
                hit,
            })
            .collect(),
        total: found.total,
        facets,
        pagination: Pagination::new("/recherche", &base_query(&query), query.page, found.total),
    })
}

/// The query's parameters but the page, for the pagination's links.
fn base_query(query: &Query) -> String {
    let mut encoded = form_urlencoded::Serializer::new(String::new());
    if !query.text.is_empty() {
        encoded.append_pair("q", &query.text);
    }
    if query.sort == Sort::Date {
        encoded.append_pair("sort", "date");
    }
    for (facet, values) in &query.filters {
        for value in values {
            encoded.append_pair(facet.as_str(), value);
        }
    }
    encoded.finish()
}

/// What a facet value says to readers: a kind's, phase's or access type's label, an
/// incubator's title.
fn value_label(facet: Facet, value: &str, model: &ReadModel) -> String {
    let label = match facet {
        Facet::Kind => Kind::parse(value).map(|kind| kind.label().to_owned()),
        Facet::Phase => PhaseName::parse(value)
            .ok()
            .map(|phase| phase.label().to_owned()),
        Facet::Access => AccessType::parse(value)
            .ok()
            .map(|access| access.label().to_owned()),
        Facet::Incubator => Slug::parse(value)
            .ok()
            .and_then(|slug| model.incubator(&slug).map(|i| i.title.clone())),
        _ => None,
    };
    label.unwrap_or_else(|| value.to_owned())
}
