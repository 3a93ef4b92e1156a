//! The data catalogue's pages: the datasets with their filters, orders and downloads, one
//! dataset with its resources, the APIs, one API, and one producer with what it publishes.
//!
//! The filters go through the API's own parsing (`api::data`), so that a bad value is an
//! error on its field, never a failure. A restricted dataset or API is shown to everyone
//! with how to ask for access; the addresses of a restricted dataset's resources only to
//! those entitled (its producer's staff and the agents of an authorised organisation, the
//! rule of `pilote_domain::data::entitlement`), and who is authorised only to the staff.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::data::{
    AccessType, Api, Authorisation, DataProject, Dataset, Entitlement, Producer, Resource,
};
use pilote_store::{AuthorisationsOf, DatasetSort, ProducerCounts};

use super::form_state::page_number;
use super::markdown::to_safe_html;
use super::products::{Choice, choices};
use super::{Layout, PAGE_SIZE, PageError, Pagination, page};
use crate::api::data::apis_list::{ApiQuery, api_filters};
use crate::api::data::datasets_list::{DatasetQuery, filters};
use crate::api::data::entitlement_to;
use crate::api::extract::{parse_query, wanted};
use crate::api::path_slug;
use crate::auth::Visitor;
use crate::{ApiError, AppState};

/// Where a restricted dataset or API is asked for.
const REQUEST_PATH: &str = "/donnees/demandes/nouvelle";

/// The badge class of an access type.
const fn access_badge(access: AccessType) -> &'static str {
    match access {
        AccessType::Open => "fr-badge--success",
        AccessType::Account => "fr-badge--info",
        AccessType::Restricted => "fr-badge--warning",
    }
}

/// The label of an order of the dataset list.
const fn sort_label(sort: DatasetSort) -> &'static str {
    match sort {
        DatasetSort::Title => "Titre",
        DatasetSort::Modified => "Dernière modification",
        DatasetSort::Quality => "Score de qualité",
    }
}

/// A link of the catalogue's own navigation.
struct Section {
    label: String,
    href: String,
    current: bool,
}

/// The catalogue's parts, `current` being the one shown (or none).
fn sections(current: &str) -> Vec<Section> {
    [
        ("/donnees", "Jeux de données"),
        ("/donnees/api", "API"),
        ("/donnees/producteurs", "Producteurs"),
    ]
    .into_iter()
    .map(|(href, label)| Section {
        label: label.to_owned(),
        href: href.to_owned(),
        current: href == current,
    })
    .collect()
}

/// A share from 0 to 1 as a whole percentage (« 80 % »).
fn percent(share: Option<f64>) -> String {
    share.map_or_else(String::new, |s| format!("{:.0} %", s * 100.0))
}

/// A size in bytes as people read it (« 1,5 Mo »).
fn human_size(bytes: Option<i64>) -> String {
    let Some(bytes) = bytes.filter(|b| *b >= 0) else {
        return String::new();
    };
    #[expect(
        clippy::cast_precision_loss,
        reason = "a size shown to one decimal place"
    )]
    let mut value = bytes as f64;
    for unit in ["o", "ko", "Mo", "Go"] {
        if value < 1000.0 {
            return if unit == "o" {
                format!("{bytes} o")
            } else {
                format!("{value:.1} {unit}").replace('.', ",")
            };
        }
        value /= 1000.0;
    }
    format!("{value:.1} To").replace('.', ",")
}

/// The day of a source's timestamp (`2024-03-12T10:00:00` → `2024-03-12`).
fn day_of(timestamp: Option<&str>) -> String {
    timestamp
        .map(|t| t.get(..10).unwrap_or(t).to_owned())
        .unwrap_or_default()
}

/// The query string of `pairs` whose value is given.
fn query_of<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<&'a String>)>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if let Some(value) = wanted(value) {
            query.append_pair(key, value);
        }
    }
    query.finish()
}

/// The errors of a bad filter, by field, in the form's words; anything but a bad value is
/// the caller's.
fn field_errors(error: ApiError) -> Result<BTreeMap<String, String>, PageError> {
    match error {
        ApiError::Unprocessable(errors) => Ok(errors
            .into_iter()
            .map(|(field, message)| {
                // A closed list's value can only be wrong in a hand-made address.
                let message = if matches!(field.as_str(), "access" | "sort") {
                    "cette valeur n’est pas dans la liste ; choisissez-en une".to_owned()
                } else {
                    message
                };
                (field, message)
            })
            .collect()),
        other => Err(other.into()),
    }
}

