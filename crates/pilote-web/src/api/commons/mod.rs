//! `/api/v1/software`: the catalogue of pooled free software with each software's critical
//! mass; agents' declarations (their own only); `/api/v1/commons/...`: the catalogue's
//! figures and the products' techno values left to link; `/api/v1/products/{slug}/software`:
//! which software a product depends on.
//!
//! Agents' names and referents' e-mails are personal: they are shown to signed-in callers
//! only, and never in the lists.

pub mod declare;
pub mod figures;
pub mod link;
pub mod list;
pub mod show;
pub mod unlink;
pub mod unmatched;
pub mod withdraw;

use pilote_domain::Slug;
use pilote_domain::commons::{
    CatalogueStatus, CriticalMass, LicenceFamily, MassClass, Software, SoftwareKind,
};
use pilote_store::Catalogue;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ApiError;
use crate::api::extract::wanted;

/// A software with its licence family and critical mass, as lists show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SoftwareSummary {
    /// The catalogue's entry.
    #[serde(flatten)]
    #[schema(inline)]
    pub software: Software,
    /// Its licence's family.
    pub licence_family: LicenceFamily,
    /// Who stands behind it, and its class.
    pub critical_mass: CriticalMass,
}

impl SoftwareSummary {
    /// The summary of `software` from the catalogue's records.
    pub fn new(software: &Software, catalogue: &Catalogue) -> Self {
        Self {
            licence_family: LicenceFamily::of(&software.licence),
            critical_mass: catalogue.mass_of(software),
            software: software.clone(),
        }
    }
}

/// Filters of the catalogue; an empty value means no filter, so that forms may send them all.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SoftwareFilters {
    /// Software of this category (« Outil collaboratif »).
    pub category: Option<String>,
    /// Software under this licence (`GPL-3.0-only`), case ignored.
    pub licence: Option<String>,
    /// Software whose licence is of this family: `copyleft_strong`, `copyleft_weak`,
    /// `permissive`, `other`.
    pub licence_family: Option<String>,
    /// `recommended`, `in_observation`, `dereferenced`.
    pub status: Option<String>,
    /// `desktop_mobile`, `cloud`, `stack`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// Critical-mass class: `thriving`, `fragile`, `orphan`.
    pub class: Option<String>,
    /// Words of the name, case and accents ignored.
    pub q: Option<String>,
}

/// A closed-list filter, parsed; an unknown value is a 422 on its parameter.
pub(crate) fn parsed<T>(
    field: &str,
    value: Option<&String>,
    parse: fn(&str) -> Result<T, pilote_domain::DomainError>,
) -> Result<Option<T>, ApiError> {
    wanted(value)
        .map(|v| parse(v).map_err(|e| ApiError::field(field, e.to_string())))
        .transpose()
}

impl SoftwareFilters {
    /// The query string of the filters given, for links that keep them.
    pub fn query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("category", &self.category),
            ("licence", &self.licence),
            ("licence_family", &self.licence_family),
            ("status", &self.status),
            ("type", &self.kind),
            ("class", &self.class),
            ("q", &self.q),
        ] {
            if let Some(value) = wanted(value.as_ref()) {
                query.append_pair(key, value);
            }
        }
        query.finish()
    }

    /// The catalogue's software these filters keep, by name, with their critical mass.
    pub fn apply(&self, catalogue: &Catalogue) -> Result<Vec<SoftwareSummary>, ApiError> {
        let family = parsed(
            "licence_family",
            self.licence_family.as_ref(),
            LicenceFamily::parse,
        )?;
        let status = parsed("status", self.status.as_ref(), CatalogueStatus::parse)?;
        let kind = parsed("type", self.kind.as_ref(), SoftwareKind::parse)?;
        let class = parsed("class", self.class.as_ref(), MassClass::parse)?;
        let category = wanted(self.category.as_ref());
        let licence = wanted(self.licence.as_ref());
        let words = wanted(self.q.as_ref()).map(pilote_search::fold);
        let mut kept: Vec<SoftwareSummary> = catalogue
            .software
            .iter()
            .filter(|s| {
                category.is_none_or(|c| s.categories.iter().any(|own| own == c))
                    && licence.is_none_or(|l| s.licence.eq_ignore_ascii_case(l))
                    && family.is_none_or(|f| LicenceFamily::of(&s.licence) == f)
                    && status.is_none_or(|st| s.status == st)
                    && kind.is_none_or(|k| s.kind == k)
                    && words
                        .as_deref()
                        .is_none_or(|w| pilote_search::matches(&pilote_search::fold(&s.name), w))
            })
            .map(|s| SoftwareSummary::new(s, catalogue))
            .filter(|s| class.is_none_or(|c| s.critical_mass.class == c))
            .collect();
        kept.sort_by_cached_key(|s| pilote_search::fold(&s.software.name));
        Ok(kept)
    }
}

/// The software of the address; 404 when unknown.
pub(crate) fn software_at<'c>(
    catalogue: &'c Catalogue,
    raw: &str,
) -> Result<&'c Software, ApiError> {
    let slug: Slug = crate::api::path_slug(raw)?;
    catalogue.software(&slug).ok_or(ApiError::NotFound)
}
