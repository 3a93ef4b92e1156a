//! Adding up indicators: only quantities of one unit add, and only flows.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Category, Indicator, Measurement, Method, Unit};
use crate::{DomainError, Slug};

/// A value with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Quantity {
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: Unit,
}

impl Quantity {
    /// A value in `unit`.
    pub const fn new(value: f64, unit: Unit) -> Self {
        Self { value, unit }
    }

    /// The sum of two quantities (see [`add_same_unit`]).
    pub fn checked_add(self, other: Self) -> Result<Self, DomainError> {
        add_same_unit(self, other)
    }
}

/// The unit of a sum of `left` and `right` values: refuses different units, and
/// percentages and scores, which are levels (two rates of 50 % do not make 100 %; average
/// them instead, weighted by what they measure).
pub fn addable(left: Unit, right: Unit) -> Result<Unit, DomainError> {
    if left != right {
        return Err(DomainError::IncompatibleUnits { left, right });
    }
    if !left.is_flow() {
        return Err(DomainError::NotAdditive(left));
    }
    Ok(left)
}

/// The sum of two quantities of one flow unit; refuses anything else (see [`addable`]).
pub fn add_same_unit(left: Quantity, right: Quantity) -> Result<Quantity, DomainError> {
    let unit = addable(left.unit, right.unit)?;
    Ok(Quantity::new(left.value + right.value, unit))
}

/// The sum of measurements of indicators sharing a unit and a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Total {
    /// The unit shared by the indicators.
    pub unit: Unit,
    /// The category shared by the indicators.
    pub category: Category,
    /// The sum of the values.
    pub value: f64,
    /// The part of `value` that was measured, rather than estimated or declared.
    pub measured_value: f64,
    /// How many distinct products contributed.
    pub products: usize,
    /// How many measurements were added.
    pub measurements: usize,
}

/// Measurements added up: their values, the measured part, and how many there were.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// The sum of the values.
    pub value: f64,
    /// The part of `value` that was measured, rather than estimated or declared.
    pub measured_value: f64,
    /// How many measurements were added.
    pub measurements: usize,
}

impl Tally {
    /// Adds one measurement.
    pub fn record(&mut self, measurement: &Measurement) {
        self.value += measurement.value;
        if measurement.method == Method::Measured {
            self.measured_value += measurement.value;
        }
        self.measurements += 1;
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &Self) {
        self.value += other.value;
        self.measured_value += other.measured_value;
        self.measurements += other.measurements;
    }
}

/// Totals being added up, by category and unit, from tallies of indicators' measurements.
///
/// The roll-ups add tallies kept per indicator instead of every measurement; [`sum`] adds
/// single measurements.
#[derive(Debug, Default)]
pub struct Totals<'a> {
    groups: BTreeMap<(Category, Unit), (Tally, BTreeSet<&'a Slug>)>,
}

impl<'a> Totals<'a> {
    /// Adds a tally of `indicator`'s measurements; refuses percentages and scores
    /// ([`DomainError::NotAdditive`]), which are levels.
    pub fn add(&mut self, indicator: &'a Indicator, tally: &Tally) -> Result<(), DomainError> {
        addable(indicator.unit, indicator.unit)?;
        let (total, products) = self
            .groups
            .entry((indicator.category, indicator.unit))
            .or_default();
        total.merge(tally);
        products.insert(&indicator.product);
        Ok(())
    }

    /// The totals, ordered by category then unit.
    pub fn finish(self) -> Vec<Total> {
        self.groups
            .into_iter()
            .map(|((category, unit), (tally, products))| Total {
                unit,
                category,
                value: tally.value,
                measured_value: tally.measured_value,
                products: products.len(),
                measurements: tally.measurements,
            })
            .collect()
    }
}

/// Sums measurements by unit and category, ordered by category then unit.
///
/// Each pair is a measurement with its indicator. Values are added as recorded: the caller
/// picks measurements over the same period (or annualises them first). Refuses percentages
/// and scores ([`DomainError::NotAdditive`]), which are levels. Values are added in
/// ascending order so that the result does not depend on the order of `items`.
pub fn sum(items: &[(&Indicator, &Measurement)]) -> Result<Vec<Total>, DomainError> {
    let mut ascending = items.to_vec();
    ascending.sort_by(|(_, a), (_, b)| a.value.total_cmp(&b.value));
    let mut totals = Totals::default();
    for (indicator, measurement) in ascending {
        let mut tally = Tally::default();
        tally.record(measurement);
        totals.add(indicator, &tally)?;
    }
    Ok(totals.finish())
}

#[cfg(test)]
#[expect(clippy::float_cmp, reason = "the values compared are exact")]
mod tests {
    use super::*;
    use crate::impact::Direction;
    use proptest::prelude::*;

    fn indicator(product: &str, category: Category, unit: Unit) -> Indicator {
        Indicator {
            id: 1,
            product: Slug::parse(product).unwrap(),
            name: "Indicateur".into(),
            category,
            unit,
            direction: Direction::HigherIsBetter,
            baseline: None,
            target: None,
            methodology: String::new(),
            public: false,
        }
    }

    fn measurement(value: f64, method: Method) -> Measurement {
        Measurement {
            id: 0,
            indicator: 1,
            period_start: "2024-01-01".parse().unwrap(),
            period_end: "2024-12-31".parse().unwrap(),
            value,
            method,
            evidence_url: None,
            comment: String::new(),
            recorded_by: String::new(),
            recorded_at: String::new(),
        }
    }

