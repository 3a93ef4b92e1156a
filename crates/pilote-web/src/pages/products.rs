//! The products: the filterable list, its downloads, and a product's page.

use askama::Template;
use axum::extract::{OriginalUri, Path, State};
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::identity::Action;
use pilote_domain::portfolio::{PhaseName, Product};

use super::download::Table;
use super::markdown::to_safe_html;
use super::{Layout, PAGE_SIZE, PageError, Pagination, page};
use crate::api::extract::parse_query;
use crate::api::{Page, Paging, path_slug};
use crate::query::{ProductFilters, ProductSort, matching_products};
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// One row of the products table.
struct Row<'a> {
    product: &'a Product,
    phase: Option<PhaseName>,
    incubator: String,
}

/// A choice of a filter's select.
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

/// A select's choices, (value, label) each, `selected` being the value chosen.
pub(crate) fn choices(
    values: impl IntoIterator<Item = (String, String)>,
    selected: Option<&str>,
) -> Vec<Choice> {
    values
        .into_iter()
        .map(|(value, label)| Choice {
            selected: selected == Some(value.as_str()),
            value,
            label,
        })
        .collect()
}

/// The phases, as a select's choices.
pub(crate) fn phase_choices(selected: Option<&str>) -> Vec<Choice> {
    choices(
        PhaseName::ALL
            .iter()
            .map(|p| (p.as_str().to_owned(), p.label().to_owned())),
        selected,
    )
}

#[derive(Template)]
#[template(path = "products.html")]
struct ProductsPage<'a> {
    layout: Layout,
    rows: Vec<Row<'a>>,
    total: usize,
    phases: Vec<Choice>,
    incubators: Vec<Choice>,
    sorts: Vec<Choice>,
    q: String,
    sponsor: String,
    thematique: String,
    usertype: String,
    pagination: Pagination,
    filters_query: String,
}

/// The query string of the filters, without paging, for links and downloads.
fn filters_query(filters: &ProductFilters) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let pairs = [
        ("phase", &filters.phase),
        ("incubator", &filters.incubator),
        ("sponsor", &filters.sponsor),
        ("thematique", &filters.thematique),
        ("usertype", &filters.usertype),
        ("q", &filters.q),
    ];
    for (key, value) in pairs {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            query.append_pair(key, value);
        }
    }
    if let Some(sort) = filters.sort.filter(|sort| *sort != ProductSort::Title) {
        query.append_pair("sort", sort.as_str());
    }
    query.finish()
}

fn incubator_title(model: &ReadModel, product: &Product) -> String {
    model
        .incubator(&product.incubator)
        .map_or_else(|| product.incubator.to_string(), |i| i.title.clone())
}

/// `GET /produits`.
pub async fn list(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let filters: ProductFilters = parse_query(uri.query())?;
    let paging: Paging = parse_query(uri.query())?;
    let paging = Paging {
        page_size: Some(PAGE_SIZE),
        ..paging
    };
    let model = state.model();
    let products = matching_products(&model, &filters)?;
    let page_of = Page::of(products.into_iter(), paging)?;
    let portfolio = model.portfolio();
    let rows = page_of
        .data
        .iter()
        .map(|product| Row {
            product,
            phase: product.current_phase().map(|p| p.name),
            incubator: incubator_title(&model, product),
        })
        .collect();
    let mut incubators: Vec<(String, String)> = portfolio
        .incubators
        .iter()
        .map(|i| (i.slug.to_string(), i.title.clone()))
        .collect();
    incubators.sort_by_cached_key(|(_, title)| pilote_search::fold(title));
    let base = filters_query(&filters);
    let pagination = Pagination::new("/produits", &base, page_of.page, page_of.total);
    let sort = filters.sort.unwrap_or_default();
    let mut layout =
        Layout::new("/produits", &[("/produits", "Produits")]).creation(Action::CreateProduct);
    layout.query = filters.q.clone().unwrap_or_default();
    page(&ProductsPage {
        layout,
        rows,
        total: page_of.total,
        phases: phase_choices(filters.phase.as_deref()),
        incubators: choices(incubators, filters.incubator.as_deref()),
        sorts: ProductSort::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: s.label().to_owned(),
                selected: *s == sort,
            })
            .collect(),
        q: filters.q.clone().unwrap_or_default(),
        sponsor: filters.sponsor.clone().unwrap_or_default(),
        thematique: filters.thematique.clone().unwrap_or_default(),
        usertype: filters.usertype.clone().unwrap_or_default(),
        pagination,
        filters_query: base,
    })
}

/// The columns of the products download.
const CSV_COLUMNS: &[&str] = &[
    "slug",
    "titre",
    "mission",
    "phase",
    "debut_phase",
    "incubateur",
    "sponsors",
    "thematiques",
    "usagers",
    "lien",
    "depot",
    "statut_accessibilite",
];

