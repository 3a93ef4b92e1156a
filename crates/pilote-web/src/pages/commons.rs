//! The catalogue of pooled free software: the list with its filters and downloads, the
//! critical-mass figures, and each software's page with the forms to declare oneself user
//! or referent and to withdraw one's own declaration.
//!
//! The forms go through the API's own checks (`api::commons`); downloads hold no personal
//! data, and agents' names and referents' e-mails reach signed-in visitors only.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::commons::{
    CatalogueStatus, CriticalMass, DeclarationKind, Figures, LicenceFamily, MassClass, Software,
    SoftwareKind,
};

use super::download::Table;
use super::form_state::{FormState, one_page, page_number, text};
use super::products::{Choice, choices};
use super::{Layout, PageError, Pagination, page};
use crate::api::commons::show::{DeclarationJson, SoftwareDetail, detail};
use crate::api::commons::{SoftwareFilters, SoftwareSummary};
use crate::api::extract::parse_query;
use crate::auth::Visitor;
use crate::{ApiError, AppState};

fn label(field: &str) -> &str {
    match field {
        "kind" => "Je suis",
        "organisation" => "Organisation",
        "use_case" => "Usage",
        "version" => "Version utilisée",
        "service_url" => "Adresse du service",
        "expert" => "Expertise",
        other => other,
    }
}

/// The badge class of a critical-mass class (`pilote.css`).
const fn badge(class: MassClass) -> &'static str {
    match class {
        MassClass::Thriving => "pilote-level--green",
        MassClass::Fragile => "pilote-level--yellow",
        MassClass::Orphan => "pilote-level--red",
    }
}

/// A closed list as a select's choices.
fn vocabulary_choices<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    text: fn(T) -> &'static str,
    selected: Option<&String>,
) -> Vec<Choice> {
    choices(
        all.iter()
            .map(|v| (name(*v).to_owned(), text(*v).to_owned())),
        selected.map(String::as_str),
    )
}

/// A line of the catalogue's table.
struct Line {
    slug: String,
    name: String,
    categories: String,
    licence: String,
    status: &'static str,
    kind: &'static str,
    class: &'static str,
    badge: &'static str,
    organisations: usize,
    referents: usize,
    products: usize,
}

impl From<&SoftwareSummary> for Line {
    fn from(summary: &SoftwareSummary) -> Self {
        let s = &summary.software;
        let mass = &summary.critical_mass;
        Self {
            slug: s.slug.to_string(),
            name: s.name.clone(),
            categories: s.categories.join(", "),
            licence: s.licence.clone(),
            status: s.status.label(),
            kind: s.kind.label(),
            class: mass.class.label(),
            badge: badge(mass.class),
            organisations: mass.organisations,
            referents: mass.referents,
            products: mass.products,
        }
    }
}

#[derive(Template)]
#[template(path = "software_list.html")]
struct CataloguePage {
    layout: Layout,
    lines: Vec<Line>,
    total: usize,
    q: String,
    categories: Vec<Choice>,
    families: Vec<Choice>,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    classes: Vec<Choice>,
    filters_query: String,
    pagination: Pagination,
}

