//! A software entry of the catalogue, and what agents, administrations and contributors
//! add to it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocabulary::vocabulary;
use crate::{DomainError, Slug, is_http_url};

vocabulary! {
    /// Where a software stands in the catalogue (the SILL's `R`, `O`, `FR`).
    #[derive(Default)]
    pub enum CatalogueStatus ("statut au catalogue") {
        /// Recommended to administrations.
        #[default]
        Recommended = ("recommended", "Recommandé"),
        /// Being observed before a recommendation.
        InObservation = ("in_observation", "En observation"),
        /// No longer recommended (« fin de recommandation »), with a reason and a date.
        Dereferenced = ("dereferenced", "Déréférencé"),
    }
}

vocabulary! {
    /// What kind of software it is.
    #[derive(Default)]
    pub enum SoftwareKind ("type de logiciel") {
        /// Installed on an agent's computer or phone.
        #[default]
        DesktopMobile = ("desktop_mobile", "Poste de travail ou mobile"),
        /// Used as an online service.
        Cloud = ("cloud", "Service en ligne"),
        /// A technical building block of other services (server, library, tool of a team).
        Stack = ("stack", "Brique technique"),
    }
}

vocabulary! {
    /// An operating system a desktop or mobile software runs on.
    pub enum OperatingSystem ("système d'exploitation") {
        /// Microsoft Windows.
        Windows = ("windows", "Windows"),
        /// GNU/Linux.
        Linux = ("linux", "GNU/Linux"),
        /// Apple `macOS`.
        Macos = ("macos", "macOS"),
        /// Android.
        Android = ("android", "Android"),
        /// Apple `iOS`.
        Ios = ("ios", "iOS"),
    }
}

vocabulary! {
    /// How an agent stands behind a software.
    pub enum DeclarationKind ("type de déclaration") {
        /// The agent uses it (« utilisateur »).
        User = ("user", "Utilisateur"),
        /// The agent answers for it in their administration (« référent »).
        Referent = ("referent", "Référent"),
    }
}

vocabulary! {
    /// Who a contributor is, as the strategy counts critical mass.
    pub enum ContributorKind ("type de contributeur") {
        /// Associations, foundations, individuals.
        CivilSociety = ("civil_society", "Société civile"),
        /// Companies.
        Company = ("company", "Entreprise"),
        /// Administrations and public bodies.
        PublicBody = ("public_body", "Organisme public"),
    }
}

vocabulary! {
    /// The part a software plays in a product.
    #[derive(Default)]
    pub enum SoftwareRole ("rôle du logiciel") {
        /// One of the product's technologies (its `techno`).
        #[default]
        Techno = ("techno", "Technologie du produit"),
        /// A component the product runs on or embeds.
        Dependency = ("dependency", "Dépendance"),
        /// A tool the product's team works with.
        Tool = ("tool", "Outil de l'équipe"),
    }
}

/// A software entry of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Software {
    /// Its stable identifier, from its name (`libreoffice`, `postgresql`).
    #[schema(value_type = String)]
    pub slug: Slug,
    /// Its number in the SILL, when it comes from there.
    #[serde(default)]
    pub sill_id: Option<String>,
    /// Its name.
    pub name: String,
    /// What it does, in French.
    #[serde(default)]
    pub description_fr: String,
    /// What it does, in English.
    #[serde(default)]
    pub description_en: String,
    /// Its licence, as an SPDX identifier or expression (`GPL-3.0-only`, `MIT, LGPL-3`).
    #[serde(default)]
    pub licence: String,
    /// The oldest version recommended (« version minimale »).
    #[serde(default)]
    pub minimal_version: Option<String>,
    /// Where it stands in the catalogue.
    #[serde(default)]
    pub status: CatalogueStatus,
    /// Why it was dereferenced.
    #[serde(default)]
    pub status_reason: Option<String>,
    /// When it was dereferenced.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub status_date: Option<NaiveDate>,
    /// What kind of software it is.
    #[serde(default)]
    pub kind: SoftwareKind,
    /// The systems a desktop or mobile software runs on.
    #[serde(default)]
    pub operating_systems: Vec<OperatingSystem>,
    /// Its categories (« Outil collaboratif »).
    #[serde(default)]
    pub categories: Vec<String>,
    /// What it is used for (« Compression de fichier »).
    #[serde(default)]
    pub function: String,
    /// The software it extends (a plugin's host), by name.
    #[serde(default)]
    pub parent: Option<String>,
    /// Its website.
    #[serde(default)]
    pub website: Option<String>,
    /// Its source repository.
    #[serde(default)]
    pub repository: Option<String>,
    /// Its documentation.
    #[serde(default)]
    pub documentation: Option<String>,
    /// Its number on the Comptoir du Libre.
    #[serde(default)]
    pub comptoir_id: Option<i64>,
    /// Its Wikidata item (`Q1082128`).
    #[serde(default)]
    pub wikidata_id: Option<String>,
    /// Its name on Framalibre.
    #[serde(default)]
    pub framalibre: Option<String>,
    /// Its logo.
    #[serde(default)]
    pub logo_url: Option<String>,
    /// The year it entered the catalogue (the SILL gives years, not days).
    #[serde(default)]
    pub added_in: Option<i32>,
}

