//! The rest of the network: incubators, organisations, members and teams.

use askama::Template;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Html;
use pilote_domain::portfolio::{
    Domaine, Incubator, Member, Organisation, PhaseName, Product, Team,
};

use super::markdown::to_safe_html;
use super::{Layout, PAGE_SIZE, PageError, Pagination, page};
use crate::api::extract::parse_query;
use crate::api::{Page, Paging, path_slug};
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// A table of links: each row a record's address, its name and other cells.
#[derive(Template)]
#[template(path = "table.html")]
struct TablePage {
    layout: Layout,
    title: &'static str,
    intro: String,
    columns: Vec<&'static str>,
    rows: Vec<TableRow>,
    pagination: Pagination,
}

impl TablePage {
    /// One page of `rows` sorted by name, for the list at `path`.
    fn new(
        layout: Layout,
        (title, path): (&'static str, &str),
        intro: String,
        columns: Vec<&'static str>,
        mut rows: Vec<TableRow>,
        paging: Paging,
    ) -> Result<Self, PageError> {
        rows.sort_by_cached_key(|row| pilote_search::fold(&row.name));
        let found = Page::of(
            rows.into_iter(),
            Paging {
                page_size: Some(PAGE_SIZE),
                ..paging
            },
        )?;
        Ok(Self {
            layout,
            title,
            intro,
            columns,
            pagination: Pagination::new(path, "", found.page, found.total),
            rows: found.data,
        })
    }
}

struct TableRow {
    href: String,
    name: String,
    cells: Vec<String>,
}

/// Products of the portfolio grouped by current phase, in display order.
struct PhaseGroup<'a> {
    phase: PhaseName,
    products: Vec<&'a Product>,
}

fn by_phase<'a>(products: &[&'a Product]) -> Vec<PhaseGroup<'a>> {
    PhaseName::ALL
        .iter()
        .map(|&phase| PhaseGroup {
            phase,
            products: products
                .iter()
                .copied()
                .filter(|p| p.current_phase().is_some_and(|c| c.name == phase))
                .collect(),
        })
        .filter(|group| !group.products.is_empty())
        .collect()
}

fn sorted_products(model: &ReadModel, keep: impl Fn(&Product) -> bool) -> Vec<&Product> {
    model
        .products_by_title()
        .map(|(p, _)| p)
        .filter(|p| keep(p))
        .collect()
}

/// `GET /incubateurs`.
pub async fn incubators(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let paging: Paging = parse_query(uri.query())?;
    let model = state.model();
    let rows: Vec<TableRow> = model
        .portfolio()
        .incubators
        .iter()
        .map(|i| {
            let count = model
                .portfolio()
                .products
                .iter()
                .filter(|p| p.incubator == i.slug)
                .count();
            TableRow {
                href: format!("/incubateurs/{}", i.slug),
                name: i.title.clone(),
                cells: vec![count.to_string()],
            }
        })
        .collect();
    let intro = format!(
        "{} incubateurs accompagnent les produits du réseau.",
        rows.len()
    );
    page(&TablePage::new(
        Layout::new("/incubateurs", &[("", "Incubateurs")]),
        ("Incubateurs", "/incubateurs"),
        intro,
        vec!["Incubateur", "Produits"],
        rows,
        paging,
    )?)
}

#[derive(Template)]
#[template(path = "incubator.html")]
struct IncubatorPage<'a> {
    layout: Layout,
    incubator: &'a Incubator,
    owner: Option<&'a Organisation>,
    description: String,
    groups: Vec<PhaseGroup<'a>>,
    teams: Vec<&'a Team>,
}

/// `GET /incubateurs/{slug}`.
pub async fn incubator(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let slug = path_slug(&slug)?;
    let model = state.model();
    let incubator = model.incubator(&slug).ok_or(ApiError::NotFound)?;
    let products = sorted_products(&model, |p| {
        p.incubator == slug || p.incubators.contains(&slug)
    });
    page(&IncubatorPage {
        layout: Layout::new(
            "/incubateurs",
            &[("/incubateurs", "Incubateurs"), ("", &incubator.title)],
        ),
        owner: incubator.owner.as_ref().and_then(|o| model.organisation(o)),
        description: to_safe_html(&incubator.description),
        groups: by_phase(&products),
        teams: model
            .portfolio()
            .teams
            .iter()
            .filter(|t| t.incubator == slug)
            .collect(),
        incubator,
    })
}

