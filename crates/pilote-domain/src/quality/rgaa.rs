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

/// The names of the 13 topics, in order.
pub const TOPICS: [&str; 13] = [
    "Images",
    "Cadres",
    "Couleurs",
    "Multimédia",
    "Tableaux",
    "Liens",
    "Scripts",
    "Éléments obligatoires",
    "Structuration de l’information",
    "Présentation de l’information",
    "Formulaires",
    "Navigation",
    "Consultation",
];

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

/// The 25 criteria of the quick audit (« audit rapide » of the State's design team).
const FAST: [(u8, u8); 25] = [
    (1, 1),
    (3, 1),
    (4, 1),
    (4, 10),
    (5, 3),
    (5, 7),
    (6, 1),
    (6, 2),
    (7, 1),
    (7, 3),
    (8, 3),
    (8, 4),
    (8, 5),
    (9, 1),
    (10, 3),
    (10, 6),
    (10, 7),
    (11, 1),
    (11, 2),
    (11, 5),
    (11, 6),
    (11, 9),
    (11, 10),
    (12, 8),
    (12, 9),
];

/// The 25 criteria the complementary audit adds to the quick one.
const COMPLEMENTARY: [(u8, u8); 25] = [
    (1, 3),
    (1, 5),
    (1, 6),
    (1, 7),
    (4, 2),
    (4, 4),
    (4, 8),
    (4, 9),
    (5, 4),
    (5, 6),
    (7, 2),
    (8, 2),
    (8, 6),
    (8, 10),
    (10, 2),
    (10, 8),
    (10, 9),
    (10, 10),
    (13, 1),
    (13, 3),
    (13, 4),
    (13, 5),
    (13, 6),
    (13, 7),
    (13, 8),
];

impl AuditType {
    /// The criteria the audit checks, in RGAA order.
    pub fn criteria(self) -> Vec<CriterionId> {
        let listed = |pairs: &[(u8, u8)]| {
            pairs
                .iter()
                .map(|(topic, number)| CriterionId {
                    topic: *topic,
                    number: *number,
                })
                .collect::<Vec<_>>()
        };
        let mut criteria = match self {
            Self::Fast => listed(&FAST),
            Self::Complementary => [listed(&FAST), listed(&COMPLEMENTARY)].concat(),
            Self::Full => CriterionId::all().collect(),
        };
        criteria.sort_unstable();
        criteria
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

/// A page of the audit's sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SamplePage {
    /// What the page is (« Accueil », « Formulaire de demande »).
    pub title: String,
    /// Its address.
    pub url: String,
}

/// A non-compliance found on a page for a criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NonCompliance {
    /// What is wrong.
    pub title: String,
    /// How much it hinders people.
    pub impact: UserImpact,
    /// Whether it is quick to fix.
    #[serde(default)]
    pub quick_win: bool,
}

/// A criterion's result on one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CriterionResult {
    /// The status.
    pub status: CriterionStatus,
    /// What the auditor noted.
    #[serde(default)]
    pub comment: String,
    /// What fails, for a non-compliant criterion.
    #[serde(default)]
    pub non_compliances: Vec<NonCompliance>,
}

/// An RGAA audit of a product: its type, its sample, and each page's results.
///
/// A body gives `kind`, `date`, `auditor` and `pages`; results are set page by page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Audit {
    /// The store's number; 0 before the audit is stored.
    #[serde(default)]
    pub id: i64,
    /// The product audited (from the address).
    pub product: crate::Slug,
    /// How wide it is.
    pub kind: AuditType,
    /// The day it started.
    pub date: chrono::NaiveDate,
    /// Who audits.
    #[serde(default)]
    pub auditor: String,
    /// The sample.
    pub pages: Vec<SamplePage>,
    /// For each page of the sample, in order, the results recorded so far by criterion
    /// (« 1.1 »); a criterion without a result is not tested.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub results: Vec<BTreeMap<CriterionId, CriterionResult>>,
}

impl Audit {
    /// Inconsistencies within the audit, by field.
    pub fn validate(&self) -> Vec<crate::portfolio::DataQualityWarning> {
        use crate::portfolio::DataQualityWarning;
        let mut warnings = Vec::new();
        if self.pages.is_empty() {
            warnings.push(DataQualityWarning::new(
                "pages",
                DomainError::RequiredText("échantillon de pages").to_string(),
            ));
        }
        for (index, page) in self.pages.iter().enumerate() {
            if page.title.trim().is_empty() {
                warnings.push(DataQualityWarning::new(
                    format!("pages[{index}].title"),
                    DomainError::RequiredText("titre de la page").to_string(),
                ));
            }
            if !crate::is_http_url(&page.url) {
                warnings.push(DataQualityWarning::new(
                    format!("pages[{index}].url"),
                    DomainError::NotAWebAddress(page.url.clone()).to_string(),
                ));
            }
        }
        if self.results.len() > self.pages.len() {
            warnings.push(DataQualityWarning::new(
                "results",
                DomainError::TooLong {
                    field: "résultats (une liste par page de l'échantillon)",
                    max: self.pages.len(),
                }
                .to_string(),
            ));
        }
        let criteria = self.kind.criteria();
        for (index, page) in self.results.iter().enumerate() {
            for (id, result) in page {
                if !criteria.contains(id) {
                    warnings.push(DataQualityWarning::new(
                        format!("results[{index}].{id}"),
                        DomainError::CriterionOutsideAudit {
                            criterion: id.to_string(),
                            audit: self.kind.label(),
                        }
                        .to_string(),
                    ));
                }
                if result.status != CriterionStatus::NonCompliant
                    && !result.non_compliances.is_empty()
                {
                    warnings.push(DataQualityWarning::new(
                        format!("results[{index}].{id}.non_compliances"),
                        DomainError::NonComplianceOnCompliant.to_string(),
                    ));
                }
            }
        }
        warnings
    }