/// `GET /logiciels`.
pub async fn list(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let filters: SoftwareFilters = parse_query(uri.query())?;
    let catalogue = state
        .store()
        .load_catalogue()
        .await
        .map_err(ApiError::from)?;
    let kept = filters.apply(&catalogue)?;
    let total = kept.len();
    let base = filters.query();
    let (shown, pagination) = one_page(kept, page_number(uri.query()), "/logiciels");
    let mut categories: Vec<String> = catalogue
        .software
        .iter()
        .flat_map(|s| s.categories.iter().cloned())
        .collect();
    categories.sort_by_cached_key(|c| pilote_search::fold(c));
    categories.dedup();
    page(&CataloguePage {
        layout: Layout::new("", &[("", "Logiciels libres")]),
        lines: shown.iter().map(Line::from).collect(),
        total,
        q: filters.q.clone().unwrap_or_default(),
        categories: choices(
            categories.into_iter().map(|c| (c.clone(), c)),
            filters.category.as_deref(),
        ),
        families: vocabulary_choices(
            LicenceFamily::ALL,
            LicenceFamily::as_str,
            LicenceFamily::label,
            filters.licence_family.as_ref(),
        ),
        statuses: vocabulary_choices(
            CatalogueStatus::ALL,
            CatalogueStatus::as_str,
            CatalogueStatus::label,
            filters.status.as_ref(),
        ),
        kinds: vocabulary_choices(
            SoftwareKind::ALL,
            SoftwareKind::as_str,
            SoftwareKind::label,
            filters.kind.as_ref(),
        ),
        classes: vocabulary_choices(
            MassClass::ALL,
            MassClass::as_str,
            MassClass::label,
            filters.class.as_ref(),
        ),
        pagination: Pagination::new("/logiciels", &base, pagination.current, total),
        filters_query: base,
    })
}

/// The downloads' columns: the catalogue's public fields and the critical-mass counts,
/// never who declared what.
const COLUMNS: &[&str] = &[
    "slug",
    "name",
    "description_fr",
    "licence",
    "licence_family",
    "minimal_version",
    "status",
    "type",
    "categories",
    "function",
    "parent",
    "website",
    "repository",
    "comptoir_id",
    "organisations",
    "users",
    "referents",
    "experts",
    "instances",
    "contributors_civil_society",
    "contributors_company",
    "contributors_public_body",
    "products",
    "class",
];

/// One software's download line, in the order of [`COLUMNS`].
fn export_line(summary: &SoftwareSummary) -> Vec<String> {
    let s = &summary.software;
    let m = &summary.critical_mass;
    let optional = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        s.slug.to_string(),
        s.name.clone(),
        s.description_fr.clone(),
        s.licence.clone(),
        summary.licence_family.as_str().to_owned(),
        optional(&s.minimal_version),
        s.status.as_str().to_owned(),
        s.kind.as_str().to_owned(),
        s.categories.join(" ; "),
        s.function.clone(),
        optional(&s.parent),
        optional(&s.website),
        optional(&s.repository),
        s.comptoir_id.map(|id| id.to_string()).unwrap_or_default(),
        m.organisations.to_string(),
        m.users.to_string(),
        m.referents.to_string(),
        m.experts.to_string(),
        m.instances.to_string(),
        m.contributors.civil_society.to_string(),
        m.contributors.company.to_string(),
        m.contributors.public_body.to_string(),
        m.products.to_string(),
        m.class.as_str().to_owned(),
    ]
}

/// The catalogue with the page's filters, as a table to download.
async fn table(state: &AppState, query: Option<&str>) -> Result<Table, PageError> {
    let filters: SoftwareFilters = parse_query(query)?;
    let catalogue = state
        .store()
        .load_catalogue()
        .await
        .map_err(ApiError::from)?;
    Ok(Table {
        name: "logiciels",
        columns: COLUMNS,
        rows: filters.apply(&catalogue)?.iter().map(export_line).collect(),
    })
}

/// `GET /logiciels.csv`.
pub async fn csv(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    table(&state, uri.query()).await?.csv()
}

/// `GET /logiciels.json`.
pub async fn json(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    Ok(table(&state, uri.query()).await?.json())
}

#[derive(Template)]
#[template(path = "software_figures.html")]
struct FiguresPage {
    layout: Layout,
    figures: Figures,
}

/// `GET /logiciels/masse-critique`.
pub async fn figures(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let catalogue = state
        .store()
        .load_catalogue()
        .await
        .map_err(ApiError::from)?;
    page(&FiguresPage {
        layout: Layout::new(
            "",
            &[("/logiciels", "Logiciels libres"), ("", "Masse critique")],
        ),
        figures: crate::api::commons::figures::catalogue_figures(&catalogue),
    })
}

