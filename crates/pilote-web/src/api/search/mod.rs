//! `/api/v1/search`: one search across every public entity, with facets. The search page
//! reads the same parameters and the same results.

pub mod list;

use pilote_search::{Facet, Hit, Kind, Query, Results, Sort};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::ApiError;
use crate::api::list::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// Longest query text accepted, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// The search's parameters. Every facet may be given several times
/// (`kind=product&kind=software`): a result then has one of the values.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "only describes the parameters for the OpenAPI document; read by `parse`"
)]
pub struct SearchParams {
    /// Words to look for (accents, case and one typo in words of 5+ letters ignored; the
    /// last word may be the start of a word). Without words, everything matches.
    q: Option<String>,
    /// Kind of entity: `product`, `software`, `dataset`, `api`, `resource`, `incubator`,
    /// `organisation`, `member`, `challenge`, `job_offer`.
    kind: Option<Vec<String>>,
    /// A product's phase (`construction`...).
    phase: Option<Vec<String>>,
    /// An incubator's slug.
    incubator: Option<Vec<String>>,
    /// A ministerial domain (`justice`...).
    ministry: Option<Vec<String>>,
    /// A licence.
    licence: Option<Vec<String>>,
    /// An access type (`open`, `account`, `restricted`).
    access: Option<Vec<String>>,
    /// A file format, lower case (`csv`...).
    format: Option<Vec<String>>,
    /// A year (`2024`).
    year: Option<Vec<String>>,
    /// `relevance` (default) or `date` (latest first).
    sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, default = 1)]
    page: Option<usize>,
    /// Results per page, at most 1000.
    #[param(minimum = 1, maximum = 1000, default = 20)]
    page_size: Option<usize>,
}

/// Reads the search's parameters from a query string; a bad value is a 422 naming it.
/// Unknown parameters are ignored, so that a form's other fields do no harm.
pub(crate) fn parse(raw: Option<&str>) -> Result<Query, ApiError> {
    let mut query = Query::new("");
    let (mut page, mut page_size) = (1, DEFAULT_PAGE_SIZE);
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let value = value.trim();
        match name.as_ref() {
            "q" => {
                if value.chars().count() > MAX_QUERY_CHARS {
                    return Err(ApiError::field(
                        "q",
                        format!("au plus {MAX_QUERY_CHARS} caractères"),
                    ));
                }
                value.clone_into(&mut query.text);
            }
            "sort" => {
                query.sort = match value {
                    "" | "relevance" => Sort::Relevance,
                    "date" => Sort::Date,
                    _ => return Err(ApiError::field("sort", "« relevance » ou « date »")),
                }
            }
            "page" => page = number("page", value, 1, usize::MAX)?,
            "page_size" => page_size = number("page_size", value, 1, MAX_PAGE_SIZE)?,
            other => {
                let Some(facet) = Facet::parse(other) else {
                    continue;
                };
                if value.is_empty() {
                    continue;
                }
                if facet == Facet::Kind && Kind::parse(value).is_none() {
                    return Err(ApiError::field("kind", format!("type inconnu : {value}")));
                }
                query = query.filter(facet, value);
            }
        }
    }
    Ok(query.page(page, page_size))
}

fn number(field: &str, value: &str, min: usize, max: usize) -> Result<usize, ApiError> {
    match value.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ if max == usize::MAX => Err(ApiError::field(
            field,
            format!("un entier à partir de {min}"),
        )),
        _ => Err(ApiError::field(field, format!("entre {min} et {max}"))),
    }
}

/// The page showing an entity of `kind` and `slug`.
pub(crate) fn address(kind: Kind, slug: &str) -> String {
    match kind {
        Kind::Product => format!("/produits/{slug}"),
        Kind::Incubator => format!("/incubateurs/{slug}"),
        Kind::Organisation => format!("/organisations/{slug}"),
        Kind::Member => format!("/membres/{slug}"),
        Kind::Software => format!("/logiciels/{slug}"),
        Kind::Dataset => format!("/donnees/jeux-de-donnees/{slug}"),
        // A resource is shown on its dataset's page.
        Kind::Resource => format!(
            "/donnees/jeux-de-donnees/{}",
            slug.split_once('/').map_or(slug, |(dataset, _)| dataset)
        ),
        Kind::Api => format!("/donnees/api/{slug}"),
        Kind::Challenge => format!("/talents/eig/defis/{slug}"),
        Kind::JobOffer => format!("/talents/offres/{slug}"),
        _ => "/recherche".to_owned(),
    }
}

/// One result as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    /// Its kind (`product`, `dataset`...).
    #[schema(value_type = String)]
    pub kind: Kind,
    /// Its kind's French label (« Produit », « Défi EIG »...).
    pub kind_label: &'static str,
    /// Its identifier within its kind.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: String,
    /// The page showing it.
    pub url: String,
    /// Its date (a product's current phase start, a dataset's last change...).
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<chrono::NaiveDate>,
    /// Excerpts with the matched words in `<mark>`, the rest HTML-escaped.
    pub highlights: Vec<SearchHighlight>,
}

/// An excerpt with the matched words.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHighlight {
    /// Which text: `title`, `summary` or `body`.
    pub field: String,
    /// The excerpt as HTML.
    pub html: String,
}

/// A facet's values among the results, each counted with the other facets' filters.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacet {
    /// The facet (`kind`, `phase`...).
    pub facet: String,
    /// Its values, most frequent first.
    pub values: Vec<FacetValue>,
}

/// A facet value and how many results have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValue {
    /// The value.
    pub value: String,
    /// Results with it.
    pub count: u64,
}

/// A page of results with the facets.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    /// This page's results.
    pub data: Vec<SearchHit>,
    /// This page's number, from 1.
    pub page: usize,
    /// Results per page.
    pub page_size: usize,
    /// Results in all.
    pub total: usize,
    /// The facets' values.
    pub facets: Vec<SearchFacet>,
}

impl SearchPage {
    /// The results of `query` as the API shows them.
    pub(crate) fn of(query: &Query, results: Results) -> Self {
        SearchPage {
            data: results.hits.into_iter().map(hit).collect(),
            page: query.page,
            page_size: query.page_size,
            total: results.total,
            facets: results
                .facets
                .into_iter()
                .map(|counts| SearchFacet {
                    facet: counts.facet.as_str().to_owned(),
                    values: counts
                        .values
                        .into_iter()
                        .map(|(value, count)| FacetValue { value, count })
                        .collect(),
                })
                .collect(),
        }
    }
}

fn hit(hit: Hit) -> SearchHit {
    SearchHit {
        url: address(hit.kind, &hit.slug),
        highlights: hit
            .highlights
            .iter()
            .map(|highlight| SearchHighlight {
                field: highlight.field.to_owned(),
                html: highlight.to_html(),
            })
            .collect(),
        kind: hit.kind,
        kind_label: hit.kind.label(),
        slug: hit.slug,
        title: hit.title,
        summary: hit.summary,
        date: hit.date,
    }
}
