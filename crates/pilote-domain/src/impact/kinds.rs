//! The closed vocabularies of impact: categories, units, directions, methods, budget sources.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DomainError;

/// What an indicator measures. The first four are the strategy's impact goals.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Public money not spent thanks to the service.
    CostsAvoided,
    /// Health journeys that would have failed and did not.
    FailingHealthJourneysAvoided,
    /// People who now claim rights they were entitled to.
    NonTakeUpReduced,
    /// Time users no longer wait.
    UserDelaysShortened,
    /// People or organisations using the service.
    UsersReached,
    /// Time public agents no longer spend.
    AgentTimeSaved,
    /// How satisfied users are.
    Satisfaction,
    /// Anything else.
    Other,
}

impl Category {
    /// Every category, the strategy's four first.
    pub const ALL: [Self; 8] = [
        Self::CostsAvoided,
        Self::FailingHealthJourneysAvoided,
        Self::NonTakeUpReduced,
        Self::UserDelaysShortened,
        Self::UsersReached,
        Self::AgentTimeSaved,
        Self::Satisfaction,
        Self::Other,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CostsAvoided => "costs_avoided",
            Self::FailingHealthJourneysAvoided => "failing_health_journeys_avoided",
            Self::NonTakeUpReduced => "non_take_up_reduced",
            Self::UserDelaysShortened => "user_delays_shortened",
            Self::UsersReached => "users_reached",
            Self::AgentTimeSaved => "agent_time_saved",
            Self::Satisfaction => "satisfaction",
            Self::Other => "other",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::CostsAvoided => "Coûts évités",
            Self::FailingHealthJourneysAvoided => "Parcours de santé en échec évités",
            Self::NonTakeUpReduced => "Non-recours aux droits réduit",
            Self::UserDelaysShortened => "Délais des usagers raccourcis",
            Self::UsersReached => "Usagers touchés",
            Self::AgentTimeSaved => "Temps d'agent économisé",
            Self::Satisfaction => "Satisfaction",
            Self::Other => "Autre",
        }
    }

    /// Whether the strategy names it as an impact goal (the four first).
    pub const fn is_strategic(self) -> bool {
        matches!(
            self,
            Self::CostsAvoided
                | Self::FailingHealthJourneysAvoided
                | Self::NonTakeUpReduced
                | Self::UserDelaysShortened
        )
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|category| category.as_str() == name)
            .ok_or_else(|| DomainError::UnknownImpactCategory(name.to_owned()))
    }
}

/// The unit of an indicator's values.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Euros.
    Eur,
    /// A number of people, files, journeys...
    Count,
    /// A rate between 0 and 100.
    Percent,
    /// Days.
    Days,
    /// Hours.
    Hours,
    /// A score on the indicator's own scale (a mark out of 10...).
    Score,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Self; 6] = [
        Self::Eur,
        Self::Count,
        Self::Percent,
        Self::Days,
        Self::Hours,
        Self::Score,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Eur => "eur",
            Self::Count => "count",
            Self::Percent => "percent",
            Self::Days => "days",
            Self::Hours => "hours",
            Self::Score => "score",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Eur => "Euros (EUR)",
            Self::Count => "Nombre",
            Self::Percent => "Pourcentage (%)",
            Self::Days => "Jours",
            Self::Hours => "Heures",
            Self::Score => "Note",
        }
    }

    /// The French plural used in sentences (« des EUR », « des jours »).
    pub const fn plural(self) -> &'static str {
        match self {
            Self::Eur => "EUR",
            Self::Count => "nombres",
            Self::Percent => "pourcentages",
            Self::Days => "jours",
            Self::Hours => "heures",
            Self::Score => "notes",
        }
    }

    /// Whether values accumulate over time (a flow: euros, counts, days, hours), so that a
    /// longer period holds more, and values of several indicators add up.
    ///
    /// Percentages and scores are levels: a quarter's rate is not a quarter of the year's,
    /// and two rates do not add up.
    pub const fn is_flow(self) -> bool {
        matches!(self, Self::Eur | Self::Count | Self::Days | Self::Hours)
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|unit| unit.as_str() == name)
            .ok_or_else(|| DomainError::UnknownUnit(name.to_owned()))
    }
}

/// Which way an indicator improves.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better (users reached, money avoided).
    HigherIsBetter,
    /// Less is better (delays, failures).
    LowerIsBetter,
}