/// The producers by slug.
fn producer_names(producers: &[ProducerCounts]) -> HashMap<String, String> {
    producers
        .iter()
        .map(|c| (c.producer.slug.to_string(), c.producer.name.clone()))
        .collect()
}

fn producer_slug(producer: Option<&pilote_domain::Slug>) -> String {
    producer.map(ToString::to_string).unwrap_or_default()
}

/// A producer's name, or its slug when it is not described.
fn producer_name(
    producer: Option<&pilote_domain::Slug>,
    names: &HashMap<String, String>,
) -> String {
    producer
        .map(|p| {
            names
                .get(p.as_str())
                .cloned()
                .unwrap_or_else(|| p.to_string())
        })
        .unwrap_or_default()
}

/// How many producers the dataset list's filter offers: the national import has two
/// hundred, too heavy a select; all of them are on `/donnees/producteurs`.
const FILTER_PRODUCERS: usize = 30;

/// The dataset list's producer filter: the [`FILTER_PRODUCERS`] publishing the most
/// datasets, and the one chosen, in the store's order.
fn producer_choices(producers: &[ProducerCounts], selected: Option<&str>) -> Vec<Choice> {
    let mut biggest: Vec<&ProducerCounts> = producers.iter().filter(|c| c.datasets > 0).collect();
    biggest.sort_by_key(|c| std::cmp::Reverse(c.datasets));
    let kept: Vec<&str> = biggest
        .iter()
        .take(FILTER_PRODUCERS)
        .map(|c| c.producer.slug.as_str())
        .collect();
    choices(
        producers
            .iter()
            .filter(|c| {
                kept.contains(&c.producer.slug.as_str())
                    || selected == Some(c.producer.slug.as_str())
            })
            .map(|c| {
                (
                    c.producer.slug.to_string(),
                    format!("{} ({})", c.producer.name, c.datasets),
                )
            }),
        selected,
    )
}

/// The access types as a select's choices.
fn access_choices(selected: Option<&String>) -> Vec<Choice> {
    choices(
        AccessType::ALL
            .iter()
            .map(|a| (a.as_str().to_owned(), a.label().to_owned())),
        wanted(selected),
    )
}

/// A line of the dataset list.
struct DatasetLine {
    slug: String,
    title: String,
    /// The producer's slug and name, empty when unknown.
    producer_slug: String,
    producer_name: String,
    access: &'static str,
    badge: &'static str,
    formats: String,
    licence: String,
    modified: String,
    quality: String,
}

impl DatasetLine {
    fn new(dataset: &Dataset, names: &HashMap<String, String>) -> Self {
        Self {
            slug: dataset.slug.to_string(),
            title: dataset.title.clone(),
            producer_slug: producer_slug(dataset.producer.as_ref()),
            producer_name: producer_name(dataset.producer.as_ref(), names),
            access: dataset.access.label(),
            badge: access_badge(dataset.access),
            formats: dataset.formats().join(", "),
            licence: dataset.licence.clone().unwrap_or_default(),
            modified: dataset.modified.map(|d| d.to_string()).unwrap_or_default(),
            quality: percent(dataset.quality),
        }
    }
}

/// A datalab project on the catalogue's page.
struct ProjectLine {
    title: String,
    status: &'static str,
    datasets: Vec<String>,
}

#[derive(Template)]
#[template(path = "data_catalogue.html")]
struct CataloguePage {
    layout: Layout,
    nav_label: &'static str,
    sections: Vec<Section>,
    lines: Vec<DatasetLine>,
    total: usize,
    q: String,
    producers: Vec<Choice>,
    accesses: Vec<Choice>,
    formats: Vec<Choice>,
    licences: Vec<Choice>,
    sorts: Vec<Choice>,
    errors: BTreeMap<String, String>,
    filters_query: String,
    pagination: Pagination,
    projects: Vec<ProjectLine>,
}

impl CataloguePage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    /// The errors as (element id, « label : message »), for the summary at the top.
    fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|(field, message)| {
                let label = match field.as_str() {
                    "producer" => "Producteur",
                    "access" => "Type d’accès",
                    "format" => "Format",
                    "licence" => "Licence",
                    "sort" => "Trier par",
                    other => other,
                };
                (format!("f-{field}"), format!("{label} : {message}"))
            })
            .collect()
    }
}

