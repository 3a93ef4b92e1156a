//! Datasets and the resources (files, links) they are made of.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AccessType, DataSource, bad_url, is_share};
use crate::vocabulary::vocabulary;
use crate::{DomainError, Slug};

vocabulary! {
    /// How often a dataset is updated, by udata's frequency codes.
    #[derive(Default)]
    pub enum Frequency ("fréquence de mise à jour") {
        /// Not said.
        #[default]
        Unknown = ("unknown", "Inconnue"),
        /// Published once.
        Punctual = ("punctual", "Ponctuelle"),
        /// Updated as things happen.
        Continuous = ("continuous", "Temps réel"),
        /// Every hour.
        Hourly = ("hourly", "Toutes les heures"),
        /// Four times a day.
        FourTimesADay = ("fourTimesADay", "Quatre fois par jour"),
        /// Three times a day.
        ThreeTimesADay = ("threeTimesADay", "Trois fois par jour"),
        /// Twice a day.
        Semidaily = ("semidaily", "Deux fois par jour"),
        /// Every day.
        Daily = ("daily", "Quotidienne"),
        /// Four times a week.
        FourTimesAWeek = ("fourTimesAWeek", "Quatre fois par semaine"),
        /// Three times a week.
        ThreeTimesAWeek = ("threeTimesAWeek", "Trois fois par semaine"),
        /// Twice a week.
        Semiweekly = ("semiweekly", "Deux fois par semaine"),
        /// Every week.
        Weekly = ("weekly", "Hebdomadaire"),
        /// Every two weeks.
        Biweekly = ("biweekly", "Toutes les deux semaines"),
        /// Three times a month.
        ThreeTimesAMonth = ("threeTimesAMonth", "Trois fois par mois"),
        /// Twice a month.
        Semimonthly = ("semimonthly", "Deux fois par mois"),
        /// Every month.
        Monthly = ("monthly", "Mensuelle"),
        /// Every two months.
        Bimonthly = ("bimonthly", "Tous les deux mois"),
        /// Every quarter.
        Quarterly = ("quarterly", "Trimestrielle"),
        /// Three times a year.
        ThreeTimesAYear = ("threeTimesAYear", "Trois fois par an"),
        /// Twice a year.
        Semiannual = ("semiannual", "Semestrielle"),
        /// Every year.
        Annual = ("annual", "Annuelle"),
        /// Every two years.
        Biennial = ("biennial", "Tous les deux ans"),
        /// Every three years.
        Triennial = ("triennial", "Tous les trois ans"),
        /// Every five years.
        Quinquennial = ("quinquennial", "Tous les cinq ans"),
        /// At no regular pace.
        Irregular = ("irregular", "Irrégulière"),
    }
}

vocabulary! {
    /// What a resource is to its dataset, by udata's resource types.
    #[derive(Default)]
    pub enum ResourceType ("type de ressource") {
        /// The data itself (« fichier principal »).
        #[default]
        Main = ("main", "Fichier principal"),
        /// Its documentation.
        Documentation = ("documentation", "Documentation"),
        /// An update of the main file.
        Update = ("update", "Mise à jour"),
        /// An API serving the data.
        Api = ("api", "API"),
        /// Code that produces or reads the data.
        Code = ("code", "Code source"),
        /// Anything else.
        Other = ("other", "Autre"),
    }
}

/// A file or a link of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Resource {
    /// The source's identifier.
    #[serde(default)]
    pub id: Option<String>,
    /// Its title.
    pub title: String,
    /// What it is to the dataset.
    #[serde(default, rename = "type")]
    pub kind: ResourceType,
    /// Its format, as the source gives it (`csv`, `json`, `page web`).
    #[serde(default)]
    pub format: Option<String>,
    /// Where to get it; `null` when the dataset is restricted and the reader is not
    /// entitled to its details.
    #[serde(serialize_with = "url_or_null", deserialize_with = "url_from_null")]
    #[schema(value_type = Option<String>)]
    pub url: String,
    /// Its size in bytes.
    #[serde(default)]
    pub size: Option<i64>,
    /// The checksum's algorithm (`sha1`, `sha256`, `md5`).
    #[serde(default)]
    pub checksum_type: Option<String>,
    /// The checksum's value.
    #[serde(default)]
    pub checksum_value: Option<String>,
    /// When it last changed (RFC 3339, as the source gives it).
    #[serde(default)]
    pub last_modified: Option<String>,
    /// Whether it answered at its last check; unknown when never checked.
    #[serde(default)]
    pub available: Option<bool>,
}

