//! RGESN v1 self-assessment: 79 criteria in 8 themes, each answered met, not met or not
//! applicable; score = met ÷ applicable, per theme and overall.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DomainError;
use crate::portfolio::DataQualityWarning;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// The 8 themes of RGESN v1, in the order of the criteria's first number.
    pub enum Theme ("thématique RGESN") {
        /// 1.x
        Strategy = ("strategy", "Stratégie"),
        /// 2.x
        Specifications = ("specifications", "Spécifications"),
        /// 3.x
        Architecture = ("architecture", "Architecture"),
        /// 4.x
        UxUi = ("ux_ui", "UX/UI"),
        /// 5.x
        Contents = ("contents", "Contenus"),
        /// 6.x
        Frontend = ("frontend", "Frontend"),
        /// 7.x
        Backend = ("backend", "Backend"),
        /// 8.x
        Hosting = ("hosting", "Hébergement"),
    }
}

/// How many criteria each theme has, in theme order (79 in all).
pub const CRITERIA_PER_THEME: [u8; 8] = [12, 5, 6, 19, 9, 11, 5, 12];

impl Theme {
    /// The theme of a criterion (« 4.12 » is UX/UI), from its first number.
    pub fn of(criterion: &str) -> Option<Self> {
        let first: usize = criterion.split('.').next()?.parse().ok()?;
        Self::ALL.get(first.checked_sub(1)?).copied()
    }
}

/// Whether RGESN v1 has this criterion (« 4.12 »).
pub fn is_criterion(criterion: &str) -> bool {
    let Some((theme, number)) = criterion.split_once('.') else {
        return false;
    };
    let (Ok(theme), Ok(number)) = (theme.parse::<usize>(), number.parse::<u8>()) else {
        return false;
    };
    theme
        .checked_sub(1)
        .and_then(|index| CRITERIA_PER_THEME.get(index))
        .is_some_and(|count| (1..=*count).contains(&number))
}

/// Inconsistencies of a self-assessment, by field: unknown criteria, criteria answered twice.
pub fn validate(assessments: &[Assessment]) -> Vec<DataQualityWarning> {
    let mut warnings = Vec::new();
    for (index, assessment) in assessments.iter().enumerate() {
        let field = format!("assessments[{index}].criterion");
        if !is_criterion(&assessment.criterion) {
            warnings.push(DataQualityWarning::new(
                field,
                DomainError::UnknownValue {
                    what: "critère RGESN",
                    value: assessment.criterion.clone(),
                }
                .to_string(),
            ));
        } else if assessments[..index]
            .iter()
            .any(|earlier| earlier.criterion == assessment.criterion)
        {
            warnings.push(DataQualityWarning::new(
                field,
                DomainError::AnsweredTwice(assessment.criterion.clone()).to_string(),
            ));
        }
    }
    warnings
}

vocabulary! {
    /// An answer to a criterion.
    pub enum Answer ("réponse RGESN") {
        /// The service meets it.
        Met = ("met", "Respecté"),
        /// It does not.
        NotMet = ("not_met", "Non respecté"),
        /// It does not concern the service.
        NotApplicable = ("not_applicable", "Non applicable"),
    }
}

/// An answer with the criterion it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    /// The criterion (« 4.12 »).
    pub criterion: String,
    /// The answer.
    pub answer: Answer,
    /// Why, or what is planned.
    #[serde(default)]
    pub comment: String,
}

/// A score: met criteria over applicable ones.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Score {
    /// The theme, or `None` for the whole assessment.
    pub theme: Option<Theme>,
    /// Criteria met.
    pub met: usize,
    /// Criteria applicable (met or not).
    pub applicable: usize,
    /// Met ÷ applicable × 100, rounded to one decimal; `None` when nothing applies.
    pub percent: Option<f64>,
}

impl Score {
    fn of<'a>(theme: Option<Theme>, answers: impl Iterator<Item = &'a Assessment>) -> Self {
        let (mut met, mut applicable) = (0, 0);
        for assessment in answers {
            match assessment.answer {
                Answer::Met => {
                    met += 1;
                    applicable += 1;
                }
                Answer::NotMet => applicable += 1,
                Answer::NotApplicable => {}
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "at most 79 criteria")]
        let percent =
            (applicable > 0).then(|| (met as f64 / applicable as f64 * 1000.0).round() / 10.0);
        Self {
            theme,
            met,
            applicable,
            percent,
        }
    }
}

/// The scores of each theme, in order, then the overall one; answers to criteria of no
/// theme count in the overall score only.
pub fn scores(assessments: &[Assessment]) -> (Vec<Score>, Score) {
    let themes = Theme::ALL
        .iter()
        .map(|theme| {
            Score::of(
                Some(*theme),
                assessments
                    .iter()
                    .filter(|a| Theme::of(&a.criterion) == Some(*theme)),
            )
        })
        .collect();
    (themes, Score::of(None, assessments.iter()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(criterion: &str, answer: Answer) -> Assessment {
        Assessment {
            criterion: criterion.into(),
            answer,
            comment: String::new(),
        }
    }

    #[test]
    fn themes_follow_the_first_number() {
        assert_eq!(Theme::of("1.1"), Some(Theme::Strategy));
        assert_eq!(Theme::of("4.12"), Some(Theme::UxUi));
        assert_eq!(Theme::of("8.3"), Some(Theme::Hosting));
        assert_eq!(Theme::of("9.1"), None);
        assert_eq!(Theme::of("0.1"), None);
        assert_eq!(Theme::of("x"), None);
    }

    #[test]
    fn rgesn_has_79_criteria() {
        let count: usize = CRITERIA_PER_THEME.iter().map(|n| usize::from(*n)).sum();
        assert_eq!(count, 79);
        assert!(is_criterion("4.19") && is_criterion("8.12") && is_criterion("1.1"));
        assert!(!is_criterion("4.20") && !is_criterion("9.1") && !is_criterion("0.1"));
        assert!(!is_criterion("x") && !is_criterion("1.") && !is_criterion("1.0"));
        let fields: Vec<String> = validate(&[
            answer("1.1", Answer::Met),
            answer("4.20", Answer::Met),
            answer("1.1", Answer::NotMet),
        ])
        .into_iter()
        .map(|w| w.field)
        .collect();
        assert_eq!(
            fields,
            ["assessments[1].criterion", "assessments[2].criterion"]
        );
    }

    #[test]
    fn scores_count_met_over_applicable() {
        let assessments = [
            answer("1.1", Answer::Met),
            answer("1.2", Answer::NotMet),
            answer("1.3", Answer::NotApplicable),
            answer("4.1", Answer::Met),
            answer("4.2", Answer::Met),
            answer("4.3", Answer::NotMet),
            answer("8.1", Answer::NotApplicable),
        ];
        let (themes, overall) = scores(&assessments);
        assert_eq!(themes.len(), 8);
        assert_eq!(
            (themes[0].met, themes[0].applicable, themes[0].percent),
            (1, 2, Some(50.0))
        );
        assert_eq!(themes[3].percent, Some(66.7));
        // Nothing applicable: no score rather than 0 %.
        assert_eq!(themes[7].percent, None);
        assert_eq!(themes[1].applicable, 0);
        assert_eq!(
            (overall.met, overall.applicable, overall.percent),
            (3, 5, Some(60.0))
        );
    }
}