/// The declarations of one organisation.
struct OrganisationGroup {
    organisation: String,
    declarations: Vec<DeclarationJson>,
}

#[derive(Template)]
#[template(path = "software.html")]
struct SoftwarePage {
    layout: Layout,
    software: Software,
    mass: CriticalMass,
    /// Each category with the catalogue's query for it.
    categories: Vec<(String, String)>,
    detail: SoftwareDetail,
    class_badge: &'static str,
    family: &'static str,
    groups: Vec<OrganisationGroup>,
    signed_in: bool,
    form: FormState,
    kinds: Vec<(&'static str, &'static str)>,
    expertise: Vec<(&'static str, &'static str)>,
}

/// Declarations grouped by organisation (names compared without case or accents), the
/// groups by name.
fn grouped(declarations: &[DeclarationJson]) -> Vec<OrganisationGroup> {
    let mut groups: BTreeMap<String, OrganisationGroup> = BTreeMap::new();
    for declaration in declarations {
        groups
            .entry(pilote_search::fold(&declaration.organisation))
            .or_insert_with(|| OrganisationGroup {
                organisation: declaration.organisation.clone(),
                declarations: Vec::new(),
            })
            .declarations
            .push(declaration.clone());
    }
    groups.into_values().collect()
}

async fn software_page(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    form: FormState,
) -> Result<SoftwarePage, PageError> {
    let catalogue = state
        .store()
        .load_catalogue()
        .await
        .map_err(ApiError::from)?;
    let detail = detail(&catalogue, &state.model(), slug, visitor.principal.as_ref())?;
    let layout = Layout::new(
        "",
        &[
            ("/logiciels", "Logiciels libres"),
            ("", &detail.summary.software.name),
        ],
    )
    .with_errors(!form.errors.is_empty());
    let software = detail.summary.software.clone();
    Ok(SoftwarePage {
        layout,
        categories: software
            .categories
            .iter()
            .map(|c| {
                let query = form_urlencoded::Serializer::new(String::new())
                    .append_pair("category", c)
                    .finish();
                (c.clone(), query)
            })
            .collect(),
        mass: detail.summary.critical_mass.clone(),
        software,
        class_badge: badge(detail.summary.critical_mass.class),
        family: detail.summary.licence_family.label(),
        groups: grouped(&detail.declarations),
        signed_in: visitor.principal.is_some(),
        detail,
        form,
        kinds: DeclarationKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        expertise: vec![("oui", "Oui, je peux aider d’autres administrations")],
    })
}

/// `GET /logiciels/{slug}`.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    page(&software_page(&state, &visitor, &slug, FormState::new(label)).await?)
}

/// `POST /logiciels/{slug}/declarations`.
pub async fn declare(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let optional = |name: &str| Some(text(&fields, name)).filter(|v| !v.is_empty());
    let kind = text(&fields, "kind");
    let body = serde_json::json!({
        "kind": kind,
        "organisation": text(&fields, "organisation"),
        "use_case": text(&fields, "use_case"),
        "version": optional("version"),
        "service_url": optional("service_url"),
        "expert": text(&fields, "expert") == "oui",
    });
    let result =
        crate::api::commons::declare::declare(&state, visitor.principal.as_ref(), &slug, body)
            .await;
    let form = match result {
        Ok(_) => return Ok(Redirect::to(&format!("/logiciels/{slug}")).into_response()),
        Err(ApiError::Conflict(reason)) => {
            let mut form = FormState::new(label);
            form.fields = fields;
            form.errors.insert("kind".into(), reason);
            form
        }
        Err(error) => FormState::from_error(fields, error, label)?,
    };
    let mut response = page(&software_page(&state, &visitor, &slug, form).await?)?.into_response();
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// `POST /logiciels/{slug}/declarations/{id}/retirer`.
pub async fn withdraw(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    crate::api::commons::withdraw::withdraw(&state, visitor.principal.as_ref(), &slug, &id).await?;
    Ok(Redirect::to(&format!("/logiciels/{slug}")).into_response())
}