impl Direction {
    /// Both directions.
    pub const ALL: [Self; 2] = [Self::HigherIsBetter, Self::LowerIsBetter];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HigherIsBetter => "higher_is_better",
            Self::LowerIsBetter => "lower_is_better",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::HigherIsBetter => "Plus c'est haut, mieux c'est",
            Self::LowerIsBetter => "Plus c'est bas, mieux c'est",
        }
    }

    /// Whether going from `from` to `to` is an improvement (strictly).
    pub fn improves(self, from: f64, to: f64) -> bool {
        match self {
            Self::HigherIsBetter => to > from,
            Self::LowerIsBetter => to < from,
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|direction| direction.as_str() == name)
            .ok_or_else(|| DomainError::UnknownDirection(name.to_owned()))
    }
}

/// How a measurement's value was obtained, from the most to the least reliable.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Counted from the service's data.
    Measured,
    /// Computed from a model or a sample.
    Estimated,
    /// Stated by the team or a partner, unverified.
    Declared,
}

impl Method {
    /// Every method.
    pub const ALL: [Self; 3] = [Self::Measured, Self::Estimated, Self::Declared];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Measured => "measured",
            Self::Estimated => "estimated",
            Self::Declared => "declared",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Measured => "Mesuré",
            Self::Estimated => "Estimé",
            Self::Declared => "Déclaré",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|method| method.as_str() == name)
            .ok_or_else(|| DomainError::UnknownMeasurementMethod(name.to_owned()))
    }
}

/// Where a product's budget comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BudgetSource {
    /// The FAST fund (fonds d'accélération des startups d'État).
    Fast,
    /// A ministry or its agencies.
    Ministry,
    /// European funds.
    EuropeanFunds,
    /// Anything else.
    Other,
}

impl BudgetSource {
    /// Every source.
    pub const ALL: [Self; 4] = [Self::Fast, Self::Ministry, Self::EuropeanFunds, Self::Other];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Fast => "fast",
            Self::Ministry => "ministry",
            Self::EuropeanFunds => "european_funds",
            Self::Other => "other",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Fast => "Fonds FAST",
            Self::Ministry => "Ministère",
            Self::EuropeanFunds => "Fonds européens",
            Self::Other => "Autre",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|source| source.as_str() == name)
            .ok_or_else(|| DomainError::UnknownBudgetSource(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that serde, `as_str` and `parse` agree for every value.
    fn agree<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Result<T, DomainError>)
    where
        T: Copy + PartialEq + std::fmt::Debug + Serialize + serde::de::DeserializeOwned,
    {
        for &value in all {
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(json, format!("\"{}\"", as_str(value)));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), value);
            assert_eq!(parse(as_str(value)).unwrap(), value);
        }
    }

    #[test]
    fn names_agree_with_serde() {
        agree(&Category::ALL, Category::as_str, Category::parse);
        agree(&Unit::ALL, Unit::as_str, Unit::parse);
        agree(&Direction::ALL, Direction::as_str, Direction::parse);
        agree(&Method::ALL, Method::as_str, Method::parse);
        agree(
            &BudgetSource::ALL,
            BudgetSource::as_str,
            BudgetSource::parse,
        );
    }

    #[test]
    fn refuses_unknown_names() {
        assert_eq!(
            Category::parse("costs").unwrap_err().to_string(),
            "catégorie d'impact inconnue « costs »"
        );
        assert_eq!(
            Unit::parse("EUR"),
            Err(DomainError::UnknownUnit("EUR".into()))
        );
        assert!(Direction::parse("up").is_err());
        assert!(Method::parse("guessed").is_err());
        assert!(BudgetSource::parse("feder").is_err());
    }

    #[test]
    fn only_flows_are_flows() {
        let flows: Vec<Unit> = Unit::ALL.into_iter().filter(|u| u.is_flow()).collect();
        assert_eq!(flows, [Unit::Eur, Unit::Count, Unit::Days, Unit::Hours]);
    }

    #[test]
    fn strategic_categories_are_the_four_first() {
        let strategic: Vec<bool> = Category::ALL.iter().map(|c| c.is_strategic()).collect();
        assert_eq!(
            strategic,
            [true, true, true, true, false, false, false, false]
        );
    }

    #[test]
    fn direction_says_what_improves() {
        assert!(Direction::HigherIsBetter.improves(1.0, 2.0));
        assert!(!Direction::HigherIsBetter.improves(2.0, 2.0));
        assert!(Direction::LowerIsBetter.improves(2.0, 1.0));
        assert!(!Direction::LowerIsBetter.improves(1.0, 2.0));
    }
}
