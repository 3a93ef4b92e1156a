//! Indicators and their measurements, with the checks on their records.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Category, Direction, Method, Unit};
use crate::is_http_url;
use crate::portfolio::DataQualityWarning;
use crate::{DomainError, Slug};

/// Where an indicator started: the value before the product, and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Baseline {
    /// The value.
    pub value: f64,
    /// The day it was true.
    pub date: NaiveDate,
    /// Where it comes from (a study, a statistics series...).
    #[serde(default)]
    pub source: String,
}

/// Where an indicator should be, and by when.
///
/// Not named `Target`: that name is taken by the record a permission applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Goal {
    /// The value aimed at.
    pub value: f64,
    /// The deadline.
    pub date: NaiveDate,
}

/// An impact indicator of a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Indicator {
    /// The store's number; 0 before the indicator is stored.
    #[serde(default)]
    pub id: i64,
    /// The product it measures.
    pub product: Slug,
    /// Its name (« Dossiers traités sans relance »).
    pub name: String,
    /// What it measures.
    pub category: Category,
    /// The unit of its values.
    pub unit: Unit,
    /// Which way it improves.
    pub direction: Direction,
    /// The value before the product.
    #[serde(default)]
    pub baseline: Option<Baseline>,
    /// The value aimed at.
    #[serde(default)]
    pub target: Option<Goal>,
    /// How it is measured, in Markdown.
    #[serde(default)]
    pub methodology: String,
    /// Whether it is shown to the public.
    #[serde(default)]
    pub public: bool,
}

impl Indicator {
    /// Inconsistencies within the record, by field.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut warnings = Vec::new();
        if self.name.trim().is_empty() {
            warnings.push(DataQualityWarning::new(
                "name",
                DomainError::Required.to_string(),
            ));
        }
        if let Some(baseline) = &self.baseline {
            check_value("baseline.value", baseline.value, self.unit, &mut warnings);
            if baseline.source.trim().is_empty() {
                warnings.push(DataQualityWarning::new(
                    "baseline.source",
                    "la source de la valeur de référence est obligatoire",
                ));
            }
        }
        if let Some(target) = &self.target {
            check_value("target.value", target.value, self.unit, &mut warnings);
        }
        if let (Some(baseline), Some(target)) = (&self.baseline, &self.target) {
            if target.date < baseline.date {
                warnings.push(DataQualityWarning::new(
                    "target.date",
                    format!(
                        "l'échéance de l'objectif ({}) précède la date de la valeur de référence ({})",
                        target.date, baseline.date
                    ),
                ));
            }
            // Without a gap in the right direction, progress has no meaning (see `progress`).
            if baseline.value.is_finite()
                && target.value.is_finite()
                && !self.direction.improves(baseline.value, target.value)
            {
                let message = if self.direction.improves(target.value, baseline.value) {
                    format!(
                        "l'objectif ({}) est moins bon que la valeur de référence ({}) alors que « {} »",
                        target.value,
                        baseline.value,
                        self.direction.label()
                    )
                } else {
                    "l'objectif est égal à la valeur de référence : la progression ne peut pas se calculer".to_owned()
                };
                warnings.push(DataQualityWarning::new("target.value", message));
            }
        }
        // A published figure must say how it was obtained.
        if self.public && self.methodology.trim().is_empty() {
            warnings.push(DataQualityWarning::new(
                "methodology",
                "un indicateur public doit décrire sa méthodologie",
            ));
        }
        warnings
    }
}

/// One value of an indicator over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Measurement {
    /// The store's number; 0 before the measurement is stored.
    #[serde(default)]
    pub id: i64,
    /// The indicator's number; 0 until the indicator is known.
    #[serde(default)]
    pub indicator: i64,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period (included).
    pub period_end: NaiveDate,
    /// The value over the period, in the indicator's unit.
    pub value: f64,
    /// How it was obtained.
    pub method: Method,
    /// A public document that backs it.
    #[serde(default)]
    pub evidence_url: Option<String>,
    /// A free comment.
    #[serde(default)]
    pub comment: String,
    /// Who recorded it (an account's name), set when it is stored.
    #[serde(default)]
    pub recorded_by: String,
    /// When it was recorded (RFC 3339), set when it is stored.
    #[serde(default)]
    pub recorded_at: String,
}

