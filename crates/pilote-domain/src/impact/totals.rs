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

/// Sums measurements by unit and category, ordered by category then unit.
///
/// Each pair is a measurement with its indicator. Values are added as recorded: the caller
/// picks measurements over the same period (or annualises them first). Refuses percentages
/// and scores ([`DomainError::NotAdditive`]), which are levels. Within a group, values are
/// added in ascending order so that the result does not depend on the order of `items`.
pub fn sum(items: &[(&Indicator, &Measurement)]) -> Result<Vec<Total>, DomainError> {
    #[derive(Default)]
    struct Group<'a> {
        values: Vec<f64>,
        measured: Vec<f64>,
        products: BTreeSet<&'a Slug>,
    }
    let mut groups: BTreeMap<(Category, Unit), Group<'_>> = BTreeMap::new();
    for (indicator, measurement) in items {
        addable(indicator.unit, indicator.unit)?;
        let group = groups
            .entry((indicator.category, indicator.unit))
            .or_default();
        group.values.push(measurement.value);
        if measurement.method == Method::Measured {
            group.measured.push(measurement.value);
        }
        group.products.insert(&indicator.product);
    }
    Ok(groups
        .into_iter()
        .map(|((category, unit), group)| Total {
            unit,
            category,
            measurements: group.values.len(),
            value: ordered_sum(group.values),
            measured_value: ordered_sum(group.measured),
            products: group.products.len(),
        })
        .collect())
}

/// The sum of `values` in ascending order, which makes it independent of their order.
fn ordered_sum(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    // From +0.0: `Sum` starts at −0.0, which an empty total would show as « -0 ».
    values.into_iter().fold(0.0, |total, value| total + value)
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
