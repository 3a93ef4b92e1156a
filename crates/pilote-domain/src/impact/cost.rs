//! Cost/benefit: money avoided set against budgets, over the same calendar years.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{BudgetLine, Category, Indicator, Measurement, Unit, budget_by_year};
use crate::{DomainError, Money, Slug};

/// A period's value shared among the calendar years it covers, in proportion to its days
/// in each (both ends included), so that the shares add up to `value`.
///
/// Empty when the period ends before it starts.
pub fn spread_over_years(start: NaiveDate, end: NaiveDate, value: f64) -> Vec<(i32, f64)> {
    let total_days = (end - start).num_days() + 1;
    if total_days <= 0 {
        return Vec::new();
    }
    let mut shares = Vec::new();
    let mut given = 0.0;
    for year in start.year()..=end.year() {
        if year == end.year() {
            // The remainder, so that rounding never loses or creates money.
            shares.push((year, value - given));
            break;
        }
        let year_end = NaiveDate::from_ymd_opt(year, 12, 31).map_or(end, |day| day.min(end));
        let year_start = NaiveDate::from_ymd_opt(year, 1, 1).map_or(start, |day| day.max(start));
        let days = (year_end - year_start).num_days() + 1;
        #[expect(
            clippy::cast_precision_loss,
            reason = "a period spans fewer than 2^53 days"
        )]
        let share = value * days as f64 / total_days as f64;
        given += share;
        shares.push((year, share));
    }
    shares
}

/// Money avoided per calendar year: the measurements of indicators in euros of the
/// `costs_avoided` category, each spread over the years its period covers.
///
/// A year only partly measured is not extrapolated: that would credit products with
/// months nobody measured. Measurements must not overlap for one indicator (a year and its
/// quarters), or they count twice. Reversed periods and non-finite values are left out.
pub fn money_avoided_by_year(items: &[(&Indicator, &Measurement)]) -> BTreeMap<i32, f64> {
    let mut years = BTreeMap::new();
    let money_avoided = items.iter().filter(|(indicator, measurement)| {
        indicator.unit == Unit::Eur
            && indicator.category == Category::CostsAvoided
            && measurement.value.is_finite()
    });
    for (_, measurement) in money_avoided {
        let shares = spread_over_years(
            measurement.period_start,
            measurement.period_end,
            measurement.value,
        );
        for (year, share) in shares {
            *years.entry(year).or_insert(0.0) += share;
        }
    }
    years
}

/// Money avoided set against the budget over the same years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CostBenefit {
    /// First year counted.
    pub from_year: i32,
    /// Last year counted (included).
    pub to_year: i32,
    /// Money avoided over those years, in euros.
    pub money_avoided: f64,
    /// Budget over those years.
    pub budget: Money,
    /// Euros avoided per euro spent; `None` without budget.
    pub ratio: Option<f64>,
}

impl CostBenefit {
    /// The cost/benefit of `from_year..=to_year` from money avoided and budgets per year.
    pub fn compute(
        money_avoided_by_year: &BTreeMap<i32, f64>,
        budget_by_year: &BTreeMap<i32, Money>,
        from_year: i32,
        to_year: i32,
    ) -> Self {
        let money_avoided: f64 = if from_year <= to_year {
            money_avoided_by_year
                .range(from_year..=to_year)
                .map(|(_, euros)| euros)
                .fold(0.0, |total, euros| total + euros)
        } else {
            0.0
        };
        let budget_cents = if from_year <= to_year {
            budget_by_year
                .range(from_year..=to_year)
                // Saturates far beyond any real budget rather than wrapping.
                .fold(0i64, |total, (_, amount)| {
                    total.saturating_add(amount.cents())
                })
        } else {
            0
        };
        #[expect(
            clippy::cast_precision_loss,
            reason = "budgets stay far below 2^53 cents"
        )]
        let budget_euros = budget_cents as f64 / 100.0;
        let ratio = (budget_cents > 0)
            .then(|| money_avoided / budget_euros)
            .filter(|ratio| ratio.is_finite());
        Self {
            from_year,
            to_year,
            money_avoided,
            budget: Money::from_cents(budget_cents),
            ratio,
        }
    }

    /// The cost/benefit of the products `include` accepts (one product, an incubator's,
    /// a sponsor's...), from their measurements and budget lines.
    pub fn for_products(
        items: &[(&Indicator, &Measurement)],
        lines: &[BudgetLine],
        include: impl Fn(&Slug) -> bool,
        from_year: i32,
        to_year: i32,
    ) -> Result<Self, DomainError> {
        let items: Vec<(&Indicator, &Measurement)> = items
            .iter()
            .copied()
            .filter(|(indicator, _)| include(&indicator.product))
            .collect();
        let lines: Vec<BudgetLine> = lines
            .iter()
            .filter(|line| include(&line.product))
            .cloned()
            .collect();
        Ok(Self::compute(
            &money_avoided_by_year(&items),
            &budget_by_year(&lines)?,
            from_year,
            to_year,
        ))
    }
}

/// Euros avoided per euro of budget over `from_year..=to_year`; `None` without budget
/// over those years.
pub fn cost_benefit(
    money_avoided_by_year: &BTreeMap<i32, f64>,
    budget_by_year: &BTreeMap<i32, Money>,
    from_year: i32,
    to_year: i32,
) -> Option<f64> {
    CostBenefit::compute(money_avoided_by_year, budget_by_year, from_year, to_year).ratio
}

#[cfg(test)]
#[expect(clippy::float_cmp, reason = "the values compared are exact")]
mod tests {
    use super::*;
    use crate::impact::{BudgetSource, Direction, Method};
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn indicator(product: &str, category: Category, unit: Unit) -> Indicator {
        Indicator {
            id: 1,
            product: Slug::parse(product).unwrap(),
            name: "Coûts évités".into(),
            category,
            unit,
            direction: Direction::HigherIsBetter,
            baseline: None,
            target: None,
            methodology: String::new(),
            public: false,
        }
    }

