//! The programme of entrepreneurs of general interest (EIG): promotions (cohorts), the
//! challenges (« défis ») administrations propose, and the people who took them on.
//!
//! A challenge's key figures are declared results: each one that is a number becomes a
//! declared measurement of an impact indicator of the challenge's product (`eig-<slug>`,
//! incubated by `eig`), so that the programme counts in the portfolio's roll-ups.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::impact::{Category, Direction, Indicator, Measurement, Method, Unit};
use crate::portfolio::{DataQualityWarning, Extra, Incubator, Product};
use crate::{DomainError, Slug, is_http_url};

/// The incubator that holds the challenges' products.
pub const INCUBATOR: &str = "eig";
/// How the indicators made from key figures begin their methodology: the import owns
/// those indicators, and leaves the others of the product alone.
pub const KEY_FIGURE_METHODOLOGY: &str =
    "Chiffre clé publié par le programme Entrepreneurs d'intérêt général";
/// Most characters of a title, a name, an administration or a city.
pub const NAME_MAX: usize = 200;
/// Most characters of a description.
pub const DESCRIPTION_MAX: usize = 5_000;

/// A promotion (cohort) of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Promotion {
    /// Stable identifier (`eig-4`, `dig`).
    pub slug: Slug,
    /// The source's number or code (`4`, `dig`).
    pub code: String,
    /// Its name (« Les défis EIG 4 »).
    pub title: String,
    /// The year its challenges ran.
    pub year: i32,
}

/// A skill a challenge seeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Skill {
    /// Stable identifier (`datascience`).
    pub slug: Slug,
    /// Its French label (« Data science »).
    pub label: String,
}

/// A key figure of a challenge, as the programme published it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct KeyFigure {
    /// The number, when the figure is one; `None` for a figure kept as text only.
    #[serde(default)]
    pub value: Option<f64>,
    /// The figure as written (« +200000 », « 30 % »).
    pub text: String,
    /// What it counts.
    pub description: String,
    /// Whether it is a percentage.
    #[serde(default)]
    pub percent: bool,
}

/// A challenge an administration proposed to the programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Challenge {
    /// Stable identifier, from its name (`monitorfish`, `eig-link-2019`).
    pub slug: Slug,
    /// Its title.
    pub title: String,
    /// The problem it takes on, in one sentence.
    pub description: String,
    /// The administration that proposed it.
    pub administration: String,
    /// The administration's website.
    #[serde(default)]
    pub administration_website: Option<String>,
    /// Where the team worked.
    #[serde(default)]
    pub city: Option<String>,
    /// The year it ran.
    pub year: i32,
    /// Its promotion's slug.
    pub promotion: Slug,
    /// How long it lasted, in months.
    #[serde(default)]
    pub duration_months: Option<u32>,
    /// The skills sought, by slug.
    #[serde(default)]
    pub skills: Vec<Slug>,
    /// Its key figures.
    #[serde(default)]
    pub key_figures: Vec<KeyFigure>,
    /// Its source code's address.
    #[serde(default)]
    pub source_code: Option<String>,
    /// Its website.
    #[serde(default)]
    pub website: Option<String>,
    /// The entrepreneurs who took it on, by slug.
    #[serde(default)]
    pub eigs: Vec<Slug>,
    /// Their mentors in the administration, by slug.
    #[serde(default)]
    pub mentors: Vec<Slug>,
}

/// What a person was in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EigRole {
    /// An entrepreneur of general interest.
    Eig,
    /// A mentor in the administration.
    Mentor,
    /// A member of the programme's support team (« accompagnement »).
    Coach,
}

impl EigRole {
    /// Every role.
    pub const ALL: [Self; 3] = [Self::Eig, Self::Mentor, Self::Coach];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Eig => "eig",
            Self::Mentor => "mentor",
            Self::Coach => "coach",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Eig => "Entrepreneur d'intérêt général",
            Self::Mentor => "Mentor",
            Self::Coach => "Accompagnement",
        }
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .ok_or_else(|| DomainError::UnknownValue {
                what: "rôle (eig, mentor ou coach)",
                value: name.to_owned(),
            })
    }
}

/// A person's public links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PersonLinks {
    /// GitHub account.
    #[serde(default)]
    pub github: Option<String>,
    /// GitLab account.
    #[serde(default)]
    pub gitlab: Option<String>,
    /// LinkedIn address.
    #[serde(default)]
    pub linkedin: Option<String>,
    /// Twitter account.
    #[serde(default)]
    pub twitter: Option<String>,
    /// Personal website.
    #[serde(default)]
    pub website: Option<String>,
}

