//! Organisations (sponsors and owners), incubators and teams.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Extra;
use crate::Slug;

/// A public organisation: a ministry, a directorate, an operator, a local authority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organisation {
    /// Stable identifier.
    pub slug: Slug,
    /// Full name.
    pub name: String,
    /// Acronym (`IGJ`).
    #[serde(default)]
    pub acronym: Option<String>,
    /// Kind of organisation (`administration-centrale`, `operateur`, ...).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Ministerial domain (`justice`, `solidarite-sante`, ...).
    #[serde(default)]
    pub ministerial_domain: String,
    /// Other source fields, kept verbatim.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub extra: Extra,
}

/// An incubator of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Incubator {
    /// Stable identifier.
    pub slug: Slug,
    /// Name.
    pub title: String,
    /// The organisation that runs it.
    #[serde(default)]
    pub owner: Option<Slug>,
    /// Contact address.
    #[serde(default)]
    pub contact: Option<String>,
    /// Website.
    #[serde(default)]
    pub website: Option<String>,
    /// Forge organisation.
    #[serde(default)]
    pub github: Option<String>,
    /// Postal address.
    #[serde(default)]
    pub address: Option<String>,
    /// One paragraph presenting it (may hold inline HTML from the source).
    #[serde(default)]
    pub short_description: Option<String>,
    /// Products it puts forward.
    #[serde(default)]
    pub highlighted_products: Vec<Slug>,
    /// Long description, in Markdown.
    #[serde(default)]
    pub description: String,
    /// Other source fields, kept verbatim (`logo`, `redirect_from`, ...).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub extra: Extra,
}

/// A team of an incubator (animation, steering, a programme).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Team {
    /// Stable identifier.
    pub slug: Slug,
    /// Name.
    pub name: String,
    /// What it does (may hold inline HTML from the source).
    #[serde(default)]
    pub mission: String,
    /// The incubator it belongs to.
    pub incubator: Slug,
}