    fn measurement(start: &str, end: &str, value: f64) -> Measurement {
        Measurement {
            id: 0,
            indicator: 1,
            period_start: day(start),
            period_end: day(end),
            value,
            method: Method::Estimated,
            evidence_url: None,
            comment: String::new(),
            recorded_by: String::new(),
            recorded_at: String::new(),
        }
    }

    fn line(product: &str, year: i32, euros: i64) -> BudgetLine {
        BudgetLine {
            product: Slug::parse(product).unwrap(),
            year,
            amount: Money::from_euros(euros).unwrap(),
            source: BudgetSource::Ministry,
            comment: String::new(),
        }
    }

    #[test]
    fn spreads_a_period_by_days() {
        assert_eq!(
            spread_over_years(day("2023-07-01"), day("2024-06-30"), 366.0),
            [(2023, 184.0), (2024, 182.0)]
        );
        assert_eq!(
            spread_over_years(day("2024-02-01"), day("2024-02-29"), 10.0),
            [(2024, 10.0)]
        );
        assert_eq!(
            spread_over_years(day("2022-12-31"), day("2024-01-01"), 367.0),
            [(2022, 1.0), (2023, 365.0), (2024, 1.0)]
        );
        assert_eq!(
            spread_over_years(day("2024-02-01"), day("2024-01-01"), 10.0),
            []
        );
    }

    #[test]
    fn counts_only_euros_of_costs_avoided() {
        let costs = indicator("a-just", Category::CostsAvoided, Unit::Eur);
        let hours = indicator("a-just", Category::CostsAvoided, Unit::Hours);
        let users = indicator("a-just", Category::UsersReached, Unit::Eur);
        let year = measurement("2024-01-01", "2024-12-31", 1000.0);
        let straddling = measurement("2023-07-01", "2024-06-30", 366.0);
        let years = money_avoided_by_year(&[
            (&costs, &year),
            (&costs, &straddling),
            (&hours, &year),
            (&users, &year),
        ]);
        assert_eq!(
            years.into_iter().collect::<Vec<_>>(),
            [(2023, 184.0), (2024, 1182.0)]
        );
    }

    #[test]
    fn sets_money_avoided_against_the_same_years_of_budget() {
        let avoided = BTreeMap::from([(2022, 50_000.0), (2023, 300_000.0), (2024, 600_000.0)]);
        let budget = BTreeMap::from([
            (2022, Money::from_euros(500_000).unwrap()),
            (2023, Money::from_euros(200_000).unwrap()),
            (2024, Money::from_euros(100_000).unwrap()),
        ]);
        assert_eq!(cost_benefit(&avoided, &budget, 2023, 2024), Some(3.0));
        assert_eq!(cost_benefit(&avoided, &budget, 2022, 2022), Some(0.1));
        assert_eq!(cost_benefit(&avoided, &budget, 2025, 2026), None);
        assert_eq!(cost_benefit(&avoided, &budget, 2024, 2023), None);
        let detail = CostBenefit::compute(&avoided, &budget, 2022, 2024);
        assert_eq!(detail.money_avoided, 950_000.0);
        assert_eq!(detail.budget, Money::from_euros(800_000).unwrap());
    }

    #[test]
    fn computes_for_a_product_or_a_group() {
        let a_just = indicator("a-just", Category::CostsAvoided, Unit::Eur);
        let other = indicator("mon-suivi", Category::CostsAvoided, Unit::Eur);
        let a_year = measurement("2024-01-01", "2024-12-31", 400_000.0);
        let b_year = measurement("2024-01-01", "2024-12-31", 100_000.0);
        let items = [(&a_just, &a_year), (&other, &b_year)];
        let lines = [
            line("a-just", 2024, 200_000),
            line("mon-suivi", 2024, 50_000),
        ];
        let one = CostBenefit::for_products(&items, &lines, |p| p.as_str() == "a-just", 2024, 2024)
            .unwrap();
        assert_eq!(one.ratio, Some(2.0));
        let all = CostBenefit::for_products(&items, &lines, |_| true, 2024, 2024).unwrap();
        assert_eq!(all.money_avoided, 500_000.0);
        assert_eq!(all.ratio, Some(2.0));
        let none = CostBenefit::for_products(&items, &lines, |_| false, 2024, 2024).unwrap();
        assert_eq!(none.ratio, None);
    }

    fn day_strategy() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2100, 1u32..=366).prop_filter_map("a day of the year", |(year, ordinal)| {
            NaiveDate::from_yo_opt(year, ordinal)
        })
    }

    proptest! {
        #[test]
        fn spreading_conserves_the_value(
            start in day_strategy(),
            length in 0u64..4000,
            value in -1.0e12..1.0e12f64,
        ) {
            let end = start + chrono::Days::new(length);
            let shares = spread_over_years(start, end, value);
            let years: Vec<i32> = shares.iter().map(|(year, _)| *year).collect();
            let expected: Vec<i32> = (start.year()..=end.year()).collect();
            prop_assert_eq!(years, expected);
            let total: f64 = shares.iter().map(|(_, share)| share).sum();
            prop_assert!((total - value).abs() <= value.abs() * 1e-9 + 1e-6, "{total} != {value}");
        }

        #[test]
        fn no_budget_no_ratio(
            avoided in prop::collection::btree_map(1990i32..2100, -1.0e9..1.0e9f64, 0..10),
            from in 1990i32..2100,
            to in 1990i32..2100,
        ) {
            prop_assert_eq!(cost_benefit(&avoided, &BTreeMap::new(), from, to), None);
        }
    }
}
