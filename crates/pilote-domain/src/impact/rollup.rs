//! Measurements kept added up per indicator and years, so that roll-ups over the whole
//! portfolio read a few slices per indicator rather than every measurement.

use std::collections::BTreeMap;

use chrono::Datelike;

use super::{Indicator, Measurement, Tally, money_avoided_by_year};

/// The measurements of one indicator whose periods start in one year and end in one
/// year, added up.
///
/// A roll-up over years `from..=to` counts the measurements whose periods overlap those
/// years; all the measurements of a slice overlap them or none does, so slices add up to
/// exactly what the measurements would.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// The year the periods start.
    pub start_year: i32,
    /// The year the periods end.
    pub end_year: i32,
    /// Their values added up.
    pub tally: Tally,
    /// The money they avoided, spread over calendar years (see [`money_avoided_by_year`]).
    pub money_avoided_by_year: BTreeMap<i32, f64>,
}

impl Slice {
    /// Whether its periods overlap the years `from..=to`.
    pub const fn overlaps(&self, from: i32, to: i32) -> bool {
        self.end_year >= from && self.start_year <= to
    }
}

/// The slices of `indicator`'s `measurements`, by start then end year.
pub fn slices<'a>(
    indicator: &Indicator,
    measurements: impl IntoIterator<Item = &'a Measurement>,
) -> Vec<Slice> {
    let mut by_years: BTreeMap<(i32, i32), Vec<&Measurement>> = BTreeMap::new();
    for measurement in measurements {
        by_years
            .entry((
                measurement.period_start.year(),
                measurement.period_end.year(),
            ))
            .or_default()
            .push(measurement);
    }
    by_years
        .into_iter()
        .map(|((start_year, end_year), measurements)| {
            let mut tally = Tally::default();
            for measurement in &measurements {
                tally.record(measurement);
            }
            let items: Vec<(&Indicator, &Measurement)> =
                measurements.iter().map(|m| (indicator, *m)).collect();
            Slice {
                start_year,
                end_year,
                tally,
                money_avoided_by_year: money_avoided_by_year(&items),
            }
        })
        .collect()
}

/// Adds the money of `more` to `years`, year by year.
pub fn add_money_by_year(years: &mut BTreeMap<i32, f64>, more: &BTreeMap<i32, f64>) {
    for (year, euros) in more {
        *years.entry(*year).or_insert(0.0) += euros;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Slug;
    use crate::impact::{Category, Direction, Method, Totals, Unit, sum};
    use proptest::prelude::*;

    fn indicator(category: Category, unit: Unit) -> Indicator {
        Indicator {
            id: 1,
            product: Slug::parse("a-just").unwrap(),
            name: "Coûts évités".into(),
            category,
            unit,
            direction: Direction::HigherIsBetter,
            baseline: None,
            target: None,
            methodology: String::new(),
            public: true,
        }
    }

    fn measurement(start: &str, end: &str, value: f64, method: Method) -> Measurement {
        Measurement {
            id: 0,
            indicator: 1,
            period_start: start.parse().unwrap(),
            period_end: end.parse().unwrap(),
            value,
            method,
            evidence_url: None,
            comment: String::new(),
            recorded_by: String::new(),
            recorded_at: String::new(),
        }
    }

    #[test]
    fn slices_group_periods_by_their_years() {
        let costs = indicator(Category::CostsAvoided, Unit::Eur);
        let measurements = [
            measurement("2023-01-01", "2023-06-30", 100.0, Method::Measured),
            measurement("2023-07-01", "2023-12-31", 200.0, Method::Estimated),
            measurement("2023-10-01", "2024-03-31", 400.0, Method::Measured),
        ];
        let slices = slices(&costs, &measurements);
        assert_eq!(slices.len(), 2);
        assert_eq!((slices[0].start_year, slices[0].end_year), (2023, 2023));
        assert_eq!(
            slices[0].tally,
            Tally {
                value: 300.0,
                measured_value: 100.0,
                measurements: 2
            }
        );
        assert_eq!(
            slices[0].money_avoided_by_year,
            BTreeMap::from([(2023, 300.0)])
        );
        assert_eq!((slices[1].start_year, slices[1].end_year), (2023, 2024));
        // 92 days of 2023 and 91 of 2024 out of 183.
        let shares = &slices[1].money_avoided_by_year;
        assert!((shares[&2023] - 400.0 * 92.0 / 183.0).abs() < 1e-9);
        assert!((shares[&2023] + shares[&2024] - 400.0).abs() < 1e-9);
        assert!(slices[1].overlaps(2024, 2025));
        assert!(!slices[0].overlaps(2024, 2025));
    }

    fn year_and_day() -> impl Strategy<Value = (i32, u32)> {
        (2019..2026i32, 1..365u32)
    }

    proptest! {
        /// Totals of the slices overlapping some years are the totals of the measurements
        /// overlapping them.
        #[test]
        fn slices_add_up_to_their_measurements(
            periods in prop::collection::vec(
                (year_and_day(), 0..800i64, -1.0e6..1.0e6f64, prop::bool::ANY),
                0..40,
            ),
            from in 2019..2027i32,
            span in 0..4i32,
        ) {
            let to = from + span;
            let costs = indicator(Category::CostsAvoided, Unit::Eur);
            let measurements: Vec<Measurement> = periods
                .iter()
                .map(|((year, day), days, value, measured)| {
                    let start = chrono::NaiveDate::from_yo_opt(*year, *day).unwrap();
                    let end = start + chrono::Duration::days(*days);
                    let method = if *measured { Method::Measured } else { Method::Declared };
                    Measurement {
                        period_start: start,
                        period_end: end,
                        ..measurement("2020-01-01", "2020-01-01", *value, method)
                    }
                })
                .collect();
            let overlapping: Vec<(&Indicator, &Measurement)> = measurements
                .iter()
                .filter(|m| m.period_end.year() >= from && m.period_start.year() <= to)
                .map(|m| (&costs, m))
                .collect();
            let expected = sum(&overlapping).unwrap();
            let mut totals = Totals::default();
            let mut money = BTreeMap::new();
            for slice in slices(&costs, &measurements).iter().filter(|s| s.overlaps(from, to)) {
                totals.add(&costs, &slice.tally).unwrap();
                add_money_by_year(&mut money, &slice.money_avoided_by_year);
            }
            let totals = totals.finish();
            prop_assert_eq!(totals.len(), expected.len());
            for (got, want) in totals.iter().zip(&expected) {
                prop_assert_eq!(got.measurements, want.measurements);
                prop_assert_eq!(got.products, want.products);
                prop_assert!((got.value - want.value).abs() <= 1e-6 * (1.0 + want.value.abs()));
                prop_assert!(
                    (got.measured_value - want.measured_value).abs()
                        <= 1e-6 * (1.0 + want.measured_value.abs())
                );
            }
            let want_money = money_avoided_by_year(&overlapping);
            prop_assert_eq!(money.keys().collect::<Vec<_>>(), want_money.keys().collect::<Vec<_>>());
            for (year, euros) in &want_money {
                prop_assert!((money[year] - euros).abs() <= 1e-6 * (1.0 + euros.abs()));
            }
        }
    }
}