    /// Each criterion of the audit with its statuses over the sample, a missing result
    /// being not tested.
    pub fn statuses(&self) -> BTreeMap<CriterionId, Vec<CriterionStatus>> {
        self.kind
            .criteria()
            .into_iter()
            .map(|id| {
                let statuses = (0..self.pages.len())
                    .map(|page| {
                        self.results
                            .get(page)
                            .and_then(|results| results.get(&id))
                            .map_or(CriterionStatus::NotTested, |r| r.status)
                    })
                    .collect();
                (id, statuses)
            })
            .collect()
    }

    /// The audit's figures: rate and statement.
    pub fn figures(&self) -> AuditFigures {
        figures(&self.statuses())
    }

    /// The rate of the first of `audits` (latest first) that has one, with its day: the one
    /// the observatory reads.
    pub fn latest_rate<'a>(
        audits: impl IntoIterator<Item = &'a Self>,
    ) -> Option<(f64, chrono::NaiveDate)> {
        audits
            .into_iter()
            .find_map(|audit| audit.figures().rate.map(|rate| (rate, audit.date)))
    }
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
    }

    #[test]
    fn an_audit_counts_what_is_not_yet_tested() {
        let mut audit: Audit = serde_json::from_value(serde_json::json!({
            "product": "a", "kind": "fast", "date": "2025-03-01",
            "pages": [{"title": "Accueil", "url": "https://a.gouv.fr/"},
                      {"title": "Formulaire", "url": "https://a.gouv.fr/demande"}]
        }))
        .unwrap();
        assert!(audit.validate().is_empty());
        assert_eq!(audit.figures().incomplete, 25);
        assert_eq!(audit.figures().rate, Some(0.0));
        let result = |status| CriterionResult {
            status,
            comment: String::new(),
            non_compliances: Vec::new(),
        };
        for page in 0..2 {
            audit.results.push(
                AuditType::Fast
                    .criteria()
                    .into_iter()
                    .map(|id| (id, result(NotApplicable)))
                    .collect(),
            );
            audit.results[page].insert(id("1.1"), result(Compliant));
        }
        audit.results[1].insert(id("11.1"), result(NonCompliant));
        audit.results[0].insert(id("11.1"), result(Compliant));
        let figures = audit.figures();
        assert_eq!(
            (figures.compliant, figures.non_compliant, figures.incomplete),
            (1, 1, 0)
        );
        assert_eq!(figures.rate, Some(50.0));
        // A result outside the audit's criteria, or a non-compliance on a compliant one.
        audit.results[0].insert(id("2.1"), result(Compliant));
        audit.results[0]
            .get_mut(&id("1.1"))
            .unwrap()
            .non_compliances
            .push(NonCompliance {
                title: "x".into(),
                impact: UserImpact::Major,
                quick_win: false,
            });
        let fields: Vec<String> = audit.validate().into_iter().map(|w| w.field).collect();
        assert_eq!(fields, ["results[0].1.1.non_compliances", "results[0].2.1"]);
        let json = serde_json::to_value(&audit).unwrap();
        assert_eq!(json["results"][1]["11.1"]["status"], "non_compliant");
        assert_eq!(serde_json::from_value::<Audit>(json).unwrap(), audit);
    }

    #[test]
    fn each_audit_type_has_its_criteria() {
        for (kind, count) in [
            (AuditType::Fast, 25),
            (AuditType::Complementary, 50),
            (AuditType::Full, 106),
        ] {
            let criteria = kind.criteria();
            assert_eq!(criteria.len(), count, "{kind:?}");
            let mut unique = criteria.clone();
            unique.dedup();
            assert_eq!(unique.len(), count, "no criterion twice");
            for id in &criteria {
                assert_eq!(CriterionId::new(id.topic, id.number).as_ref(), Ok(id));
            }
        }
        let fast = AuditType::Fast.criteria();
        assert!(
            AuditType::Complementary
                .criteria()
                .iter()
                .filter(|c| fast.contains(c))
                .count()
                == 25
        );
        assert_eq!(fast.first(), Some(&id("1.1")));
        assert_eq!(fast.last(), Some(&id("12.9")));
    }
}
