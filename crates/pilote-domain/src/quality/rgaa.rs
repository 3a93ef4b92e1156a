//! RGAA 4.1 audits: each criterion's status per page of the sample, its status over the
//! sample, the compliance rate and the statement status it allows.
//!
//! Over the sample, a criterion is applicable when it is on at least one page (any status but
//! not applicable), compliant when every page is compliant or not applicable with at least one
//! compliant, and non-compliant when any page is non-compliant. A criterion left untested on a
//! page where it may apply is neither: it stays applicable, so that it lowers the rate until
//! it is tested, and the report says the audit is incomplete.
//! Rate = compliant ÷ applicable × 100; 100 % is « totalement conforme », 50 % or more
//! « partiellement conforme », below « non conforme ».

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

use crate::DomainError;
use crate::vocabulary::vocabulary;

/// How many criteria each of the 13 topics of RGAA 4.1 has, in topic order (106 in all).
pub const CRITERIA_PER_TOPIC: [u8; 13] = [9, 2, 3, 13, 8, 2, 5, 10, 4, 14, 13, 11, 12];

/// A criterion's number: topic and rank in it (« 11.2 »).
///
/// Written as text in JSON; API fields holding one say `#[schema(value_type = String)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CriterionId {
    /// The topic, 1 to 13.
    pub topic: u8,
    /// The criterion within the topic, from 1.
    pub number: u8,
}

impl CriterionId {
    /// The criterion, if RGAA 4.1 has it.
    pub fn new(topic: u8, number: u8) -> Result<Self, DomainError> {
        let known = usize::from(topic)
            .checked_sub(1)
            .and_then(|index| CRITERIA_PER_TOPIC.get(index))
            .is_some_and(|count| (1..=*count).contains(&number));
        if known {
            Ok(Self { topic, number })
        } else {
            Err(DomainError::UnknownValue {
                what: "critère RGAA",
                value: format!("{topic}.{number}"),
            })
        }
    }

    /// Every criterion of RGAA 4.1, in order.
    pub fn all() -> impl Iterator<Item = Self> {
        (1u8..)
            .zip(CRITERIA_PER_TOPIC)
            .flat_map(|(topic, count)| (1..=count).map(move |number| Self { topic, number }))
    }
}

impl fmt::Display for CriterionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.topic, self.number)
    }
}

impl FromStr for CriterionId {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Self, DomainError> {
        let unknown = || DomainError::UnknownValue {
            what: "critère RGAA",
            value: text.to_owned(),
        };
        let (topic, number) = text.split_once('.').ok_or_else(unknown)?;
        Self::new(
            topic.parse().map_err(|_| unknown())?,
            number.parse().map_err(|_| unknown())?,
        )
    }
}

impl Serialize for CriterionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CriterionId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

vocabulary! {
    /// A criterion's status on one page.
    pub enum CriterionStatus ("statut de critère") {
        /// The page meets it.
        Compliant = ("compliant", "Conforme"),
        /// The page fails it.
        NonCompliant = ("non_compliant", "Non conforme"),
        /// Nothing on the page is concerned.
        NotApplicable = ("not_applicable", "Non applicable"),
        /// Not checked yet.
        NotTested = ("not_tested", "Non testé"),
    }
}

vocabulary! {
    /// How wide an audit is.
    pub enum AuditType ("type d'audit") {
        /// A quick audit of 25 criteria.
        Fast = ("fast", "Audit rapide (25 critères)"),
        /// A complementary audit of 50 criteria.
        Complementary = ("complementary", "Audit complémentaire (50 critères)"),
        /// A full audit of the 106 criteria.
        Full = ("full", "Audit complet (106 critères)"),
    }
}

impl AuditType {
    /// How many criteria the audit checks.
    pub const fn criteria(self) -> usize {
        match self {
            Self::Fast => 25,
            Self::Complementary => 50,
            Self::Full => 106,
        }
    }
}

