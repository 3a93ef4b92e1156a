//! The rest of the network: incubators, organisations, members and teams.

use askama::Template;
use axum::extract::{OriginalUri, Path, State};
use axum::response::{Html, Response};
use pilote_domain::identity::Action;
use pilote_domain::portfolio::{
    Domaine, Incubator, Member, Organisation, PhaseName, Product, Team,
};

use super::download::Table;
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
    /// The list's address; downloads add `.csv` or `.json`.
    downloads: &'static str,
}

struct TableRow {
    slug: String,
    href: String,
    name: String,
    cells: Vec<String>,
}

/// The lists shown as a table of links, each with its downloads.
#[derive(Debug, Clone, Copy)]
pub enum Listing {
    /// `/incubateurs`.
    Incubators,
    /// `/organisations`.
    Organisations,
    /// `/equipes`.
    Teams,
}

/// A listing's content, whole and sorted by name.
struct Listed {
    path: &'static str,
    title: &'static str,
    intro: String,
    /// Column labels for people, the name's first.
    labels: Vec<&'static str>,
    /// Column names for downloads: slug, name, then one per cell.
    columns: &'static [&'static str],
    rows: Vec<TableRow>,
}

impl Listing {
    fn list(self, model: &ReadModel) -> Listed {
        let portfolio = model.portfolio();
        let count = |keep: &dyn Fn(&Product) -> bool| {
            portfolio
                .products
                .iter()
                .filter(|p| keep(p))
                .count()
                .to_string()
        };
        let (path, title, intro, labels, columns, mut rows) = match self {
            Self::Incubators => (
                "/incubateurs",
                "Incubateurs",
                "incubateurs accompagnent les produits du réseau.",
                vec!["Incubateur", "Produits"],
                &["slug", "nom", "produits"][..],
                portfolio
                    .incubators
                    .iter()
                    .map(|i| {
                        row(
                            "/incubateurs",
                            &i.slug,
                            &i.title,
                            vec![count(&|p| p.incubator == i.slug)],
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
            Self::Organisations => (
                "/organisations",
                "Organisations",
                "organisations publiques sponsorisent ou portent les produits.",
                vec![
                    "Organisation",
                    "Sigle",
                    "Domaine ministériel",
                    "Produits sponsorisés",
                ],
                &[
                    "slug",
                    "nom",
                    "sigle",
                    "domaine_ministeriel",
                    "produits_sponsorises",
                ][..],
                portfolio
                    .organisations
                    .iter()
                    .map(|o| {
                        let cells = vec![
                            o.acronym.clone().unwrap_or_default(),
                            o.ministerial_domain.clone(),
                            count(&|p| p.sponsors.contains(&o.slug)),
                        ];
                        row("/organisations", &o.slug, &o.name, cells)
                    })
                    .collect(),
            ),
            Self::Teams => (
                "/equipes",
                "Équipes",
                "équipes animent les incubateurs et leurs programmes.",
                vec!["Équipe", "Incubateur"],
                &["slug", "nom", "incubateur"][..],
                portfolio
                    .teams
                    .iter()
                    .map(|t| {
                        let incubator = model
                            .incubator(&t.incubator)
                            .map_or_else(|| t.incubator.to_string(), |i| i.title.clone());
                        row("/equipes", &t.slug, &t.name, vec![incubator])
                    })
                    .collect(),
            ),
        };
        rows.sort_by_cached_key(|row| pilote_search::fold(&row.name));
        Listed {
            path,
            title,
            intro: format!("{} {intro}", rows.len()),
            labels,
            columns,
            rows,
        }
    }
}

fn row(path: &str, slug: &pilote_domain::Slug, name: &str, cells: Vec<String>) -> TableRow {
    TableRow {
        slug: slug.to_string(),
        href: format!("{path}/{slug}"),
        name: name.to_owned(),
        cells,
    }
}

/// A listing's page.
pub fn listing(
    state: &AppState,
    uri: &axum::http::Uri,
    listing: Listing,
) -> Result<Html<String>, PageError> {
    let paging: Paging = parse_query(uri.query())?;
    let model = state.model();
    let listed = listing.list(&model);
    let found = Page::of(
        listed.rows.into_iter(),
        Paging {
            page_size: Some(PAGE_SIZE),
            ..paging
        },
    )?;
    page(&TablePage {
        layout: Layout::new(listed.path, &[("", listed.title)]),
        title: listed.title,
        intro: listed.intro,
        columns: listed.labels,
        pagination: Pagination::new(listed.path, "", found.page, found.total),
        rows: found.data,
        downloads: listed.path,
    })
}

/// A listing as a download.
pub fn listing_download(
    state: &AppState,
    listing: Listing,
    format: Format,
) -> Result<Response, PageError> {
    let model = state.model();
    let listed = listing.list(&model);
    let table = Table {
        name: listed.path.trim_start_matches('/'),
        columns: listed.columns,
        rows: listed
            .rows
            .into_iter()
            .map(|row| [row.slug, row.name].into_iter().chain(row.cells).collect())
            .collect(),
    };
    match format {
        Format::Csv => table.csv(),
        Format::Json => Ok(table.json()),
    }
}

/// The formats of a download.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// JSON.
    Json,
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

#[derive(Template)]
#[template(path = "incubator.html")]
struct IncubatorPage<'a> {
    layout: Layout,
    incubator: &'a Incubator,
    owner: Option<&'a Organisation>,
    description: String,
    groups: Vec<PhaseGroup<'a>>,
    teams: Vec<&'a Team>,
    /// Products whose impact has gone unmeasured for more than six months.
    stale: Vec<&'a Product>,
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
        stale: super::impact::stale_products(&model, &products),
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
    filters_query: String,
}

/// The members filters, checked.
struct MemberQuery {
    domaine: Option<Domaine>,
    active_only: bool,
    product: Option<String>,
    q: Option<String>,
    /// The filters as a query string, for links and downloads.
    query: String,
}

impl MemberQuery {
    fn parse(filters: &MemberFilters) -> Result<Self, PageError> {
        let domaine = filters
            .domaine
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(|d| Domaine::parse(d).map_err(|e| ApiError::field("domaine", e.to_string())))
            .transpose()?;
        let active_only = filters.active.as_deref() == Some("true");
        let product = filters.product.clone().filter(|p| !p.is_empty());
        let q = filters.q.clone().filter(|q| !q.trim().is_empty());
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(d) = domaine {
            query.append_pair("domaine", d.label());
        }
        if active_only {
            query.append_pair("active", "true");
        }
        if let Some(product) = &product {
            query.append_pair("product", product);
        }
        if let Some(q) = &q {
            query.append_pair("q", q);
        }
        Ok(Self {
            domaine,
            active_only,
            product,
            q,
            query: query.finish(),
        })
    }

    /// The matching members, in name order.
    fn matching<'m>(
        &self,
        model: &'m ReadModel,
        today: chrono::NaiveDate,
    ) -> impl Iterator<Item = &'m Member> {
        let q = self.q.as_deref().map(pilote_search::fold);
        model
            .members_by_name()
            .filter(move |(m, name)| {
                self.domaine.is_none_or(|d| m.domaine == d)
                    && (!self.active_only || m.is_active_on(today))
                    && self.product.as_deref().is_none_or(|p| {
                        m.missions
                            .iter()
                            .flat_map(|mission| &mission.products)
                            .any(|s| s.as_str() == p)
                    })
                    && q.as_deref().is_none_or(|q| pilote_search::matches(name, q))
            })
            .map(|(m, _)| m)
    }
}

/// `GET /membres`.
pub async fn members(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let filters: MemberFilters = parse_query(uri.query())?;
    let paging: Paging = parse_query(uri.query())?;
    let query = MemberQuery::parse(&filters)?;
    let today = chrono::Local::now().date_naive();
    let model = state.model();
    let found = Page::of(
        query.matching(&model, today),
        Paging {
            page_size: Some(PAGE_SIZE),
            ..paging
        },
    )?;
    page(&MembersPage {
        layout: Layout::new("/membres", &[("", "Membres")]).creation(Action::CreateMember),
        total: found.total,
        domaines: Domaine::ALL
            .iter()
            .map(|d| Choice {
                value: d.label().to_owned(),
                label: d.label().to_owned(),
                selected: Some(*d) == query.domaine,
            })
            .collect(),
        active_only: query.active_only,
        q: query.q.clone().unwrap_or_default(),
        product: query.product.clone().unwrap_or_default(),
        pagination: Pagination::new("/membres", &query.query, found.page, found.total),
        filters_query: query.query.clone(),
        members: found.data,
    })
}

/// The columns of the members download: the public fields.
const MEMBER_COLUMNS: &[&str] = &[
    "slug",
    "nom",
    "role",
    "domaine",
    "competences",
    "github",
    "lien",
    "en_mission",
];

/// `GET /membres.csv` and `/membres.json`: the filtered list, whole.
pub fn members_download(
    state: &AppState,
    uri: &axum::http::Uri,
    format: Format,
) -> Result<Response, PageError> {
    let filters: MemberFilters = parse_query(uri.query())?;
    let query = MemberQuery::parse(&filters)?;
    let today = chrono::Local::now().date_naive();
    let model = state.model();
    let rows = query
        .matching(&model, today)
        .map(|m| {
            vec![
                m.slug.to_string(),
                m.fullname.clone(),
                m.role.clone(),
                m.domaine.label().to_owned(),
                m.competences.join(";"),
                m.github.clone().unwrap_or_default(),
                m.link.clone().unwrap_or_default(),
                if m.is_active_on(today) { "oui" } else { "non" }.to_owned(),
            ]
        })
        .collect();
    let table = Table {
        name: "membres",
        columns: MEMBER_COLUMNS,
        rows,
    };
    match format {
        Format::Csv => table.csv(),
        Format::Json => Ok(table.json()),
    }
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
    /// Shown to the member and administrators only.
    personal: Option<crate::read_model::PersonalFields>,
    /// The trainings the member attended (« Formations suivies »).
    trainings: Vec<pilote_domain::talent::training::Training>,
}

/// `GET /membres/{slug}`: the public fields of a member.
pub async fn member(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let slug = path_slug(&slug)?;
    let model = state.model();
    let member = model.member(&slug).ok_or(ApiError::NotFound)?;
    let trainings = state
        .store()
        .trainings_of(&slug)
        .await
        .map_err(ApiError::from)?;
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
        .record(
            Action::UpdateMember,
            Action::DeleteMember,
            &crate::auth::member_target(member, &model),
        ),
        bio: to_safe_html(&member.bio),
        personal: crate::api::members::may_read_personal(
            member,
            crate::auth::Visitor::current().principal.as_ref(),
            &model,
        )
        .then(|| model.personal(&member.slug).cloned().unwrap_or_default()),
        missions,
        member,
        trainings,
    })
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