/// `GET /donnees`.
pub async fn catalogue(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    let query: DatasetQuery = parse_query(uri.query())?;
    let number = page_number(uri.query());
    let store = state.store();
    let (found, errors) = match filters(&query, number, PAGE_SIZE) {
        Ok(filters) => (
            Some(
                store
                    .list_datasets(&filters)
                    .await
                    .map_err(ApiError::from)?,
            ),
            BTreeMap::new(),
        ),
        Err(error) => (None, field_errors(error)?),
    };
    let producers = store.data_producer_counts().await.map_err(ApiError::from)?;
    let facets = store.dataset_facets().await.map_err(ApiError::from)?;
    let names = producer_names(&producers);
    let counted = |values: Vec<(String, usize)>, selected: Option<&String>| {
        choices(
            values
                .into_iter()
                .map(|(value, count)| (value.clone(), format!("{value} ({count})"))),
            wanted(selected).map(str::to_lowercase).as_deref(),
        )
    };
    let filters_query = query_of([
        ("q", query.q.as_ref()),
        ("producer", query.producer.as_ref()),
        ("access", query.access.as_ref()),
        ("format", query.format.as_ref()),
        ("licence", query.licence.as_ref()),
        ("sort", query.sort.as_ref()),
    ]);
    let total = found.as_ref().map_or(0, |f| f.total);
    let sort = wanted(query.sort.as_ref()).and_then(DatasetSort::parse);
    let titles: HashMap<String, String> = found
        .iter()
        .flat_map(|f| &f.datasets)
        .map(|d| (d.slug.to_string(), d.title.clone()))
        .collect();
    let projects = store
        .data_projects()
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|p: DataProject| ProjectLine {
            title: p.title,
            status: p.status.label(),
            datasets: p
                .datasets
                .iter()
                .map(|d| {
                    titles
                        .get(d.as_str())
                        .cloned()
                        .unwrap_or_else(|| d.to_string())
                })
                .collect(),
        })
        .collect();
    let has_errors = !errors.is_empty();
    let layout = Layout::new("/donnees", &[("", "Données")]).with_errors(has_errors);
    let page_view = CataloguePage {
        layout,
        nav_label: "Catalogue des données",
        sections: sections("/donnees"),
        lines: found
            .iter()
            .flat_map(|f| &f.datasets)
            .map(|d| DatasetLine::new(d, &names))
            .collect(),
        total,
        q: query.q.clone().unwrap_or_default(),
        producers: producer_choices(&producers, wanted(query.producer.as_ref())),
        accesses: access_choices(query.access.as_ref()),
        formats: counted(facets.formats, query.format.as_ref()),
        licences: counted(facets.licences, query.licence.as_ref()),
        sorts: DatasetSort::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: sort_label(*s).to_owned(),
                selected: Some(*s) == sort,
            })
            .collect(),
        errors,
        pagination: Pagination::new("/donnees", &filters_query, number, total),
        filters_query,
        projects,
    };
    let mut response = page(&page_view)?.into_response();
    if has_errors {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// A resource of the dataset page.
struct ResourceLine {
    title: String,
    kind: &'static str,
    format: String,
    size: String,
    modified: String,
    /// Its address; none when the visitor is not entitled to it.
    url: Option<String>,
    availability: &'static str,
}

impl ResourceLine {
    fn new(resource: &Resource, shown: bool) -> Self {
        Self {
            title: resource.title.clone(),
            kind: resource.kind.label(),
            format: resource.format.clone().unwrap_or_default(),
            size: human_size(resource.size),
            modified: day_of(resource.last_modified.as_deref()),
            url: (shown && !resource.url.is_empty()).then(|| resource.url.clone()),
            availability: match resource.available {
                Some(true) => "Disponible",
                Some(false) => "Indisponible",
                None => "Non vérifiée",
            },
        }
    }
}

#[derive(Template)]
#[template(path = "dataset.html")]
struct DatasetPage {
    layout: Layout,
    nav_label: &'static str,
    sections: Vec<Section>,
    dataset: Dataset,
    description: String,
    producer: Option<Producer>,
    badge: &'static str,
    restricted: bool,
    /// Whether it takes an account at its producer's.
    account: bool,
    request_href: String,
    coverage: String,
    quality: String,
    resources: Vec<ResourceLine>,
    apis: Vec<Api>,
    authorised: Authorised,
}

/// An authorisation in the producer's staff's list.
struct AuthorisationLine {
    siret: String,
    state: &'static str,
    granted: String,
    ended: String,
    request: i64,
}

/// What a restricted dataset's or API's page tells the visitor of who is authorised: the
/// list to the producer's staff, the date to an authorised organisation's agent.
#[derive(Default)]
struct Authorised {
    /// The staff's list; `None` for anyone else.
    lines: Option<Vec<AuthorisationLine>>,
    /// The day the visitor's organisation was authorised.
    since: Option<String>,
}

impl Authorised {
    fn new(entitlement: &Entitlement, authorisations: &[Authorisation]) -> Self {
        match entitlement {
            Entitlement::Staff => Self {
                lines: Some(
                    authorisations
                        .iter()
                        .map(|a| AuthorisationLine {
                            siret: a.siret.clone(),
                            state: a.state.label(),
                            granted: day_of(Some(a.granted_at.as_str())),
                            ended: day_of(a.ended_at.as_deref()),
                            request: a.request,
                        })
                        .collect(),
                ),
                since: None,
            },
            Entitlement::Authorised { since } => Self {
                lines: None,
                since: Some(day_of(Some(since.as_str()))),
            },
            Entitlement::Public | Entitlement::Withheld => Self::default(),
        }
    }
}

/// The period a dataset covers, as a sentence's end.
fn coverage(dataset: &Dataset) -> String {
    match (dataset.temporal_start, dataset.temporal_end) {
        (Some(start), Some(end)) => format!("du {start} au {end}"),
        (Some(start), None) => format!("depuis le {start}"),
        (None, Some(end)) => format!("jusqu’au {end}"),
        (None, None) => String::new(),
    }
}

/// `GET /donnees/jeux-de-donnees/{slug}`.
pub async fn dataset(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let record = state
        .store()
        .dataset(&path_slug(&slug)?)
        .await
        .map_err(ApiError::from)?;
    let dataset = record.dataset;
    let restricted = dataset.access == AccessType::Restricted;
    let (entitlement, authorisations) = entitlement_to(
        &state,
        visitor.principal.as_ref(),
        dataset.access,
        dataset.producer.as_ref(),
        AuthorisationsOf::Dataset(dataset.slug.clone()),
    )
    .await?;
    let shown = entitlement.allows_details();
    let request_href = format!(
        "{REQUEST_PATH}?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("jeu", dataset.slug.as_str())
            .finish()
    );
    page(&DatasetPage {
        layout: Layout::new("/donnees", &[("/donnees", "Données"), ("", &dataset.title)]),
        nav_label: "Catalogue des données",
        sections: sections(""),
        description: to_safe_html(&dataset.description),
        producer: record.producer,
        badge: access_badge(dataset.access),
        restricted,
        account: dataset.access == AccessType::Account,
        request_href,
        coverage: coverage(&dataset),
        quality: percent(dataset.quality),
        resources: dataset
            .resources
            .iter()
            .map(|r| ResourceLine::new(r, shown))
            .collect(),
        apis: record.apis,
        authorised: Authorised::new(&entitlement, &authorisations),
        dataset,
    })
}

/// A line of the API list.
struct ApiLine {
    slug: String,
    title: String,
    tagline: String,
    /// The producer's slug and name, empty when unknown.
    producer_slug: String,
    producer_name: String,
    access: &'static str,
    badge: &'static str,
    themes: String,
}

impl ApiLine {
    fn new(api: &Api, names: &HashMap<String, String>) -> Self {
        Self {
            slug: api.slug.to_string(),
            title: api.title.clone(),
            tagline: api.tagline.clone(),
            producer_slug: producer_slug(api.producer.as_ref()),
            producer_name: producer_name(api.producer.as_ref(), names),
            access: api.access.label(),
            badge: access_badge(api.access),
            themes: api.themes.join(", "),
        }
    }
}

#[derive(Template)]
#[template(path = "data_apis.html")]
struct ApisPage {
    layout: Layout,
    nav_label: &'static str,
    sections: Vec<Section>,
    lines: Vec<ApiLine>,
    total: usize,
    q: String,
    producers: Vec<Choice>,
    accesses: Vec<Choice>,
    themes: Vec<Choice>,
    errors: BTreeMap<String, String>,
    pagination: Pagination,
}

impl ApisPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|(field, message)| {
                let label = match field.as_str() {
                    "producer" => "Producteur",
                    "access" => "Type d’accès",
                    other => other,
                };
                (format!("f-{field}"), format!("{label} : {message}"))
            })
            .collect()
    }
}