/// `GET /organisations`.
pub async fn organisations(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let paging: Paging = parse_query(uri.query())?;
    let model = state.model();
    let rows: Vec<TableRow> = model
        .portfolio()
        .organisations
        .iter()
        .map(|o| {
            let count = model
                .portfolio()
                .products
                .iter()
                .filter(|p| p.sponsors.contains(&o.slug))
                .count();
            TableRow {
                href: format!("/organisations/{}", o.slug),
                name: o.name.clone(),
                cells: vec![
                    o.acronym.clone().unwrap_or_default(),
                    o.ministerial_domain.clone(),
                    count.to_string(),
                ],
            }
        })
        .collect();
    let intro = format!(
        "{} organisations publiques sponsorisent ou portent les produits.",
        rows.len()
    );
    page(&TablePage::new(
        Layout::new("/organisations", &[("", "Organisations")]),
        ("Organisations", "/organisations"),
        intro,
        vec![
            "Organisation",
            "Sigle",
            "Domaine ministériel",
            "Produits sponsorisés",
        ],
        rows,
        paging,
    )?)
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage<'a> {
    layout: Layout,
    organisation: &'a Organisation,
    groups: Vec<PhaseGroup<'a>>,
    incubators: Vec<&'a Incubator>,
}

/// `GET /organisations/{slug}`.
pub async fn organisation(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let slug = path_slug(&slug)?;
    let model = state.model();
    let organisation = model.organisation(&slug).ok_or(ApiError::NotFound)?;
    let products = sorted_products(&model, |p| p.sponsors.contains(&slug));
    page(&OrganisationPage {
        layout: Layout::new(
            "/organisations",
            &[
                ("/organisations", "Organisations"),
                ("", &organisation.name),
            ],
        ),
        groups: by_phase(&products),
        incubators: model
            .portfolio()
            .incubators
            .iter()
            .filter(|i| i.owner.as_ref() == Some(&slug))
            .collect(),
        organisation,
    })
}

/// Filters of the members page.
#[derive(Debug, Default, serde::Deserialize)]
struct MemberFilters {
    domaine: Option<String>,
    product: Option<String>,
    active: Option<String>,
    q: Option<String>,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage<'a> {
    layout: Layout,
    members: Vec<&'a Member>,
    total: usize,
    domaines: Vec<Choice>,
    active_only: bool,
    q: String,
    product: String,
    pagination: Pagination,
}

/// `GET /membres`.
pub async fn members(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let filters: MemberFilters = parse_query(uri.query())?;
    let paging: Paging = parse_query(uri.query())?;
    let paging = Paging {
        page_size: Some(20),
        ..paging
    };
    let domaine = filters
        .domaine
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(|d| Domaine::parse(d).map_err(|e| ApiError::field("domaine", e.to_string())))
        .transpose()?;
    let active_only = filters.active.as_deref() == Some("true");
    let product = filters.product.as_deref().filter(|p| !p.is_empty());
    let q = filters
        .q
        .as_deref()
        .map(pilote_search::fold)
        .filter(|q| !q.is_empty());
    let today = chrono::Local::now().date_naive();
    let model = state.model();
    let matching = model.members_by_name().filter(|(m, name)| {
        domaine.is_none_or(|d| m.domaine == d)
            && (!active_only || m.is_active_on(today))
            && product.is_none_or(|p| {
                m.missions
                    .iter()
                    .flat_map(|mission| &mission.products)
                    .any(|s| s.as_str() == p)
            })
            && q.as_deref().is_none_or(|q| pilote_search::matches(name, q))
    });
    let found = Page::of(matching.map(|(m, _)| m), paging)?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(d) = domaine {
        query.append_pair("domaine", d.label());
    }
    if active_only {
        query.append_pair("active", "true");
    }
    if let Some(product) = product {
        query.append_pair("product", product);
    }
    if let Some(q) = filters.q.as_deref().filter(|q| !q.is_empty()) {
        query.append_pair("q", q);
    }
    let base = query.finish();
    page(&MembersPage {
        layout: Layout::new("/membres", &[("", "Membres")]).writable(&state),
        total: found.total,
        domaines: Domaine::ALL
            .iter()
            .map(|d| Choice {
                value: d.label().to_owned(),
                label: d.label().to_owned(),
                selected: Some(*d) == domaine,
            })
            .collect(),
        active_only,
        q: filters.q.clone().unwrap_or_default(),
        product: product.unwrap_or_default().to_owned(),
        pagination: Pagination::new("/membres", &base, found.page, found.total),
        members: found.data,
    })
}