    #[test]
    fn refuses_to_add_euros_and_days() {
        let error = add_same_unit(
            Quantity::new(1.0, Unit::Eur),
            Quantity::new(2.0, Unit::Days),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "impossible d'additionner des EUR et des jours"
        );
        assert_eq!(
            Quantity::new(1.0, Unit::Hours).checked_add(Quantity::new(2.0, Unit::Hours)),
            Ok(Quantity::new(3.0, Unit::Hours))
        );
    }

    #[test]
    fn refuses_to_add_rates_and_scores() {
        for unit in [Unit::Percent, Unit::Score] {
            assert_eq!(
                add_same_unit(Quantity::new(50.0, unit), Quantity::new(50.0, unit)),
                Err(DomainError::NotAdditive(unit))
            );
        }
        assert_eq!(
            DomainError::NotAdditive(Unit::Percent).to_string(),
            "impossible d'additionner des pourcentages : ce sont des niveaux, pas des quantités"
        );
        let rate = indicator("a-just", Category::Satisfaction, Unit::Percent);
        let value = measurement(80.0, Method::Measured);
        assert_eq!(
            sum(&[(&rate, &value)]),
            Err(DomainError::NotAdditive(Unit::Percent))
        );
    }

    #[test]
    fn sums_by_category_and_unit() {
        let a_costs = indicator("a-just", Category::CostsAvoided, Unit::Eur);
        let b_costs = indicator("mon-suivi", Category::CostsAvoided, Unit::Eur);
        let a_users = indicator("a-just", Category::UsersReached, Unit::Count);
        let a_hours = indicator("a-just", Category::AgentTimeSaved, Unit::Hours);
        let measured = measurement(1000.0, Method::Measured);
        let declared = measurement(500.0, Method::Declared);
        let users = measurement(42.0, Method::Estimated);
        let totals = sum(&[
            (&a_users, &users),
            (&a_costs, &measured),
            (&b_costs, &declared),
            (&a_hours, &users),
            (&a_costs, &declared),
        ])
        .unwrap();
        assert_eq!(
            totals,
            [
                Total {
                    unit: Unit::Eur,
                    category: Category::CostsAvoided,
                    value: 2000.0,
                    measured_value: 1000.0,
                    products: 2,
                    measurements: 3,
                },
                Total {
                    unit: Unit::Count,
                    category: Category::UsersReached,
                    value: 42.0,
                    measured_value: 0.0,
                    products: 1,
                    measurements: 1,
                },
                Total {
                    unit: Unit::Hours,
                    category: Category::AgentTimeSaved,
                    value: 42.0,
                    measured_value: 0.0,
                    products: 1,
                    measurements: 1,
                },
            ]
        );
        assert_eq!(sum(&[]), Ok(vec![]));
    }

    fn unit() -> impl Strategy<Value = Unit> {
        prop::sample::select(Unit::ALL.to_vec())
    }

    fn flow() -> impl Strategy<Value = Unit> {
        prop::sample::select(vec![Unit::Eur, Unit::Count, Unit::Days, Unit::Hours])
    }

    fn category() -> impl Strategy<Value = Category> {
        prop::sample::select(Category::ALL.to_vec())
    }

    fn method() -> impl Strategy<Value = Method> {
        prop::sample::select(Method::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn adding_different_units_always_errs(
            left in unit(),
            right in unit(),
            a in -1.0e12..1.0e12f64,
            b in -1.0e12..1.0e12f64,
        ) {
            prop_assume!(left != right);
            prop_assert_eq!(
                add_same_unit(Quantity::new(a, left), Quantity::new(b, right)),
                Err(DomainError::IncompatibleUnits { left, right })
            );
        }

        #[test]
        fn sums_do_not_depend_on_order(
            rows in prop::collection::vec(
                (0usize..3, category(), flow(), -1.0e9..1.0e9f64, method()),
                0..40,
            ),
            seed in any::<u64>(),
        ) {
            let products = ["a-just", "mon-suivi", "rdv-solidarites"];
            let indicators: Vec<Indicator> = rows
                .iter()
                .map(|(p, category, unit, _, _)| indicator(products[*p], *category, *unit))
                .collect();
            let measurements: Vec<Measurement> = rows
                .iter()
                .map(|(_, _, _, value, method)| measurement(*value, *method))
                .collect();
            let mut items: Vec<(&Indicator, &Measurement)> =
                indicators.iter().zip(&measurements).collect();
            let before = sum(&items).unwrap();
            // A deterministic shuffle from the seed.
            let mut state = seed;
            for i in (1..items.len()).rev() {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let j = usize::try_from(state >> 33).unwrap_or(0) % (i + 1);
                items.swap(i, j);
            }
            prop_assert_eq!(sum(&items).unwrap(), before);
        }

        #[test]
        fn one_unit_sums_to_the_plain_sum(
            values in prop::collection::vec(-1_000_000_000i64..1_000_000_000, 1..50),
            unit in flow(),
            category in category(),
        ) {
            let indicator = indicator("a-just", category, unit);
            #[expect(clippy::cast_precision_loss, reason = "values far below 2^53")]
            let measurements: Vec<Measurement> = values
                .iter()
                .map(|value| measurement(*value as f64, Method::Measured))
                .collect();
            let items: Vec<(&Indicator, &Measurement)> =
                measurements.iter().map(|m| (&indicator, m)).collect();
            let totals = sum(&items).unwrap();
            prop_assert_eq!(totals.len(), 1);
            #[expect(clippy::cast_precision_loss, reason = "sums far below 2^53")]
            let plain = values.iter().sum::<i64>() as f64;
            prop_assert_eq!(totals[0].value, plain);
            prop_assert_eq!(totals[0].measured_value, plain);
            prop_assert_eq!(totals[0].measurements, values.len());
        }
    }
}
