//! Members of the network and their missions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DataQualityWarning, Extra};
use crate::{DomainError, Slug};

/// A member's discipline (`domaine` in the source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Domaine {
    /// Software development.
    #[serde(rename = "Développement")]
    Developpement,
    /// Intrapreneurship: the public agent who carries the product.
    #[serde(rename = "Intraprenariat")]
    Intraprenariat,
    /// Deployment to users.
    #[serde(rename = "Déploiement")]
    Deploiement,
    /// Product management.
    Produit,
    /// Design.
    Design,
    /// Coaching.
    Coaching,
    /// Community animation.
    Animation,
    /// Data.
    Data,
    /// Support.
    Support,
    /// A contractor's holder (attributaire).
    Attributaire,
    /// Anything else.
    Autre,
}

impl Domaine {
    /// Every discipline, in the network's order.
    pub const ALL: [Self; 11] = [
        Self::Developpement,
        Self::Intraprenariat,
        Self::Deploiement,
        Self::Produit,
        Self::Design,
        Self::Coaching,
        Self::Animation,
        Self::Data,
        Self::Support,
        Self::Attributaire,
        Self::Autre,
    ];

    /// The French label, as the source writes it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Developpement => "Développement",
            Self::Intraprenariat => "Intraprenariat",
            Self::Deploiement => "Déploiement",
            Self::Produit => "Produit",
            Self::Design => "Design",
            Self::Coaching => "Coaching",
            Self::Animation => "Animation",
            Self::Data => "Data",
            Self::Support => "Support",
            Self::Attributaire => "Attributaire",
            Self::Autre => "Autre",
        }
    }

    /// Parses the source's label.
    pub fn parse(label: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|domaine| domaine.label() == label)
            .ok_or_else(|| DomainError::UnknownDomaine(label.to_owned()))
    }
}

/// How a member is engaged on a mission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MissionStatus {
    /// A freelancer or contractor.
    Independent,
    /// A public agent.
    Admin,
    /// Through a service company.
    Service,
}

impl MissionStatus {
    /// The source's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Independent => "independent",
            Self::Admin => "admin",
            Self::Service => "service",
        }
    }

    /// Parses the source's name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        [Self::Independent, Self::Admin, Self::Service]
            .into_iter()
            .find(|status| status.as_str() == name)
            .ok_or_else(|| DomainError::UnknownMissionStatus(name.to_owned()))
    }
}

/// A period during which a member works for the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Mission {
    /// First day.
    pub start: NaiveDate,
    /// Last day, when known.
    #[serde(default)]
    pub end: Option<NaiveDate>,
    /// How the member is engaged.
    pub status: MissionStatus,
    /// The employer or contracting company.
    #[serde(default)]
    pub employer: Option<String>,
    /// Products worked on (`startups` in the source).
    #[serde(default)]
    pub products: Vec<Slug>,
}

impl Mission {
    /// Whether the mission covers a day.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }
}

/// A member of the network (`_authors` in the source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Member {
    /// Stable identifier (`prenom.nom`).
    pub slug: Slug,
    /// Full name.
    pub fullname: String,
    /// Role in the team.
    #[serde(default)]
    pub role: String,
    /// Discipline.
    pub domaine: Domaine,
    /// Skills.
    #[serde(default)]
    pub competences: Vec<String>,
    /// Forge account.
    #[serde(default)]
    pub github: Option<String>,
    /// Personal page.
    #[serde(default)]
    pub link: Option<String>,
    /// Kind of membership (`beta`, `dinum`, `attributaire`, `autre`).
    #[serde(default)]
    pub member_type: Option<String>,
    /// Missions.
    #[serde(default)]
    pub missions: Vec<Mission>,
    /// Products worked on before missions were recorded.
    #[serde(default)]
    pub previously: Vec<Slug>,
    /// Badges (`segur`, ...).
    #[serde(default)]
    pub badges: Vec<String>,
    /// Teams.
    #[serde(default)]
    pub teams: Vec<Slug>,
    /// The member's presentation, in Markdown.
    #[serde(default)]
    pub bio: String,
    /// Work e-mail address. Personal: not published by beta.gouv.fr; visible only to the
    /// member and administrators, sealed in the audit log (see `audit::personal_fields`).
    #[serde(default)]
    pub email: Option<String>,
    /// Telephone number. Personal, like `email`.
    #[serde(default)]
    pub phone: Option<String>,
    /// Other source fields, kept verbatim (`avatar`, `incubator`, `startups`, ...).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub extra: Extra,
    /// Inconsistencies found in the record when it was imported.
    #[serde(default, skip_deserializing)]
    pub data_quality: Vec<DataQualityWarning>,
}

impl Member {
    /// Whether the member has a mission covering a day.
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.missions.iter().any(|mission| mission.covers(day))
    }

    /// Takes the personal fields this record lacks from the stored one, so that writing a
    /// record from a source that never holds them (the beta.gouv.fr content) keeps them.
    pub fn keep_personal_fields_of(&mut self, stored: &Self) {
        if self.email.is_none() {
            self.email.clone_from(&stored.email);
        }
        if self.phone.is_none() {
            self.phone.clone_from(&stored.phone);
        }
    }

    /// Inconsistencies within the record itself.
    pub fn inconsistencies(&self) -> Vec<DataQualityWarning> {
        self.missions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.end.is_some_and(|end| end < m.start))
            .map(|(index, m)| {
                DataQualityWarning::new(
                    format!("missions[{index}].end"),
                    format!(
                        "la mission commençant le {} se termine avant de commencer",
                        m.start
                    ),
                )
            })
            .collect()
    }

    /// References to products and teams that do not exist.
    pub fn dangling_references(
        &self,
        product_exists: impl Fn(&Slug) -> bool,
        team_exists: impl Fn(&Slug) -> bool,
    ) -> Vec<DataQualityWarning> {
        let missions = self.missions.iter().enumerate().flat_map(|(m, mission)| {
            mission
                .products
                .iter()
                .enumerate()
                .map(move |(p, product)| (format!("missions[{m}].products[{p}]"), product))
        });
        let previously = self
            .previously
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("previously[{i}]"), p));
        let mut warnings: Vec<DataQualityWarning> = missions
            .chain(previously)
            .filter(|(_, product)| !product_exists(product))
            .map(|(field, product)| {
                DataQualityWarning::new(field, format!("produit inconnu « {product} »"))
            })
            .collect();
        for (index, team) in self.teams.iter().enumerate() {
            if !team_exists(team) {
                warnings.push(DataQualityWarning::new(
                    format!("teams[{index}]"),
                    format!("équipe inconnue « {team} »"),
                ));
            }
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_domaine_label() {
        for domaine in Domaine::ALL {
            assert_eq!(Domaine::parse(domaine.label()), Ok(domaine));
            let json = serde_json::to_string(&domaine).unwrap();
            assert_eq!(json, format!("\"{}\"", domaine.label()));
        }
        assert!(Domaine::parse("Marketing").is_err());
    }

    #[test]
    fn a_mission_covers_its_days() {
        let mission = Mission {
            start: "2024-01-01".parse().unwrap(),
            end: Some("2024-06-30".parse().unwrap()),
            status: MissionStatus::Admin,
            employer: None,
            products: vec![],
        };
        assert!(mission.covers("2024-06-30".parse().unwrap()));
        assert!(!mission.covers("2024-07-01".parse().unwrap()));
        assert!(!mission.covers("2023-12-31".parse().unwrap()));
    }
}