impl Software {
    /// Checks what the catalogue must say: a name, web addresses, a reason and a date for a
    /// dereferenced software only, systems for a desktop or mobile one only.
    pub fn validate(&self) -> Result<(), (&'static str, DomainError)> {
        if self.name.trim().is_empty() {
            return Err(("name", DomainError::Required));
        }
        for (field, url) in [
            ("website", &self.website),
            ("repository", &self.repository),
            ("documentation", &self.documentation),
            ("logo_url", &self.logo_url),
        ] {
            if let Some(url) = url.as_deref().filter(|url| !is_web_or_git(url)) {
                return Err((field, DomainError::NotAWebAddress(url.to_owned())));
            }
        }
        let dereferenced = self.status == CatalogueStatus::Dereferenced;
        if !dereferenced && (self.status_reason.is_some() || self.status_date.is_some()) {
            return Err((
                "status_reason",
                DomainError::Inconsistent(
                    "seul un logiciel déréférencé a un motif et une date de déréférencement",
                ),
            ));
        }
        if self.kind != SoftwareKind::DesktopMobile && !self.operating_systems.is_empty() {
            return Err((
                "operating_systems",
                DomainError::Inconsistent(
                    "seul un logiciel de poste de travail ou mobile indique ses systèmes d'exploitation",
                ),
            ));
        }
        Ok(())
    }
}

/// Source repositories are also given as `git://` addresses.
fn is_web_or_git(url: &str) -> bool {
    is_http_url(url)
        || url
            .strip_prefix("git://")
            .is_some_and(|rest| !rest.is_empty())
}

/// The slug of a software from its name: folded (no case, no accents), every run of other
/// characters than letters and digits as one `-` (« `LibreOffice` (Collabora) online » gives
/// `libreoffice-collabora-online`).
pub fn software_slug(name: &str) -> Result<Slug, DomainError> {
    Slug::from_name(name)
}

/// An agent's declaration about a software: they use it, or they answer for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Declaration {
    /// Its number (0 before it is stored).
    #[serde(default)]
    pub id: i64,
    /// The software.
    #[schema(value_type = String)]
    pub software: Slug,
    /// The agent's account.
    #[serde(default)]
    pub account: i64,
    /// User or referent.
    pub kind: DeclarationKind,
    /// The agent's organisation (« DINUM », « Ministère de la Culture »).
    pub organisation: String,
    /// What they use it for.
    #[serde(default)]
    pub use_case: String,
    /// The version a user runs.
    #[serde(default)]
    pub version: Option<String>,
    /// The service a user runs it for.
    #[serde(default)]
    pub service_url: Option<String>,
    /// Whether a referent is an expert of it, able to help other administrations.
    #[serde(default)]
    pub expert: bool,
    /// When it was made (RFC 3339).
    #[serde(default)]
    pub declared_at: String,
}