impl PersonLinks {
    /// Keeps the links already set, and takes the others from `other`.
    pub fn fill_from(&mut self, other: &Self) {
        for (mine, theirs) in [
            (&mut self.github, &other.github),
            (&mut self.gitlab, &other.gitlab),
            (&mut self.linkedin, &other.linkedin),
            (&mut self.twitter, &other.twitter),
            (&mut self.website, &other.website),
        ] {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
    }
}

/// A person of the programme, as the programme published them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    /// Stable identifier, from the name (`adeline-celier`).
    pub slug: Slug,
    /// Full name.
    pub name: String,
    /// What they were in the programme.
    pub role: EigRole,
    /// Their profile (« Designer », « Data scientist », « Mentor »).
    #[serde(default)]
    pub profile: String,
    /// The years they took part.
    #[serde(default)]
    pub years: Vec<i32>,
    /// Their promotions, by slug.
    #[serde(default)]
    pub promotions: Vec<Slug>,
    /// Their challenges, by slug.
    #[serde(default)]
    pub challenges: Vec<Slug>,
    /// Their skills, by slug.
    #[serde(default)]
    pub skills: Vec<Slug>,
    /// Their public links.
    #[serde(default)]
    pub links: PersonLinks,
}

/// Everything the programme holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Programme {
    /// Promotions, by slug.
    pub promotions: Vec<Promotion>,
    /// Skills, by slug.
    pub skills: Vec<Skill>,
    /// Challenges, by slug.
    pub challenges: Vec<Challenge>,
    /// People, by slug.
    pub people: Vec<Person>,
}

impl Programme {
    /// The challenge of `slug`.
    pub fn challenge(&self, slug: &Slug) -> Option<&Challenge> {
        self.challenges.iter().find(|c| &c.slug == slug)
    }

    /// The promotion of `slug`.
    pub fn promotion(&self, slug: &Slug) -> Option<&Promotion> {
        self.promotions.iter().find(|p| &p.slug == slug)
    }

    /// The person of `slug`.
    pub fn person(&self, slug: &Slug) -> Option<&Person> {
        self.people.iter().find(|p| &p.slug == slug)
    }

    /// The skill of `slug`.
    pub fn skill(&self, slug: &Slug) -> Option<&Skill> {
        self.skills.iter().find(|s| &s.slug == slug)
    }
}

fn check_text(
    field: &str,
    value: &str,
    max: usize,
    required: bool,
    problems: &mut Vec<DataQualityWarning>,
) {
    if required && value.trim().is_empty() {
        problems.push(DataQualityWarning::new(
            field,
            DomainError::Required.to_string(),
        ));
    } else if value.chars().count() > max {
        problems.push(DataQualityWarning::new(
            field,
            format!("{max} caractères au plus"),
        ));
    }
}

fn check_url(field: &str, value: Option<&String>, problems: &mut Vec<DataQualityWarning>) {
    if let Some(url) = value
        && !is_http_url(url)
    {
        problems.push(DataQualityWarning::new(
            field,
            format!("« {url} » n'est pas une adresse http:// ou https://"),
        ));
    }
}

/// Years the programme can have run.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl Promotion {
    /// What is wrong, by field.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut problems = Vec::new();
        check_text("title", &self.title, NAME_MAX, true, &mut problems);
        check_text("code", &self.code, NAME_MAX, true, &mut problems);
        if !YEARS.contains(&self.year) {
            problems.push(DataQualityWarning::new(
                "year",
                format!("année invalide : {}", self.year),
            ));
        }
        problems
    }
}

impl Challenge {
    /// The slug of the product that carries the challenge's results: `eig-<slug>`.
    pub fn product_slug(&self) -> Result<Slug, DomainError> {
        Slug::parse(&format!("{INCUBATOR}-{}", self.slug))
    }