impl Resource {
    /// Checks what a resource must say: a title and a web address.
    pub fn validate(&self) -> Result<(), (&'static str, DomainError)> {
        if self.title.trim().is_empty() {
            return Err(("title", DomainError::Required));
        }
        if self.checksum_value.is_some() && self.checksum_type.is_none() {
            return Err((
                "checksum_type",
                DomainError::Inconsistent("une somme de contrôle indique son algorithme"),
            ));
        }
        bad_url([("url", Some(self.url.as_str()))]).map_or(Ok(()), Err)
    }
}

/// A withheld (empty) address as `null`.
fn url_or_null<S: serde::Serializer>(url: &str, serializer: S) -> Result<S::Ok, S::Error> {
    if url.is_empty() {
        serializer.serialize_none()
    } else {
        serializer.serialize_str(url)
    }
}

/// An address, `null` being a withheld one.
fn url_from_null<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

/// A dataset of the catalogue (« jeu de données »).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Dataset {
    /// Its stable identifier (the source's slug, or its id when the slug is too long).
    #[schema(value_type = String)]
    pub slug: Slug,
    /// The source's identifier (`5e174be4634f414cd8a244f1`).
    #[serde(default)]
    pub source_id: Option<String>,
    /// Its title.
    pub title: String,
    /// What it holds (Markdown).
    #[serde(default)]
    pub description: String,
    /// Who publishes it.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub producer: Option<Slug>,
    /// Its licence (`fr-lo`, `odc-odbl`), when said.
    #[serde(default)]
    pub licence: Option<String>,
    /// How often it is updated.
    #[serde(default)]
    pub frequency: Frequency,
    /// The first day its data covers.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub temporal_start: Option<NaiveDate>,
    /// The last day its data covers.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub temporal_end: Option<NaiveDate>,
    /// The territory it covers (« France », « Région Bretagne »).
    #[serde(default)]
    pub spatial: Option<String>,
    /// Its keywords.
    #[serde(default)]
    pub tags: Vec<String>,
    /// How it may be reached.
    #[serde(default)]
    pub access: AccessType,
    /// Who may ask for it when it is not open (« administrations », « chercheurs »).
    #[serde(default)]
    pub audiences: Vec<String>,
    /// Its metadata quality, from 0 to 1.
    #[serde(default)]
    pub quality: Option<f64>,
    /// When it was first published.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub created: Option<NaiveDate>,
    /// When it last changed.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub modified: Option<NaiveDate>,
    /// Where the record came from.
    #[serde(default)]
    pub source: DataSource,
    /// Its page at the source.
    #[serde(default)]
    pub page_url: Option<String>,
    /// Its files and links.
    #[serde(default)]
    pub resources: Vec<Resource>,
}

impl Dataset {
    /// Checks what a dataset must say: a title, a quality in 0–1, web addresses, valid
    /// resources, and audiences only when it is not open.
    pub fn validate(&self) -> Result<(), (String, DomainError)> {
        let top = |(field, error): (&str, DomainError)| (field.to_owned(), error);
        if self.title.trim().is_empty() {
            return Err(top(("title", DomainError::Required)));
        }
        if self.quality.is_some_and(|q| !is_share(q)) {
            return Err(top((
                "quality",
                DomainError::Inconsistent("la qualité est une note entre 0 et 1"),
            )));
        }
        if self.access == AccessType::Open && !self.audiences.is_empty() {
            return Err(top((
                "audiences",
                DomainError::Inconsistent("un jeu ouvert à tous n'a pas de publics autorisés"),
            )));
        }
        if let Some(error) = bad_url([("page_url", self.page_url.as_deref())]) {
            return Err(top(error));
        }
        for (index, resource) in self.resources.iter().enumerate() {
            resource
                .validate()
                .map_err(|(field, error)| (format!("resources[{index}].{field}"), error))?;
        }
        Ok(())
    }

    /// Readable but inconsistent content, to import with a warning: a coverage ending
    /// before it starts.
    pub fn warnings(&self) -> Vec<(&'static str, String)> {
        match (self.temporal_start, self.temporal_end) {
            (Some(start), Some(end)) if end < start => vec![(
                "temporal_coverage",
                format!("la couverture temporelle finit ({end}) avant de commencer ({start})"),
            )],
            _ => Vec::new(),
        }
    }

