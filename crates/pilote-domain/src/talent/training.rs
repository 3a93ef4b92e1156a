//! Trainings offered to the network's members, and who attended them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::portfolio::DataQualityWarning;
use crate::{DomainError, Slug};

/// Most characters of a title or a provider.
pub const TITLE_MAX: usize = 200;
/// Most characters of an audience.
pub const AUDIENCE_MAX: usize = 500;

/// How a training is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TrainingFormat {
    /// In person (« présentiel »).
    Presentiel,
    /// Remote (« distanciel »).
    Distanciel,
    /// Both.
    Hybride,
}

impl TrainingFormat {
    /// Every format, in the forms' order.
    pub const ALL: [Self; 3] = [Self::Presentiel, Self::Distanciel, Self::Hybride];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Presentiel => "presentiel",
            Self::Distanciel => "distanciel",
            Self::Hybride => "hybride",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Presentiel => "Présentiel",
            Self::Distanciel => "Distanciel",
            Self::Hybride => "Hybride",
        }
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| DomainError::UnknownValue {
                what: "format (presentiel, distanciel ou hybride)",
                value: name.to_owned(),
            })
    }
}

/// A training of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Training {
    /// The store's number; 0 before the training is stored.
    #[serde(default)]
    pub id: i64,
    /// What it is called.
    pub title: String,
    /// Who gives it.
    pub provider: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// In person, remote or both.
    pub format: TrainingFormat,
    /// Whom it is for (« développeurs », « tous les membres »).
    #[serde(default)]
    pub audience: String,
}

impl Training {
    /// Trims the texts, then lists what is wrong, by field.
    pub fn validate(&mut self) -> Vec<DataQualityWarning> {
        self.title = self.title.trim().to_owned();
        self.provider = self.provider.trim().to_owned();
        self.audience = self.audience.trim().to_owned();
        let mut problems = Vec::new();
        for (field, value, max) in [
            ("title", &self.title, TITLE_MAX),
            ("provider", &self.provider, TITLE_MAX),
            ("audience", &self.audience, AUDIENCE_MAX),
        ] {
            if value.is_empty() && field != "audience" {
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
        if self.end < self.start {
            problems.push(DataQualityWarning::new(
                "end",
                format!(
                    "la formation se termine ({}) avant de commencer ({})",
                    self.end, self.start
                ),
            ));
        }
        problems
    }
}

/// A member's attendance at a training.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attendance {
    /// The training's number.
    pub training: i64,
    /// The member who attended.
    pub member: Slug,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn training() -> Training {
        serde_json::from_value(serde_json::json!({
            "title": "  Accessibilité numérique ", "provider": "Access42",
            "start": "2025-03-10", "end": "2025-03-12", "format": "hybride",
        }))
        .unwrap()
    }

    #[test]
    fn a_valid_training_is_trimmed() {
        let mut t = training();
        assert!(t.validate().is_empty());
        assert_eq!(t.title, "Accessibilité numérique");
        assert_eq!(t.audience, "");
        assert_eq!(t.format.label(), "Hybride");
    }

    #[test]
    fn problems_name_their_field() {
        let mut t = training();
        t.title = "  ".into();
        t.provider = "x".repeat(TITLE_MAX + 1);
        t.end = "2025-03-01".parse().unwrap();
        let fields: Vec<String> = t.validate().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["title", "provider", "end"]);
    }

    #[test]
    fn formats_parse_their_names() {
        for format in TrainingFormat::ALL {
            assert_eq!(TrainingFormat::parse(format.as_str()).unwrap(), format);
        }
        assert!(TrainingFormat::parse("webinaire").is_err());
    }
}