    /// What is wrong, by field.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut problems = Vec::new();
        check_text("title", &self.title, NAME_MAX, true, &mut problems);
        check_text(
            "description",
            &self.description,
            DESCRIPTION_MAX,
            true,
            &mut problems,
        );
        check_text(
            "administration",
            &self.administration,
            NAME_MAX,
            true,
            &mut problems,
        );
        if let Some(city) = &self.city {
            check_text("ville", city, NAME_MAX, false, &mut problems);
        }
        if !YEARS.contains(&self.year) {
            problems.push(DataQualityWarning::new(
                "year",
                format!("année invalide : {}", self.year),
            ));
        }
        if self.duration_months.is_some_and(|m| m == 0 || m > 60) {
            problems.push(DataQualityWarning::new(
                "duration_months",
                "une durée est comprise entre 1 et 60 mois",
            ));
        }
        check_url("source_code", self.source_code.as_ref(), &mut problems);
        check_url("website", self.website.as_ref(), &mut problems);
        for (i, figure) in self.key_figures.iter().enumerate() {
            check_text(
                &format!("key_figures[{i}].description"),
                &figure.description,
                NAME_MAX * 2,
                true,
                &mut problems,
            );
            if figure.value.is_some_and(|v| !v.is_finite()) {
                problems.push(DataQualityWarning::new(
                    format!("key_figures[{i}].amount"),
                    "la valeur doit être un nombre fini",
                ));
            }
        }
        problems
    }

    /// The product that carries the challenge's results in the portfolio.
    pub fn product(&self, promotion: Option<&Promotion>) -> Result<Product, DomainError> {
        let mut extra = Extra::new();
        extra.insert(
            "eig_challenge".to_owned(),
            serde_json::Value::String(self.slug.to_string()),
        );
        let promotion = promotion.map_or_else(String::new, |p| format!(" ({})", p.title));
        Ok(Product {
            slug: self.product_slug()?,
            title: self.title.clone(),
            mission: self.description.clone(),
            description: format!(
                "Défi d'entrepreneurs d'intérêt général proposé par {} en {}{promotion}.",
                self.administration, self.year
            ),
            incubator: Slug::parse(INCUBATOR)?,
            incubators: Vec::new(),
            sponsors: Vec::new(),
            phases: Vec::new(),
            events: Vec::new(),
            usertypes: Vec::new(),
            thematiques: Vec::new(),
            techno: Vec::new(),
            link: self.website.clone(),
            repository: self.source_code.clone(),
            contact: None,
            stats_url: None,
            impact_url: None,
            budget_url: None,
            dashlord_url: None,
            accessibility_status: None,
            analyse_risques: None,
            mon_service_securise: None,
            fast: None,
            extra,
            data_quality: Vec::new(),
        })
    }

    /// The challenge's key figures that are numbers, as public indicators of its product,
    /// each with its one declared measurement over the challenge's year. Two figures of the
    /// same description are told apart by their rank.
    pub fn indicators(&self) -> Result<Vec<(Indicator, Measurement)>, DomainError> {
        let product = self.product_slug()?;
        let start = NaiveDate::from_ymd_opt(self.year, 1, 1).ok_or(DomainError::Required)?;
        let end = NaiveDate::from_ymd_opt(self.year, 12, 31).ok_or(DomainError::Required)?;
        let mut bases: Vec<&str> = Vec::new();
        let mut found = Vec::new();
        for figure in &self.key_figures {
            let Some(value) = figure.value else { continue };
            let base = figure.description.trim();
            let twins = bases.iter().filter(|b| **b == base).count();
            bases.push(base);
            let name = if twins > 0 {
                format!("{base} ({})", twins + 1)
            } else {
                base.to_owned()
            };
            let indicator = Indicator {
                id: 0,
                product: product.clone(),
                name,
                category: Category::Other,
                unit: if figure.percent {
                    Unit::Percent
                } else {
                    Unit::Count
                },
                direction: Direction::HigherIsBetter,
                baseline: None,
                target: None,
                methodology: format!(
                    "{KEY_FIGURE_METHODOLOGY} pour le défi « {} » ({}), déclaré et non vérifié.",
                    self.title, self.year
                ),
                public: true,
            };
            let measurement = Measurement {
                id: 0,
                indicator: 0,
                period_start: start,
                period_end: end,
                value,
                method: Method::Declared,
                evidence_url: None,
                comment: format!(
                    "Chiffre clé du défi EIG : {} {}",
                    figure.text, figure.description
                ),
                recorded_by: String::new(),
                recorded_at: String::new(),
            };
            found.push((indicator, measurement));
        }
        Ok(found)
    }
}