    /// Withholds what only those entitled to a restricted dataset may read: its resources'
    /// addresses and checksums (the rule is [`super::entitlement`]).
    pub fn redact(&mut self) {
        for resource in &mut self.resources {
            resource.url.clear();
            resource.checksum_type = None;
            resource.checksum_value = None;
        }
    }

    /// The resources' formats, lower case, each once.
    pub fn formats(&self) -> Vec<String> {
        let mut formats: Vec<String> = self
            .resources
            .iter()
            .filter_map(|r| r.format.as_deref())
            .map(str::to_lowercase)
            .collect();
        formats.sort();
        formats.dedup();
        formats
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn dataset() -> Dataset {
        Dataset {
            slug: Slug::parse("base-adresse-nationale").unwrap(),
            source_id: Some("5530fbacc751df5ff937dddb".into()),
            title: "Base Adresse Nationale".into(),
            description: "Les adresses de France".into(),
            producer: Some(Slug::parse("base-adresse-nationale").unwrap()),
            licence: Some("etalab-2.0".into()),
            frequency: Frequency::Weekly,
            temporal_start: None,
            temporal_end: None,
            spatial: Some("France".into()),
            tags: vec!["adresse".into()],
            access: AccessType::Open,
            audiences: vec![],
            quality: Some(0.8),
            created: None,
            modified: None,
            source: DataSource::Udata,
            page_url: Some("https://www.data.gouv.fr/fr/datasets/base-adresse-nationale/".into()),
            resources: vec![Resource {
                id: None,
                title: "adresses.csv".into(),
                kind: ResourceType::Main,
                format: Some("CSV".into()),
                url: "https://adresse.data.gouv.fr/data/adresses.csv".into(),
                size: Some(12),
                checksum_type: Some("sha1".into()),
                checksum_value: Some("ab".into()),
                last_modified: None,
                available: Some(true),
            }],
        }
    }

    #[test]
    fn udata_frequencies_and_resource_types() {
        assert_eq!(
            Frequency::parse("fourTimesADay"),
            Ok(Frequency::FourTimesADay)
        );
        assert_eq!(Frequency::parse("semiannual"), Ok(Frequency::Semiannual));
        assert!(Frequency::parse("sometimes").is_err());
        assert_eq!(Frequency::ALL.len(), 25);
        assert_eq!(
            ResourceType::parse("documentation"),
            Ok(ResourceType::Documentation)
        );
        assert!(ResourceType::parse("main-file").is_err());
    }

    #[test]
    fn dataset_rules() {
        let ban = dataset();
        assert_eq!(ban.validate(), Ok(()));
        assert_eq!(ban.formats(), ["csv"]);
        let field = |d: Dataset| d.validate().unwrap_err().0;
        assert_eq!(
            field(Dataset {
                title: String::new(),
                ..dataset()
            }),
            "title"
        );
        assert_eq!(
            field(Dataset {
                quality: Some(1.5),
                ..dataset()
            }),
            "quality"
        );
        assert_eq!(
            field(Dataset {
                audiences: vec!["chercheurs".into()],
                ..dataset()
            }),
            "audiences"
        );
        let restricted = Dataset {
            access: AccessType::Restricted,
            audiences: vec!["chercheurs".into()],
            ..dataset()
        };
        assert_eq!(restricted.validate(), Ok(()));
        let mut bad_resource = dataset();
        bad_resource.resources[0].url = "adresses.csv".into();
        assert_eq!(field(bad_resource), "resources[0].url");
        let mut unnamed_sum = dataset();
        unnamed_sum.resources[0].checksum_type = None;
        assert_eq!(field(unnamed_sum), "resources[0].checksum_type");
    }

    #[test]
    fn redaction_withholds_addresses_and_checksums() {
        let mut ban = dataset();
        ban.redact();
        let resource = &ban.resources[0];
        assert!(resource.url.is_empty());
        assert_eq!(resource.checksum_value, None);
        assert_eq!(resource.title, "adresses.csv");
        let json = serde_json::to_value(resource).unwrap();
        assert!(json["url"].is_null());
        let back: Resource = serde_json::from_value(json).unwrap();
        assert!(back.url.is_empty());
    }

    #[test]
    fn a_coverage_ending_before_it_starts_is_a_warning() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        let backwards = Dataset {
            temporal_start: day("2020-01-01"),
            temporal_end: day("2019-01-01"),
            ..dataset()
        };
        assert_eq!(backwards.validate(), Ok(()));
        assert_eq!(backwards.warnings()[0].0, "temporal_coverage");
        assert!(dataset().warnings().is_empty());
    }
}