impl Declaration {
    /// Checks what an agent types: an organisation, a web address for the service; version
    /// and service belong to users, expertise to referents.
    pub fn validate(&self) -> Result<(), (&'static str, DomainError)> {
        if self.organisation.trim().is_empty() {
            return Err(("organisation", DomainError::Required));
        }
        if let Some(url) = self.service_url.as_deref().filter(|url| !is_http_url(url)) {
            return Err(("service_url", DomainError::NotAWebAddress(url.to_owned())));
        }
        match self.kind {
            DeclarationKind::User if self.expert => Err((
                "expert",
                DomainError::Inconsistent("seul un référent se déclare expert"),
            )),
            DeclarationKind::Referent if self.version.is_some() || self.service_url.is_some() => {
                Err((
                    "version",
                    DomainError::Inconsistent(
                        "seul un utilisateur indique la version et le service qu'il utilise",
                    ),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// An instance of a software that an administration runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Instance {
    /// Its number (0 before it is stored).
    #[serde(default)]
    pub id: i64,
    /// The software.
    #[schema(value_type = String)]
    pub software: Slug,
    /// The organisation that runs it.
    pub organisation: String,
    /// Its address.
    pub url: String,
    /// Who it serves (« agents du ministère », « grand public »).
    #[serde(default)]
    pub audience: String,
    /// Whether anyone may use it.
    #[serde(default)]
    pub public: bool,
}

/// Someone who contributes to a software, or to the catalogue itself when `software` is
/// absent (the SILL's list of contributing public bodies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Contributor {
    /// Its number (0 before it is stored).
    #[serde(default)]
    pub id: i64,
    /// The software; absent for a contributor of the catalogue.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub software: Option<Slug>,
    /// The organisation's or the person's name.
    pub name: String,
    /// Its acronym or short name (« DINUM »).
    #[serde(default)]
    pub acronym: Option<String>,
    /// Civil society, company or public body.
    pub kind: ContributorKind,
    /// Where to learn more (its directory entry, its website).
    #[serde(default)]
    pub url: Option<String>,
}

/// A product of the portfolio that depends on a software, and how.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub struct ProductSoftware {
    /// The product.
    #[schema(value_type = String)]
    pub product: Slug,
    /// The software.
    #[schema(value_type = String)]
    pub software: Slug,
    /// The part it plays.
    #[serde(default)]
    pub role: SoftwareRole,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn software(name: &str) -> Software {
        Software {
            slug: software_slug(name).unwrap(),
            sill_id: None,
            name: name.to_owned(),
            description_fr: String::new(),
            description_en: String::new(),
            licence: "MPL-2.0".into(),
            minimal_version: None,
            status: CatalogueStatus::Recommended,
            status_reason: None,
            status_date: None,
            kind: SoftwareKind::DesktopMobile,
            operating_systems: vec![OperatingSystem::Linux],
            categories: vec![],
            function: String::new(),
            parent: None,
            website: Some("https://www.libreoffice.org".into()),
            repository: Some("git://anongit.freedesktop.org/libreoffice/core".into()),
            documentation: None,
            comptoir_id: None,
            wikidata_id: None,
            framalibre: None,
            logo_url: None,
            added_in: Some(2018),
        }
    }

    #[test]
    fn slugs_come_from_names() {
        let slug = |name: &str| software_slug(name).unwrap().to_string();
        assert_eq!(
            slug("LibreOffice (Collabora) online"),
            "libreoffice-collabora-online"
        );
        assert_eq!(
            slug("DBAN (Darik's Boot and Nuke)"),
            "dban-darik-s-boot-and-nuke"
        );
        assert_eq!(slug("Éditeur  Émeraude"), "editeur-emeraude");
        assert_eq!(slug("7zip"), "7zip");
        assert!(software_slug("(  )").is_err());
    }

    #[test]
    fn software_rules() {
        let office = software("LibreOffice");
        assert_eq!(office.validate(), Ok(()));
        let reason_without_dereferencing = Software {
            status_reason: Some("abandonné".into()),
            ..office.clone()
        };
        assert_eq!(
            reason_without_dereferencing.validate().unwrap_err().0,
            "status_reason"
        );
        let cloud_with_systems = Software {
            kind: SoftwareKind::Cloud,
            ..office.clone()
        };
        assert_eq!(
            cloud_with_systems.validate().unwrap_err().0,
            "operating_systems"
        );
        let ftp = Software {
            website: Some("ftp://x".into()),
            ..office
        };
        assert_eq!(ftp.validate().unwrap_err().0, "website");
    }

    #[test]
    fn declaration_rules() {
        let user = Declaration {
            id: 0,
            software: Slug::parse("libreoffice").unwrap(),
            account: 1,
            kind: DeclarationKind::User,
            organisation: "DINUM".into(),
            use_case: "Bureautique".into(),
            version: Some("7.5".into()),
            service_url: Some("https://example.gouv.fr".into()),
            expert: false,
            declared_at: String::new(),
        };
        assert_eq!(user.validate(), Ok(()));
        let expert_user = Declaration {
            expert: true,
            ..user.clone()
        };
        assert_eq!(expert_user.validate().unwrap_err().0, "expert");
        let referent_with_version = Declaration {
            kind: DeclarationKind::Referent,
            ..user.clone()
        };
        assert_eq!(referent_with_version.validate().unwrap_err().0, "version");
        let nowhere = Declaration {
            organisation: " ".into(),
            ..user
        };
        assert_eq!(nowhere.validate().unwrap_err().0, "organisation");
    }
}
