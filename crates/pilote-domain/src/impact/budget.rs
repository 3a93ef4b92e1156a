//! Budget lines: what a product received, per year and source.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::BudgetSource;
use crate::portfolio::{DataQualityWarning, Fast, Product};
use crate::{DomainError, Money, Slug};

/// An amount a product received for a calendar year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BudgetLine {
    /// The product funded.
    pub product: Slug,
    /// The calendar year the amount is for.
    pub year: i32,
    /// The amount.
    pub amount: Money,
    /// Where it comes from.
    pub source: BudgetSource,
    /// A free comment.
    #[serde(default)]
    pub comment: String,
}

impl BudgetLine {
    /// The line of a FAST grant, for `year`.
    pub fn from_fast(product: Slug, fast: &Fast, year: i32) -> Self {
        Self {
            product,
            year,
            amount: fast.amount,
            source: BudgetSource::Fast,
            comment: format!("FAST, promotion {}", fast.promotion),
        }
    }

    /// Inconsistencies within the record, by field.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut warnings = Vec::new();
        if self.amount.cents() < 0 {
            warnings.push(DataQualityWarning::new(
                "amount",
                "un montant de budget ne peut pas être négatif",
            ));
        }
        warnings
    }
}

/// The year a product's FAST grant is counted in.
///
/// The source gives no year with the grant: the year of the earliest `fast` event is
/// taken (the source dates the grant there), else the year of the earliest phase start,
/// the only other date every product has. `None` when the product has neither.
pub fn fast_year(product: &Product) -> Option<i32> {
    let fast_event = product
        .events
        .iter()
        .filter(|event| event.name.eq_ignore_ascii_case("fast"))
        .map(|event| event.date)
        .min();
    fast_event
        .or_else(|| product.phases.iter().map(|phase| phase.start).min())
        .map(|day| day.year())
}

/// The budget line of a product's FAST grant, when it has one and a year can be told.
pub fn fast_budget_line(product: &Product) -> Option<BudgetLine> {
    let fast = product.fast.as_ref()?;
    let year = fast_year(product)?;
    Some(BudgetLine::from_fast(product.slug.clone(), fast, year))
}

/// The total of `lines` per year, every source together; refuses a total that overflows.
pub fn budget_by_year(lines: &[BudgetLine]) -> Result<BTreeMap<i32, Money>, DomainError> {
    let mut years: BTreeMap<i32, Money> = BTreeMap::new();
    for line in lines {
        let total = years.entry(line.year).or_default();
        let cents = total
            .cents()
            .checked_add(line.amount.cents())
            .ok_or_else(|| DomainError::InvalidAmount(line.amount.cents().to_string()))?;
        *total = Money::from_cents(cents);
    }
    Ok(years)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::{Event, Phase, PhaseName};

    fn product() -> Product {
        serde_json::from_value(serde_json::json!({
            "slug": "a-just",
            "title": "A-Just",
            "mission": "Aider les juridictions",
            "incubator": "fabrique-numerique-justice",
            "phases": [
                {"name": "construction", "start": "2021-03-01"},
                {"name": "investigation", "start": "2020-09-15"}
            ],
            "fast": {"promotion": 13, "amount": 300_000}
        }))
        .unwrap()
    }

    fn line(year: i32, euros: i64) -> BudgetLine {
        BudgetLine {
            product: Slug::parse("a-just").unwrap(),
            year,
            amount: Money::from_euros(euros).unwrap(),
            source: BudgetSource::Ministry,
            comment: String::new(),
        }
    }

    #[test]
    fn dates_fast_by_its_event_first() {
        let mut product = product();
        assert_eq!(fast_year(&product), Some(2020));
        product.events.push(Event {
            name: "fast".into(),
            date: "2024-01-01".parse().unwrap(),
            comment: None,
        });
        let line = fast_budget_line(&product).unwrap();
        assert_eq!(line.year, 2024);
        assert_eq!(line.amount, Money::from_euros(300_000).unwrap());
        assert_eq!(line.source, BudgetSource::Fast);
        assert_eq!(line.comment, "FAST, promotion 13");
    }

    #[test]
    fn no_fast_line_without_grant_or_date() {
        let mut product = product();
        product.phases.clear();
        assert_eq!(fast_budget_line(&product), None);
        let mut product = self::product();
        product.fast = None;
        product.phases.push(Phase {
            name: PhaseName::Acceleration,
            source_name: None,
            start: "2022-01-01".parse().unwrap(),
            end: None,
            comment: None,
        });
        assert_eq!(fast_budget_line(&product), None);
    }

    #[test]
    fn totals_budgets_per_year() {
        let years = budget_by_year(&[line(2023, 100), line(2024, 50), line(2023, 25)]).unwrap();
        assert_eq!(
            years.into_iter().collect::<Vec<_>>(),
            [
                (2023, Money::from_euros(125).unwrap()),
                (2024, Money::from_euros(50).unwrap())
            ]
        );
        let mut huge = line(2023, 0);
        huge.amount = Money::from_cents(i64::MAX);
        assert!(budget_by_year(&[huge.clone(), huge]).is_err());
    }

    #[test]
    fn flags_a_negative_budget() {
        assert_eq!(line(2023, 10).validate(), []);
        assert_eq!(line(2023, -10).validate()[0].field, "amount");
    }
}
