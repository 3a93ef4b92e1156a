//! A product's quality record: the sign-in it offers, where it is hosted, its security
//! homologation, and its accessibility statement.
//!
//! Until a team writes its record, the one shown is read from the network's own fields
//! (`accessibility_status`, `analyse_risques`, `mon_service_securise`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::observatory::{Identity, Online};
use super::rgaa::StatementStatus;
use crate::portfolio::{DataQualityWarning, Product};
use crate::vocabulary::vocabulary;
use crate::{DomainError, is_http_url};

vocabulary! {
    /// What is bought from the host.
    pub enum ServiceModel ("modèle de service") {
        /// Machines.
        Iaas = ("iaas", "IaaS (infrastructure)"),
        /// A platform to deploy on.
        Paas = ("paas", "PaaS (plateforme)"),
        /// A finished service.
        Saas = ("saas", "SaaS (logiciel)"),
    }
}

vocabulary! {
    /// Whose cloud.
    pub enum CloudKind ("type de cloud") {
        /// A cloud run by the State for its administrations.
        InternalState = ("internal_state", "Cloud interne de l’État"),
        /// A commercial provider.
        Commercial = ("commercial", "Cloud commercial"),
    }
}

vocabulary! {
    /// How sensitive the data the service holds is.
    pub enum Sensitivity ("sensibilité des données") {
        /// Public or non-sensitive data.
        NotSensitive = ("not_sensitive", "Non sensibles"),
        /// Sensitive data (personal, health, secrets protected by law).
        Sensitive = ("sensitive", "Sensibles"),
        /// Data the « cloud au centre » doctrine reserves to SecNumCloud or State clouds.
        HighlySensitive = ("highly_sensitive", "Particulièrement sensibles"),
    }
}

vocabulary! {
    /// What the homologation authority decided.
    pub enum HomologationDecision ("décision d'homologation") {
        /// Homologated.
        Granted = ("granted", "Homologué"),
        /// Homologated for a limited time, with conditions.
        Provisional = ("provisional", "Homologation provisoire"),
        /// Refused.
        Refused = ("refused", "Refusée"),
    }
}

/// A SecNumCloud qualification of the offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SecNumCloud {
    /// The frame's version (« 3.2 »).
    pub version: String,
    /// The date of the qualification.
    pub date: NaiveDate,
}

/// Where the service runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Hosting {
    /// The host.
    pub provider: String,
    /// The offer.
    #[serde(default)]
    pub offer: String,
    /// What is bought.
    pub model: ServiceModel,
    /// Whose cloud.
    pub cloud: CloudKind,
    /// The offer's SecNumCloud qualification, if any.
    #[serde(default)]
    pub secnumcloud: Option<SecNumCloud>,
    /// How sensitive the data is.
    pub data_sensitivity: Sensitivity,
    /// Where the data is (« France », a region, a data centre).
    #[serde(default)]
    pub location: String,
    /// Why sensitive data is outside a qualified or State cloud, when it is.
    #[serde(default)]
    pub derogation: String,
}

/// The security homologation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Security {
    /// Whether a risk analysis was done.
    #[serde(default)]
    pub risk_analysis: Option<bool>,
    /// The risk analysis's document.
    #[serde(default)]
    pub risk_analysis_url: Option<String>,
    /// The day of the homologation decision.
    #[serde(default)]
    pub homologation_date: Option<NaiveDate>,
    /// What was decided.
    #[serde(default)]
    pub decision: Option<HomologationDecision>,
    /// Whether the service is followed in « Mon service sécurisé ».
    #[serde(default)]
    pub mon_service_securise: Option<bool>,
}

/// The accessibility statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Statement {
    /// Where it is published.
    #[serde(default)]
    pub url: Option<String>,
    /// Its date.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The compliance it states.
    pub status: StatementStatus,
}

/// A rating out of 10 and the reviews it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Rating {
    /// Out of 10.
    pub score: f64,
    /// Reviews given.
    pub reviews: u32,
}

/// The observatory's figures that only the team can give, from its own measures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Declared {
    /// The day the figures were measured.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Users' satisfaction.
    #[serde(default)]
    pub satisfaction: Option<Rating>,
    /// How simple users find it.
    #[serde(default)]
    pub simplicity: Option<Rating>,
    /// Fields asked that the administration could pre-fill.
    #[serde(default)]
    pub dlnuf_fields: Option<u32>,
    /// Share of users who could reach help, in %.
    #[serde(default)]
    pub help_reachable: Option<f64>,
    /// Share of users who used help, in %.
    #[serde(default)]
    pub help_used: Option<f64>,
    /// How much of the procedure is online.
    #[serde(default)]
    pub online: Option<Online>,
    /// Share of the procedure's users who use the online service, in %.
    #[serde(default)]
    pub usage: Option<f64>,
}

/// A product's quality record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QualityRecord {
    /// The sign-in offered.
    #[serde(default)]
    pub identity: Option<Identity>,
    /// Where it runs.
    #[serde(default)]
    pub hosting: Option<Hosting>,
    /// Its security homologation.
    #[serde(default)]
    pub security: Security,
    /// Its accessibility statement.
    #[serde(default)]
    pub statement: Option<Statement>,
    /// The observatory's figures the team measured.
    #[serde(default)]
    pub declared: Declared,
}

/// The statement status the network's `accessibility_status` names, if it is one.
fn network_status(text: &str) -> Option<StatementStatus> {
    let text = text.trim().to_lowercase();
    StatementStatus::ALL
        .iter()
        .copied()
        .find(|status| status.label() == text)
}