vocabulary! {
    /// What an accessibility statement may say.
    pub enum StatementStatus ("état de conformité") {
        /// Rate of 100 %.
        FullyCompliant = ("fully_compliant", "totalement conforme"),
        /// Rate of 50 % or more.
        PartiallyCompliant = ("partially_compliant", "partiellement conforme"),
        /// Rate below 50 %.
        NotCompliant = ("not_compliant", "non conforme"),
    }
}

impl StatementStatus {
    /// The status a compliance rate (in %) allows.
    pub fn of_rate(rate: f64) -> Self {
        if rate >= 100.0 {
            Self::FullyCompliant
        } else if rate >= 50.0 {
            Self::PartiallyCompliant
        } else {
            Self::NotCompliant
        }
    }
}

vocabulary! {
    /// How much a non-compliance hinders people.
    pub enum UserImpact ("impact sur l'usager") {
        /// A nuisance.
        Minor = ("minor", "Mineur"),
        /// Hard to get past.
        Major = ("major", "Majeur"),
        /// Impossible to get past.
        Blocking = ("blocking", "Bloquant"),
    }
}

/// A criterion's status over the whole sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SampleStatus {
    /// Compliant or not applicable on every page, compliant on one at least.
    Compliant,
    /// Non-compliant on one page at least.
    NonCompliant,
    /// Not applicable on any page.
    NotApplicable,
    /// Applicable somewhere but not tested everywhere it may apply.
    Incomplete,
}

/// The status over the sample of a criterion with these statuses on the pages; `None` for
/// a criterion no page records.
pub fn sample_status(pages: &[CriterionStatus]) -> Option<SampleStatus> {
    use CriterionStatus::{Compliant, NonCompliant, NotApplicable, NotTested};
    if pages.is_empty() {
        return None;
    }
    Some(if pages.contains(&NonCompliant) {
        SampleStatus::NonCompliant
    } else if pages.iter().all(|s| *s == NotApplicable) {
        SampleStatus::NotApplicable
    } else if pages.contains(&NotTested) {
        SampleStatus::Incomplete
    } else {
        debug_assert!(pages.contains(&Compliant));
        SampleStatus::Compliant
    })
}

/// What an audit's figures are.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditFigures {
    /// Criteria compliant over the sample.
    pub compliant: usize,
    /// Criteria non-compliant over the sample.
    pub non_compliant: usize,
    /// Criteria applicable nowhere.
    pub not_applicable: usize,
    /// Criteria applicable but not tested everywhere: they count as applicable.
    pub incomplete: usize,
    /// Compliant ÷ applicable × 100, rounded to 2 decimals; `None` when nothing applies.
    pub rate: Option<f64>,
    /// What the statement may say.
    pub statement: Option<StatementStatus>,
}