/// `GET /produits.csv`: the filtered list, whole.
pub async fn csv(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    let filters: ProductFilters = parse_query(uri.query())?;
    let model = state.model();
    let rows = matching_products(&model, &filters)?
        .into_iter()
        .map(|product| {
            let phase = product.current_phase();
            vec![
                product.slug.to_string(),
                product.title.clone(),
                product.mission.clone(),
                phase.map_or("", |p| p.name.as_str()).to_owned(),
                phase.map(|p| p.start.to_string()).unwrap_or_default(),
                product.incubator.to_string(),
                product
                    .sponsors
                    .iter()
                    .map(pilote_domain::Slug::as_str)
                    .collect::<Vec<_>>()
                    .join(";"),
                product.thematiques.join(";"),
                product.usertypes.join(";"),
                product.link.clone().unwrap_or_default(),
                product.repository.clone().unwrap_or_default(),
                product.accessibility_status.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        name: "produits",
        columns: CSV_COLUMNS,
        rows,
    }
    .csv()
}

/// `GET /produits.json`: the filtered list, whole, as the API shows products.
pub async fn json(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    let filters: ProductFilters = parse_query(uri.query())?;
    let model = state.model();
    let products: Vec<_> = matching_products(&model, &filters)?
        .into_iter()
        .map(crate::api::products::ProductJson::new)
        .collect();
    Ok(axum::Json(products).into_response())
}

/// One member of a product's team.
struct TeamMember<'a> {
    slug: &'a str,
    fullname: &'a str,
    role: &'a str,
    domaine: &'a str,
    active: bool,
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage<'a> {
    layout: Layout,
    product: &'a Product,
    phase: Option<PhaseName>,
    description: String,
    incubator: String,
    sponsors: Vec<(String, String)>,
    team: Vec<TeamMember<'a>>,
    former_members: usize,
    indicators: Vec<super::impact::IndicatorView<'a>>,
    /// No measurement for more than six months.
    impact_stale: bool,
    /// Whether the visitor may manage the product's impact, to offer its forms.
    manage_impact: bool,
    /// The team's health and gaps, in one sentence each (few nodes keep the page light).
    team_health: String,
    team_gaps: Option<String>,
    /// Its releases and cadence, in one sentence.
    releases: String,
    /// Investment committees' decisions, latest first.
    decisions: Vec<super::committees::DecisionLine>,
}

/// `GET /produits/{slug}`.
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let slug = path_slug(&slug)?;
    let model = state.model();
    let product = model.product(&slug).ok_or(ApiError::NotFound)?;
    let today = chrono::Local::now().date_naive();
    let mut team: Vec<TeamMember> = model
        .portfolio()
        .members
        .iter()
        .filter(|m| {
            m.missions
                .iter()
                .any(|mission| mission.products.contains(&slug))
        })
        .map(|m| TeamMember {
            slug: m.slug.as_str(),
            fullname: &m.fullname,
            role: &m.role,
            domaine: m.domaine.label(),
            active: m
                .missions
                .iter()
                .any(|mission| mission.products.contains(&slug) && mission.covers(today)),
        })
        .collect();
    // The page shows the current team; former members are counted and listed elsewhere.
    let former_members = team.iter().filter(|m| !m.active).count();
    team.retain(|m| m.active);
    let sponsors = product
        .sponsors
        .iter()
        .map(|s| {
            (
                s.to_string(),
                model
                    .organisation(s)
                    .map_or_else(|| s.to_string(), |o| o.name.clone()),
            )
        })
        .collect();
    let (indicators, impact_stale) = super::impact::product_section(&model, product);
    let layout = Layout::new(
        "/produits",
        &[("/produits", "Produits"), ("", &product.title)],
    )
    .record(
        Action::UpdateProduct,
        Action::DeleteProduct,
        &crate::auth::product_target(&product.slug, &product.incubator),
    );
    let manage_impact = crate::api::indicators::may_manage(layout.principal.as_ref(), product);
    let composition = model.team_of(product, today);
    let (team_health, team_gaps) = super::delivery::team_sentences(&composition);
    let releases = super::delivery::release_sentence(&model, product, today);
    let decisions = super::committees::product_section(&state, product).await?;
    page(&ProductPage {
        layout,
        manage_impact,
        phase: product.current_phase().map(|p| p.name),
        description: to_safe_html(&product.description),
        incubator: incubator_title(&model, product),
        sponsors,
        team,
        former_members,
        indicators,
        impact_stale,
        team_health,
        team_gaps,
        releases,
        decisions,
        product,
    })
}