impl QualityRecord {
    /// The record the network's own fields give for `product`.
    pub fn from_network(product: &Product) -> Self {
        Self {
            identity: None,
            hosting: None,
            security: Security {
                risk_analysis: product.analyse_risques,
                mon_service_securise: product.mon_service_securise,
                ..Security::default()
            },
            statement: product
                .accessibility_status
                .as_deref()
                .and_then(network_status)
                .map(|status| Statement {
                    url: None,
                    date: None,
                    status,
                }),
            declared: Declared::default(),
        }
    }

    /// Inconsistencies within the record, by field.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut warnings = Vec::new();
        let mut address = |field: &str, url: Option<&String>| {
            if let Some(url) = url.filter(|url| !is_http_url(url)) {
                warnings.push(DataQualityWarning::new(
                    field,
                    DomainError::NotAWebAddress(url.clone()).to_string(),
                ));
            }
        };
        address(
            "statement.url",
            self.statement.as_ref().and_then(|s| s.url.as_ref()),
        );
        address(
            "security.risk_analysis_url",
            self.security.risk_analysis_url.as_ref(),
        );
        if self.security.decision.is_some() && self.security.homologation_date.is_none() {
            warnings.push(DataQualityWarning::new(
                "security.homologation_date",
                DomainError::RequiredText("date de la décision d'homologation").to_string(),
            ));
        }
        if let Some(hosting) = &self.hosting {
            if hosting.provider.trim().is_empty() {
                warnings.push(DataQualityWarning::new(
                    "hosting.provider",
                    DomainError::RequiredText("hébergeur").to_string(),
                ));
            }
            let outside = hosting.cloud == CloudKind::Commercial && hosting.secnumcloud.is_none();
            if hosting.data_sensitivity == Sensitivity::HighlySensitive
                && outside
                && hosting.derogation.trim().is_empty()
            {
                warnings.push(DataQualityWarning::new(
                    "hosting.derogation",
                    DomainError::RequiredText(
                        "motif de dérogation (données particulièrement sensibles hors cloud qualifié SecNumCloud ou interne de l'État)",
                    )
                    .to_string(),
                ));
            }
        }
        self.declared.validate(&mut warnings);
        warnings
    }
}

impl Declared {
    /// Adds a warning for each figure outside its range.
    fn validate(&self, warnings: &mut Vec<DataQualityWarning>) {
        let mut within = |field: &str, value: Option<f64>, max: f64| {
            if let Some(value) = value.filter(|v| !(0.0..=max).contains(v)) {
                warnings.push(DataQualityWarning::new(
                    field,
                    format!("{value} n'est pas entre 0 et {max}"),
                ));
            }
        };
        within(
            "declared.satisfaction.score",
            self.satisfaction.map(|r| r.score),
            10.0,
        );
        within(
            "declared.simplicity.score",
            self.simplicity.map(|r| r.score),
            10.0,
        );
        within("declared.help_reachable", self.help_reachable, 100.0);
        within("declared.help_used", self.help_used, 100.0);
        within("declared.usage", self.usage, 100.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_network_fields() {
        let product: Product = serde_json::from_value(serde_json::json!({
            "slug": "a-just", "title": "A-Just", "mission": "m", "incubator": "dinum",
            "phases": [], "accessibility_status": "Partiellement conforme",
            "analyse_risques": true, "mon_service_securise": false
        }))
        .unwrap();
        let record = QualityRecord::from_network(&product);
        assert_eq!(
            record.statement.map(|s| s.status),
            Some(StatementStatus::PartiallyCompliant)
        );
        assert_eq!(record.security.risk_analysis, Some(true));
        assert_eq!(record.security.mon_service_securise, Some(false));
        assert_eq!(record.identity, None);
        assert_eq!(
            network_status("non conforme"),
            Some(StatementStatus::NotCompliant)
        );
        assert_eq!(network_status("en cours"), None);
    }

    #[test]
    fn checks_addresses_dates_and_derogations() {
        let record: QualityRecord = serde_json::from_value(serde_json::json!({
            "identity": "franceconnect",
            "statement": {"url": "accessibilite", "status": "partially_compliant"},
            "security": {"decision": "granted"},
            "hosting": {"provider": "Hébergeur", "model": "paas", "cloud": "commercial",
                        "data_sensitivity": "highly_sensitive"}
        }))
        .unwrap();
        let fields: Vec<String> = record.validate().into_iter().map(|w| w.field).collect();
        assert_eq!(
            fields,
            [
                "statement.url",
                "security.homologation_date",
                "hosting.derogation"
            ]
        );
        let mut qualified = record.clone();
        qualified.statement = None;
        qualified.security.homologation_date = NaiveDate::from_ymd_opt(2025, 3, 1);
        if let Some(hosting) = qualified.hosting.as_mut() {
            hosting.secnumcloud = Some(SecNumCloud {
                version: "3.2".into(),
                date: NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
            });
        }
        assert!(qualified.validate().is_empty());
    }

    #[test]
    fn declared_figures_stay_in_their_ranges() {
        let mut record = QualityRecord::default();
        record.declared.satisfaction = Some(Rating {
            score: 10.5,
            reviews: 200,
        });
        record.declared.usage = Some(-1.0);
        record.declared.help_reachable = Some(100.0);
        let fields: Vec<_> = record.validate().into_iter().map(|w| w.field).collect();
        assert_eq!(fields, ["declared.satisfaction.score", "declared.usage"]);
    }
}