/// `GET /donnees/api`.
pub async fn apis(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    let query: ApiQuery = parse_query(uri.query())?;
    let store = state.store();
    let (found, errors) = match api_filters(&query) {
        Ok(filters) => (
            store.list_apis(&filters).await.map_err(ApiError::from)?,
            BTreeMap::new(),
        ),
        Err(error) => (Vec::new(), field_errors(error)?),
    };
    // A few hundred APIs: their themes come from the whole list.
    let all = store
        .list_apis(&pilote_store::ApiFilters::default())
        .await
        .map_err(ApiError::from)?;
    let mut themes: Vec<String> = all.iter().flat_map(|a| a.themes.iter().cloned()).collect();
    themes.sort_by_cached_key(|t| pilote_search::fold(t));
    themes.dedup();
    let producers = store.data_producer_counts().await.map_err(ApiError::from)?;
    let names = producer_names(&producers);
    let total = found.len();
    let last = total.div_ceil(PAGE_SIZE).max(1);
    let number = page_number(uri.query()).min(last);
    let base = query_of([
        ("q", query.q.as_ref()),
        ("producer", query.producer.as_ref()),
        ("access", query.access.as_ref()),
        ("theme", query.theme.as_ref()),
    ]);
    let has_errors = !errors.is_empty();
    let view = ApisPage {
        layout: Layout::new("/donnees", &[("/donnees", "Données"), ("", "API")])
            .with_errors(has_errors),
        nav_label: "Catalogue des données",
        sections: sections("/donnees/api"),
        lines: found
            .iter()
            .skip((number - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|a| ApiLine::new(a, &names))
            .collect(),
        total,
        q: query.q.clone().unwrap_or_default(),
        producers: choices(
            producers.iter().filter(|c| c.apis > 0).map(|c| {
                (
                    c.producer.slug.to_string(),
                    format!("{} ({})", c.producer.name, c.apis),
                )
            }),
            wanted(query.producer.as_ref()),
        ),
        accesses: access_choices(query.access.as_ref()),
        themes: choices(
            themes.into_iter().map(|t| (t.clone(), t)),
            wanted(query.theme.as_ref()),
        ),
        errors,
        pagination: Pagination::new("/donnees/api", &base, number, total),
    };
    let mut response = page(&view)?.into_response();
    if has_errors {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "data_api.html")]
struct ApiPage {
    layout: Layout,
    nav_label: &'static str,
    sections: Vec<Section>,
    api: Api,
    producer: Option<Producer>,
    badge: &'static str,
    restricted: bool,
    request_href: String,
    documentation: Option<String>,
    uptime: String,
    /// Each theme with the list's query for it.
    themes: Vec<(String, String)>,
    /// How to reach the API's team, and its link (a `mailto:` for an e-mail address; empty
    /// when it is neither an address nor an e-mail).
    contact: String,
    contact_href: String,
    authorised: Authorised,
}

/// `GET /donnees/api/{slug}`.
pub async fn api(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let store = state.store();
    let api = store
        .data_api(&path_slug(&slug)?)
        .await
        .map_err(ApiError::from)?;
    let producer = match &api.producer {
        Some(slug) => store
            .data_producers()
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .find(|p| &p.slug == slug),
        None => None,
    };
    let restricted = api.access == AccessType::Restricted;
    let (entitlement, authorisations) = entitlement_to(
        &state,
        visitor.principal.as_ref(),
        api.access,
        api.producer.as_ref(),
        AuthorisationsOf::Api(api.slug.clone()),
    )
    .await?;
    let request_href = format!(
        "{REQUEST_PATH}?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("api", api.slug.as_str())
            .finish()
    );
    // The API catalogue gives its documentation's address on its own site.
    let documentation = api.documentation_url.as_ref().map(|url| {
        if url.starts_with('/') {
            format!("https://api.gouv.fr{url}")
        } else {
            url.clone()
        }
    });
    let contact = api.contact.clone().unwrap_or_default();
    let contact_href = if contact.starts_with("http://") || contact.starts_with("https://") {
        contact.clone()
    } else if contact.contains('@') {
        format!("mailto:{contact}")
    } else {
        String::new()
    };
    page(&ApiPage {
        layout: Layout::new(
            "/donnees",
            &[
                ("/donnees", "Données"),
                ("/donnees/api", "API"),
                ("", &api.title),
            ],
        ),
        nav_label: "Catalogue des données",
        sections: sections(""),
        producer,
        badge: access_badge(api.access),
        restricted,
        request_href,
        documentation,
        uptime: api
            .uptime
            .map(|u| format!("{u:.2} %").replace('.', ","))
            .unwrap_or_default(),
        themes: api
            .themes
            .iter()
            .map(|t| (t.clone(), query_of([("theme", Some(t))])))
            .collect(),
        contact,
        contact_href,
        authorised: Authorised::new(&entitlement, &authorisations),
        api,
    })
}

#[derive(Template)]
#[template(path = "data_producer.html")]
struct ProducerPage {
    layout: Layout,
    nav_label: &'static str,
    sections: Vec<Section>,
    producer: Producer,
    datasets: Vec<DatasetLine>,
    total: usize,
    apis: Vec<ApiLine>,
    pagination: Pagination,
}

/// `GET /donnees/producteurs/{slug}`: the producer, its datasets (paged) and its APIs.
pub async fn producer(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let slug = path_slug(&slug)?;
    let store = state.store();
    let producer = store
        .data_producers()
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .find(|p| p.slug == slug)
        .ok_or(ApiError::NotFound)?;
    let number = page_number(uri.query());
    let query = DatasetQuery {
        producer: Some(slug.to_string()),
        ..DatasetQuery::default()
    };
    let found = store
        .list_datasets(&filters(&query, number, PAGE_SIZE)?)
        .await
        .map_err(ApiError::from)?;
    let apis = store
        .list_apis(&pilote_store::ApiFilters {
            producer: Some(slug.clone()),
            ..pilote_store::ApiFilters::default()
        })
        .await
        .map_err(ApiError::from)?;
    let names = HashMap::from([(producer.slug.to_string(), producer.name.clone())]);
    let path = format!("/donnees/producteurs/{slug}");
    page(&ProducerPage {
        layout: Layout::new("/donnees", &[("/donnees", "Données"), ("", &producer.name)]),
        nav_label: "Catalogue des données",
        sections: sections(""),
        datasets: found
            .datasets
            .iter()
            .map(|d| DatasetLine::new(d, &names))
            .collect(),
        total: found.total,
        apis: apis.iter().map(|a| ApiLine::new(a, &names)).collect(),
        pagination: Pagination::new(&path, "", number, found.total),
        producer,
    })
}

/// A line of the producers' index.
struct ProducerLine {
    slug: String,
    name: String,
    datasets: usize,
    apis: usize,
}

#[derive(Template)]
#[template(path = "data_producers.html")]
struct ProducersPage {
    layout: Layout,
    nav_label: &'static str,
    sections: Vec<Section>,
    lines: Vec<ProducerLine>,
    total: usize,
    pagination: Pagination,
}

/// `GET /donnees/producteurs`: every producer with what it publishes, by name, paged.
pub async fn producers(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let mut producers = state
        .store()
        .data_producer_counts()
        .await
        .map_err(ApiError::from)?;
    producers.sort_by_cached_key(|c| pilote_search::fold(&c.producer.name));
    let total = producers.len();
    let last = total.div_ceil(PAGE_SIZE).max(1);
    let number = page_number(uri.query()).min(last);
    page(&ProducersPage {
        layout: Layout::new("/donnees", &[("/donnees", "Données"), ("", "Producteurs")]),
        nav_label: "Catalogue des données",
        sections: sections("/donnees/producteurs"),
        lines: producers
            .into_iter()
            .skip((number - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|c| ProducerLine {
                slug: c.producer.slug.to_string(),
                name: c.producer.name,
                datasets: c.datasets,
                apis: c.apis,
            })
            .collect(),
        total,
        pagination: Pagination::new("/donnees/producteurs", "", number, total),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(Some(512)), "512 o");
        assert_eq!(human_size(Some(1_500)), "1,5 ko");
        assert_eq!(human_size(Some(12_345_678)), "12,3 Mo");
        assert_eq!(human_size(Some(3_000_000_000)), "3,0 Go");
        assert_eq!(human_size(None), "");
    }
}
