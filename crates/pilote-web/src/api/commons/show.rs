//! `GET /api/v1/software/{slug}`: one software with its declarations, instances,
//! contributors and the products that depend on it.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::commons::{Contributor, DeclarationKind, Instance, SoftwareRole};
use pilote_domain::identity::Principal;
use pilote_store::{Catalogue, DeclaredBy};
use serde::Serialize;
use utoipa::ToSchema;

use super::{SoftwareSummary, software_at};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// An agent's declaration as shown: who they are only to signed-in callers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeclarationJson {
    /// Its number.
    pub id: i64,
    /// User or referent.
    pub kind: DeclarationKind,
    /// The agent's organisation.
    pub organisation: String,
    /// What it is used for.
    pub use_case: String,
    /// The version a user runs.
    pub version: Option<String>,
    /// The service a user runs it for.
    pub service_url: Option<String>,
    /// Whether a referent is an expert.
    pub expert: bool,
    /// When it was made.
    pub declared_at: String,
    /// The agent's name; signed-in callers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// A referent's e-mail, to ask them for help; signed-in callers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the caller made it (and may withdraw it).
    pub own: bool,
}

impl DeclarationJson {
    /// The declaration as `viewer` may see it.
    pub fn new(declared: &DeclaredBy, viewer: Option<&Principal>) -> Self {
        let d = &declared.declaration;
        Self {
            id: d.id,
            kind: d.kind,
            organisation: d.organisation.clone(),
            use_case: d.use_case.clone(),
            version: d.version.clone(),
            service_url: d.service_url.clone(),
            expert: d.expert,
            declared_at: d.declared_at.clone(),
            agent: viewer.map(|_| declared.name.clone()),
            email: viewer
                .filter(|_| d.kind == DeclarationKind::Referent)
                .map(|_| declared.email.clone()),
            own: viewer.is_some_and(|v| v.account == d.account),
        }
    }
}

/// A product that depends on the software.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductUse {
    /// The product's slug.
    pub product: String,
    /// Its name.
    pub title: String,
    /// The part the software plays in it.
    pub role: SoftwareRole,
}

/// One software and everything that hangs on it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SoftwareDetail {
    /// The software with its critical mass.
    #[serde(flatten)]
    pub summary: SoftwareSummary,
    /// Agents' declarations, oldest first.
    pub declarations: Vec<DeclarationJson>,
    /// Instances run by administrations.
    pub instances: Vec<Instance>,
    /// Its contributors.
    pub contributors: Vec<Contributor>,
    /// Products of the portfolio that depend on it, by name.
    pub products: Vec<ProductUse>,
}

/// Shows a software: its catalogue entry, critical mass, declarations (agents' names and
/// referents' e-mails to callers with a token only), instances, contributors and products.
#[utoipa::path(
    get,
    path = "/api/v1/software/{slug}",
    tag = "commons",
    params(("slug" = String, Path, description = "Identifiant du logiciel")),
    responses(
        (status = 200, description = "Le logiciel", body = SoftwareDetail),
        (status = 404, description = "Logiciel inconnu", body = ErrorBody),
    )
)]
pub async fn show_software(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<SoftwareDetail>, ApiError> {
    let catalogue = state.store().load_catalogue().await?;
    detail(&catalogue, &state.model(), &slug, caller.principal()).map(Json)
}

/// The software of the address as `viewer` may see it; the page shares it.
pub(crate) fn detail(
    catalogue: &Catalogue,
    model: &ReadModel,
    raw: &str,
    viewer: Option<&Principal>,
) -> Result<SoftwareDetail, ApiError> {
    let software = software_at(catalogue, raw)?;
    let slug = &software.slug;
    let mut products: Vec<ProductUse> = catalogue
        .links
        .iter()
        .filter(|link| &link.software == slug)
        .filter_map(|link| {
            model.product(&link.product).map(|product| ProductUse {
                product: product.slug.to_string(),
                title: product.title.clone(),
                role: link.role,
            })
        })
        .collect();
    products.sort_by_cached_key(|p| pilote_search::fold(&p.title));
    Ok(SoftwareDetail {
        summary: SoftwareSummary::new(software, catalogue),
        declarations: catalogue
            .declarations
            .iter()
            .filter(|d| &d.declaration.software == slug)
            .map(|d| DeclarationJson::new(d, viewer))
            .collect(),
        instances: catalogue
            .instances
            .iter()
            .filter(|i| &i.software == slug)
            .cloned()
            .collect(),
        contributors: catalogue
            .contributors
            .iter()
            .filter(|c| c.software.as_ref() == Some(slug))
            .cloned()
            .collect(),
        products,
    })
}
