//! A public digital product (a beta.gouv.fr "startup") and the checks on its record.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Extra, Phase, phase};
use crate::{Money, Slug};

/// A dated event in a product's life (`committee`, `product_launch`, `fast`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    /// The kind of event, as the source names it.
    pub name: String,
    /// When it happened.
    pub date: NaiveDate,
    /// A free comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Funding by the FAST fund (fonds d'accélération des startups d'État).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Fast {
    /// The FAST promotion (cohort) number.
    pub promotion: u16,
    /// The amount granted, in euros (`montant` in the source).
    pub amount: Money,
}

/// A readable record that is inconsistent: kept, and shown as a data-quality flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DataQualityWarning {
    /// The field concerned, as a path (`phases[1].end`, `sponsors[0]`).
    pub field: String,
    /// What is wrong, in French.
    pub message: String,
}

impl DataQualityWarning {
    /// A warning on one field.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A public digital product, with every field of the network's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Product {
    /// Stable identifier: the source file's stem.
    pub slug: Slug,
    /// Name of the product.
    pub title: String,
    /// One sentence on the problem it solves.
    pub mission: String,
    /// The long description, in Markdown.
    #[serde(default)]
    pub description: String,
    /// The incubator that runs it.
    pub incubator: Slug,
    /// Co-incubating incubators, when several share the product.
    #[serde(default)]
    pub incubators: Vec<Slug>,
    /// Sponsor organisations.
    #[serde(default)]
    pub sponsors: Vec<Slug>,
    /// The phases, as the source lists them.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Dated events.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Kinds of users served.
    #[serde(default)]
    pub usertypes: Vec<String>,
    /// Themes.
    #[serde(default)]
    pub thematiques: Vec<String>,
    /// Technologies used.
    #[serde(default)]
    pub techno: Vec<String>,
    /// The service's address.
    #[serde(default)]
    pub link: Option<String>,
    /// The source repository.
    #[serde(default)]
    pub repository: Option<String>,
    /// The team's contact address.
    #[serde(default)]
    pub contact: Option<String>,
    /// The public statistics page.
    #[serde(default)]
    pub stats_url: Option<String>,
    /// The impact document.
    #[serde(default)]
    pub impact_url: Option<String>,
    /// The budget document.
    #[serde(default)]
    pub budget_url: Option<String>,
    /// The `DashLord` quality dashboard.
    #[serde(default)]
    pub dashlord_url: Option<String>,
    /// The declared accessibility compliance (`non conforme`, `partiellement conforme`, ...).
    #[serde(default)]
    pub accessibility_status: Option<String>,
    /// Whether a security risk analysis was done.
    #[serde(default)]
    pub analyse_risques: Option<bool>,
    /// Whether the service is followed in "mon service sécurisé".
    #[serde(default)]
    pub mon_service_securise: Option<bool>,
    /// FAST funding.
    #[serde(default)]
    pub fast: Option<Fast>,
    /// Other source fields, kept verbatim (`stats`, `contact_dinum`, `rgpd`, ...).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub extra: Extra,
    /// Inconsistencies found in the record when it was imported.
    #[serde(default, skip_deserializing)]
    pub data_quality: Vec<DataQualityWarning>,
}

impl Product {
    /// The current phase: the one with the latest start.
    pub fn current_phase(&self) -> Option<&Phase> {
        phase::current(&self.phases)
    }

    /// The phase the product was in on a day.
    pub fn phase_on(&self, day: NaiveDate) -> Option<&Phase> {
        phase::on(&self.phases, day)
    }

    /// Inconsistencies within the record itself.
    pub fn inconsistencies(&self) -> Vec<DataQualityWarning> {
        self.phases
            .iter()
            .enumerate()
            .filter(|(_, phase)| phase.ends_before_it_starts())
            .map(|(index, phase)| {
                DataQualityWarning::new(
                    format!("phases[{index}].end"),
                    format!(
                        "la phase {} se termine ({}) avant de commencer ({})",
                        phase.name.as_str(),
                        phase.end.map_or_else(String::new, |d| d.to_string()),
                        phase.start
                    ),
                )
            })
            .collect()
    }

    /// References to incubators and organisations that do not exist.
    pub fn dangling_references(
        &self,
        incubator_exists: impl Fn(&Slug) -> bool,
        organisation_exists: impl Fn(&Slug) -> bool,
    ) -> Vec<DataQualityWarning> {
        let mut warnings = Vec::new();
        if !incubator_exists(&self.incubator) {
            warnings.push(DataQualityWarning::new(
                "incubator",
                format!("incubateur inconnu « {} »", self.incubator),
            ));
        }
        for (index, incubator) in self.incubators.iter().enumerate() {
            if !incubator_exists(incubator) {
                warnings.push(DataQualityWarning::new(
                    format!("incubators[{index}]"),
                    format!("incubateur inconnu « {incubator} »"),
                ));
            }
        }
        for (index, sponsor) in self.sponsors.iter().enumerate() {
            if !organisation_exists(sponsor) {
                warnings.push(DataQualityWarning::new(
                    format!("sponsors[{index}]"),
                    format!("organisation inconnue « {sponsor} »"),
                ));
            }
        }
        warnings
    }

    /// Whether the product ever reached construction (used to map legacy `alumni`).
    pub fn reached_construction(&self) -> bool {
        self.phases.iter().any(|phase| phase.name.is_built())
    }
}