/// The figures of an audit whose pages give, for each criterion, these statuses.
pub fn figures(results: &BTreeMap<CriterionId, Vec<CriterionStatus>>) -> AuditFigures {
    let mut figures = AuditFigures {
        compliant: 0,
        non_compliant: 0,
        not_applicable: 0,
        incomplete: 0,
        rate: None,
        statement: None,
    };
    for statuses in results.values() {
        match sample_status(statuses) {
            Some(SampleStatus::Compliant) => figures.compliant += 1,
            Some(SampleStatus::NonCompliant) => figures.non_compliant += 1,
            Some(SampleStatus::NotApplicable) => figures.not_applicable += 1,
            Some(SampleStatus::Incomplete) => figures.incomplete += 1,
            None => {}
        }
    }
    let applicable = figures.compliant + figures.non_compliant + figures.incomplete;
    if applicable > 0 {
        #[expect(clippy::cast_precision_loss, reason = "at most 106 criteria")]
        let rate = figures.compliant as f64 / applicable as f64 * 100.0;
        let rate = (rate * 100.0).round() / 100.0;
        figures.rate = Some(rate);
        figures.statement = Some(StatementStatus::of_rate(rate));
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;
    use CriterionStatus::{Compliant, NonCompliant, NotApplicable, NotTested};

    fn id(text: &str) -> CriterionId {
        text.parse().unwrap()
    }

    #[test]
    fn rgaa_has_106_criteria_in_13_topics() {
        assert_eq!(CriterionId::all().count(), 106);
        assert_eq!(CriterionId::all().last(), Some(id("13.12")));
        assert!("14.1".parse::<CriterionId>().is_err());
        assert!("1.10".parse::<CriterionId>().is_err());
        assert!("abc".parse::<CriterionId>().is_err());
        assert_eq!(id("11.2").to_string(), "11.2");
        assert_eq!(serde_json::to_value(id("8.5")).unwrap(), "8.5");
    }

    #[test]
    fn a_criterion_over_the_sample() {
        // Compliant on one page, not applicable on the others: compliant.
        assert_eq!(
            sample_status(&[NotApplicable, Compliant, NotApplicable]),
            Some(SampleStatus::Compliant)
        );
        // Non-compliant anywhere wins.
        assert_eq!(
            sample_status(&[Compliant, NonCompliant, NotTested]),
            Some(SampleStatus::NonCompliant)
        );
        assert_eq!(
            sample_status(&[NotApplicable, NotApplicable]),
            Some(SampleStatus::NotApplicable)
        );
        // Untested where it may apply: neither compliant nor non-compliant.
        assert_eq!(
            sample_status(&[Compliant, NotTested]),
            Some(SampleStatus::Incomplete)
        );
        assert_eq!(sample_status(&[NotTested]), Some(SampleStatus::Incomplete));
        assert_eq!(sample_status(&[]), None);
    }

    #[test]
    fn the_rate_counts_compliant_over_applicable() {
        let results = BTreeMap::from([
            (id("1.1"), vec![Compliant, NotApplicable, NotApplicable]),
            (id("1.2"), vec![Compliant, Compliant, Compliant]),
            (id("3.1"), vec![NonCompliant, Compliant, Compliant]),
            (id("4.1"), vec![NotApplicable, NotApplicable, NotApplicable]),
            (id("8.5"), vec![Compliant, NotTested, Compliant]),
        ]);
        let figures = figures(&results);
        assert_eq!(
            (
                figures.compliant,
                figures.non_compliant,
                figures.not_applicable,
                figures.incomplete
            ),
            (2, 1, 1, 1)
        );
        // 2 compliant of 4 applicable (the untested one included).
        assert_eq!(figures.rate, Some(50.0));
        assert_eq!(figures.statement, Some(StatementStatus::PartiallyCompliant));
        let one_third = BTreeMap::from([
            (id("1.1"), vec![Compliant]),
            (id("1.2"), vec![NonCompliant]),
            (id("1.3"), vec![NonCompliant]),
        ]);
        assert_eq!(
            figures_of(&one_third),
            (Some(33.33), Some(StatementStatus::NotCompliant))
        );
        let none_apply = BTreeMap::from([(id("1.1"), vec![NotApplicable])]);
        assert_eq!(figures_of(&none_apply), (None, None));
    }

    fn figures_of(
        results: &BTreeMap<CriterionId, Vec<CriterionStatus>>,
    ) -> (Option<f64>, Option<StatementStatus>) {
        let f = figures(results);
        (f.rate, f.statement)
    }

    #[test]
    fn the_statement_follows_the_rate_at_its_edges() {
        assert_eq!(
            StatementStatus::of_rate(100.0),
            StatementStatus::FullyCompliant
        );
        assert_eq!(
            StatementStatus::of_rate(99.99),
            StatementStatus::PartiallyCompliant
        );
        assert_eq!(
            StatementStatus::of_rate(50.0),
            StatementStatus::PartiallyCompliant
        );
        assert_eq!(
            StatementStatus::of_rate(49.99),
            StatementStatus::NotCompliant
        );
        assert_eq!(StatementStatus::of_rate(0.0), StatementStatus::NotCompliant);
        assert_eq!(AuditType::Full.criteria(), CriterionId::all().count());
    }
}