struct MissionView<'a> {
    start: String,
    end: String,
    status: &'static str,
    employer: &'a str,
    products: Vec<(&'a str, String)>,
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage<'a> {
    layout: Layout,
    member: &'a Member,
    missions: Vec<MissionView<'a>>,
    bio: String,
}

/// `GET /membres/{slug}`: the public fields of a member.
pub async fn member(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let slug = path_slug(&slug)?;
    let model = state.model();
    let member = model.member(&slug).ok_or(ApiError::NotFound)?;
    let missions = member
        .missions
        .iter()
        .map(|m| MissionView {
            start: m.start.to_string(),
            end: m.end.map_or_else(|| "—".to_owned(), |d| d.to_string()),
            status: match m.status {
                pilote_domain::portfolio::MissionStatus::Independent => "Indépendant",
                pilote_domain::portfolio::MissionStatus::Admin => "Agent public",
                pilote_domain::portfolio::MissionStatus::Service => "Prestataire",
            },
            employer: m.employer.as_deref().unwrap_or("—"),
            products: m
                .products
                .iter()
                .map(|p| {
                    (
                        p.as_str(),
                        model
                            .product(p)
                            .map_or_else(|| p.to_string(), |product| product.title.clone()),
                    )
                })
                .collect(),
        })
        .collect();
    page(&MemberPage {
        layout: Layout::new(
            "/membres",
            &[("/membres", "Membres"), ("", &member.fullname)],
        )
        .writable(&state),
        bio: to_safe_html(&member.bio),
        missions,
        member,
    })
}

/// `GET /equipes`.
pub async fn teams(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let paging: Paging = parse_query(uri.query())?;
    let model = state.model();
    let rows: Vec<TableRow> = model
        .portfolio()
        .teams
        .iter()
        .map(|t| TableRow {
            href: format!("/equipes/{}", t.slug),
            name: t.name.clone(),
            cells: vec![
                model
                    .incubator(&t.incubator)
                    .map_or_else(|| t.incubator.to_string(), |i| i.title.clone()),
            ],
        })
        .collect();
    let intro = format!(
        "{} équipes animent les incubateurs et leurs programmes.",
        rows.len()
    );
    page(&TablePage::new(
        Layout::new("/equipes", &[("", "Équipes")]),
        ("Équipes", "/equipes"),
        intro,
        vec!["Équipe", "Incubateur"],
        rows,
        paging,
    )?)
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage<'a> {
    layout: Layout,
    team: &'a Team,
    mission: String,
    incubator: Option<&'a Incubator>,
    members: Vec<&'a Member>,
}

/// `GET /equipes/{slug}`.
pub async fn team(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let slug = path_slug(&slug)?;
    let model = state.model();
    let team = model.team(&slug).ok_or(ApiError::NotFound)?;
    page(&TeamPage {
        layout: Layout::new("/equipes", &[("/equipes", "Équipes"), ("", &team.name)]),
        mission: to_safe_html(&team.mission),
        incubator: model.incubator(&team.incubator),
        members: model
            .members_by_name()
            .map(|(m, _)| m)
            .filter(|m| m.teams.contains(&slug))
            .collect(),
        team,
    })
}