impl Measurement {
    /// Days in the period, both ends included; `None` when it ends before it starts.
    pub fn days(&self) -> Option<i64> {
        let days = (self.period_end - self.period_start).num_days() + 1;
        (days > 0).then_some(days)
    }

    /// Inconsistencies within the record, by field, for an indicator of `unit`.
    pub fn validate(&self, unit: Unit) -> Vec<DataQualityWarning> {
        let mut warnings = Vec::new();
        if self.period_end < self.period_start {
            warnings.push(DataQualityWarning::new(
                "period_end",
                format!(
                    "la période se termine ({}) avant de commencer ({})",
                    self.period_end, self.period_start
                ),
            ));
        }
        check_value("value", self.value, unit, &mut warnings);
        if let Some(url) = &self.evidence_url
            && !is_http_url(url)
        {
            warnings.push(DataQualityWarning::new(
                "evidence_url",
                format!("le justificatif « {url} » doit être une adresse http:// ou https://"),
            ));
        }
        warnings
    }
}

/// Flags a value that is not a number, or a percentage outside 0–100.
fn check_value(field: &str, value: f64, unit: Unit, warnings: &mut Vec<DataQualityWarning>) {
    if !value.is_finite() {
        warnings.push(DataQualityWarning::new(
            field,
            "la valeur doit être un nombre fini",
        ));
    } else if unit == Unit::Percent && !(0.0..=100.0).contains(&value) {
        warnings.push(DataQualityWarning::new(
            field,
            format!("un pourcentage est compris entre 0 et 100 (valeur : {value})"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn indicator() -> Indicator {
        Indicator {
            id: 0,
            product: Slug::parse("a-just").unwrap(),
            name: "Délai moyen de traitement".into(),
            category: Category::UserDelaysShortened,
            unit: Unit::Days,
            direction: Direction::LowerIsBetter,
            baseline: Some(Baseline {
                value: 30.0,
                date: day("2023-01-01"),
                source: "Rapport annuel 2022".into(),
            }),
            target: Some(Goal {
                value: 10.0,
                date: day("2025-12-31"),
            }),
            methodology: "Médiane des délais constatés.".into(),
            public: true,
        }
    }

    fn measurement() -> Measurement {
        Measurement {
            id: 0,
            indicator: 1,
            period_start: day("2024-01-01"),
            period_end: day("2024-12-31"),
            value: 42.0,
            method: Method::Measured,
            evidence_url: Some("https://stats.example.gouv.fr/2024".into()),
            comment: String::new(),
            recorded_by: "camille.dupont".into(),
            recorded_at: "2025-01-10T09:00:00Z".into(),
        }
    }

    fn fields(warnings: &[DataQualityWarning]) -> Vec<&str> {
        warnings.iter().map(|w| w.field.as_str()).collect()
    }

    #[test]
    fn a_sound_indicator_has_no_warning() {
        assert_eq!(indicator().validate(), []);
    }

    #[test]
    fn flags_an_empty_name_and_a_missing_methodology() {
        let mut indicator = indicator();
        indicator.name = "  ".into();
        indicator.methodology = String::new();
        let warnings = indicator.validate();
        assert_eq!(fields(&warnings), ["name", "methodology"]);
        assert_eq!(warnings[0].message, "ce champ est obligatoire");
        indicator.public = false;
        assert_eq!(fields(&indicator.validate()), ["name"]);
    }

    #[test]
    fn flags_a_target_before_its_baseline() {
        let mut indicator = indicator();
        indicator.target = Some(Goal {
            value: 10.0,
            date: day("2022-06-30"),
        });
        let warnings = indicator.validate();
        assert_eq!(fields(&warnings), ["target.date"]);
        assert_eq!(
            warnings[0].message,
            "l'échéance de l'objectif (2022-06-30) précède la date de la valeur de référence (2023-01-01)"
        );
    }

    #[test]
    fn flags_a_target_in_the_wrong_direction_or_equal_to_the_baseline() {
        let mut indicator = indicator();
        indicator.target = Some(Goal {
            value: 40.0,
            date: day("2025-12-31"),
        });
        assert_eq!(fields(&indicator.validate()), ["target.value"]);
        indicator.direction = Direction::HigherIsBetter;
        assert_eq!(indicator.validate(), []);
        indicator.target = Some(Goal {
            value: 30.0,
            date: day("2025-12-31"),
        });
        assert_eq!(fields(&indicator.validate()), ["target.value"]);
    }

    #[test]
    fn flags_percentages_out_of_bounds_and_non_finite_values() {
        let mut indicator = indicator();
        indicator.unit = Unit::Percent;
        indicator.direction = Direction::HigherIsBetter;
        indicator.baseline = Some(Baseline {
            value: -5.0,
            date: day("2023-01-01"),
            source: String::new(),
        });
        indicator.target = Some(Goal {
            value: f64::NAN,
            date: day("2025-01-01"),
        });
        assert_eq!(
            fields(&indicator.validate()),
            ["baseline.value", "baseline.source", "target.value"]
        );
        // 0 and 100 are valid percentages.
        indicator.baseline = Some(Baseline {
            value: 0.0,
            date: day("2023-01-01"),
            source: "Enquête".into(),
        });
        indicator.target = Some(Goal {
            value: 100.0,
            date: day("2025-01-01"),
        });
        assert_eq!(indicator.validate(), []);
    }

    #[test]
    fn a_sound_measurement_has_no_warning() {
        assert_eq!(measurement().validate(Unit::Count), []);
        let mut without_evidence = measurement();
        without_evidence.evidence_url = None;
        assert_eq!(without_evidence.validate(Unit::Count), []);
    }

    #[test]
    fn flags_a_reversed_period_a_bad_value_and_a_bad_evidence_url() {
        let mut measurement = measurement();
        measurement.period_end = day("2023-12-31");
        measurement.value = f64::INFINITY;
        measurement.evidence_url = Some("ftp://example.org/file".into());
        assert_eq!(
            fields(&measurement.validate(Unit::Count)),
            ["period_end", "value", "evidence_url"]
        );
        assert_eq!(measurement.days(), None);
    }

    #[test]
    fn bounds_percentages_in_measurements() {
        let mut measurement = measurement();
        measurement.value = 100.5;
        assert_eq!(fields(&measurement.validate(Unit::Percent)), ["value"]);
        assert_eq!(measurement.validate(Unit::Score), []);
    }

    #[test]
    fn accepts_only_http_addresses() {
        for good in [
            "https://a.fr",
            "HTTP://a.fr/x?y=1",
            "http://localhost:8080/",
        ] {
            assert!(is_http_url(good), "{good}");
        }
        for bad in [
            "",
            "https://",
            "https:///path",
            "a.fr",
            "javascript:alert(1)",
            "https://a.fr/un fichier",
            "mailto:a@b.fr",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn counts_days_with_both_ends() {
        assert_eq!(measurement().days(), Some(366));
        let mut one_day = measurement();
        one_day.period_end = one_day.period_start;
        assert_eq!(one_day.days(), Some(1));
    }

    #[test]
    fn reads_a_form_without_the_stored_fields() {
        let json = r#"{"product": "a-just", "name": "Usagers", "category": "users_reached",
            "unit": "count", "direction": "higher_is_better"}"#;
        let indicator: Indicator = serde_json::from_str(json).unwrap();
        assert_eq!(indicator.id, 0);
        assert_eq!(indicator.baseline, None);
        assert!(!indicator.public);
        let json = r#"{"period_start": "2024-01-01", "period_end": "2024-03-31",
            "value": 12, "method": "declared"}"#;
        let measurement: Measurement = serde_json::from_str(json).unwrap();
        assert_eq!(measurement.days(), Some(91));
    }
}