impl Person {
    /// What is wrong, by field.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut problems = Vec::new();
        check_text("title", &self.name, NAME_MAX, true, &mut problems);
        check_text("profil", &self.profile, NAME_MAX, false, &mut problems);
        check_url("linkedin", self.links.linkedin.as_ref(), &mut problems);
        check_url("website", self.links.website.as_ref(), &mut problems);
        problems
    }

    /// Takes in another record of the same person: the lists are joined, the fields this
    /// one lacks are filled.
    pub fn merge(&mut self, other: &Self) {
        fn join<T: Clone + Ord>(mine: &mut Vec<T>, theirs: &[T]) {
            mine.extend(theirs.iter().cloned());
            mine.sort();
            mine.dedup();
        }
        join(&mut self.years, &other.years);
        join(&mut self.promotions, &other.promotions);
        join(&mut self.challenges, &other.challenges);
        join(&mut self.skills, &other.skills);
        if self.profile.is_empty() {
            self.profile.clone_from(&other.profile);
        }
        self.links.fill_from(&other.links);
    }
}

/// The incubator that holds the challenges' products.
pub fn incubator() -> Result<Incubator, DomainError> {
    Ok(Incubator {
        slug: Slug::parse(INCUBATOR)?,
        title: "Entrepreneurs d'intérêt général".to_owned(),
        owner: None,
        contact: None,
        website: None,
        github: None,
        address: None,
        short_description: Some(
            "Le programme qui fait venir des talents du numérique relever les défis proposés par les administrations.".to_owned(),
        ),
        highlighted_products: Vec::new(),
        description: String::new(),
        extra: Extra::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge() -> Challenge {
        serde_json::from_value(serde_json::json!({
            "slug": "monitorfish", "title": "MonitorFish",
            "description": "Aider au contrôle des pêches", "administration": "DPMA",
            "year": 2020, "promotion": "eig-4",
            "key_figures": [
                {"value": 965.0, "text": "965", "description": "Zones cartographiées"},
                {"value": 30.0, "text": "30 %", "description": "Des inspecteurs", "percent": true},
                {"value": null, "text": "beaucoup", "description": "Tasses de café"},
                {"value": 7.0, "text": "7", "description": "Zones cartographiées"},
            ],
        }))
        .unwrap()
    }

    #[test]
    fn numeric_key_figures_become_declared_measurements_of_the_challenge_s_product() {
        let c = challenge();
        assert!(c.validate().is_empty());
        let found = c.indicators().unwrap();
        assert_eq!(found.len(), 3);
        let (indicator, measurement) = &found[0];
        assert_eq!(indicator.product.as_str(), "eig-monitorfish");
        assert_eq!(indicator.unit, Unit::Count);
        assert!(indicator.public && indicator.validate().is_empty());
        assert_eq!(measurement.method, Method::Declared);
        assert!((measurement.value - 965.0).abs() < f64::EPSILON);
        assert_eq!(measurement.period_start.to_string(), "2020-01-01");
        assert_eq!(measurement.period_end.to_string(), "2020-12-31");
        assert!(measurement.validate(indicator.unit).is_empty());
        assert_eq!(found[1].0.unit, Unit::Percent);
        assert_eq!(found[2].0.name, "Zones cartographiées (2)");
        let product = c.product(None).unwrap();
        assert_eq!(product.incubator.as_str(), "eig");
        assert_eq!(product.extra["eig_challenge"], "monitorfish");
    }

    #[test]
    fn problems_name_their_field() {
        let mut c = challenge();
        c.title = " ".into();
        c.year = 17;
        c.website = Some("www.example.org".into());
        c.duration_months = Some(0);
        let fields: Vec<String> = c.validate().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["title", "year", "duration_months", "website"]);
    }

    #[test]
    fn a_person_met_twice_is_merged() {
        let mut a: Person = serde_json::from_value(serde_json::json!({
            "slug": "pierre-alain-jachiet", "name": "Pierre-Alain Jachiet", "role": "mentor",
            "years": [2020], "challenges": ["adex"], "links": {"github": "paj"}
        }))
        .unwrap();
        let b: Person = serde_json::from_value(serde_json::json!({
            "slug": "pierre-alain-jachiet", "name": "Pierre–Alain Jachiet", "role": "mentor",
            "profile": "Mentor", "years": [2019, 2020], "challenges": ["datamed"],
            "links": {"github": "other", "twitter": "pa"}
        }))
        .unwrap();
        a.merge(&b);
        assert_eq!(a.years, [2019, 2020]);
        assert_eq!(a.challenges.len(), 2);
        assert_eq!(a.profile, "Mentor");
        assert_eq!(a.links.github.as_deref(), Some("paj"));
        assert_eq!(a.links.twitter.as_deref(), Some("pa"));
    }

    #[test]
    fn roles_parse_their_names() {
        for role in EigRole::ALL {
            assert_eq!(EigRole::parse(role.as_str()).unwrap(), role);
        }
        assert!(EigRole::parse("jury").is_err());
    }
}
