//! Reading a series of measurements: the latest value, progress, change, annualised value.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Direction, Indicator, Measurement, Unit};

/// Days in an average year, leap years included.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// The latest measurement: the one whose period ends last; among equal ends, the one
/// recorded last (RFC 3339 times of one format compare as text), then the later in the list.
pub fn latest(measurements: &[Measurement]) -> Option<&Measurement> {
    measurements
        .iter()
        .max_by(|a, b| (a.period_end, &a.recorded_at).cmp(&(b.period_end, &b.recorded_at)))
}

/// How far `current` has gone from `baseline` to `target`: 0 at the baseline, 1 at the
/// target, above 1 beyond it, below 0 when things got worse.
///
/// This is (current − baseline) ÷ (target − baseline). It is direction-aware in that the
/// target must lie on the better side of the baseline for `direction`: with
/// `lower_is_better` a decrease is progress. `None` when the baseline equals the target,
/// when the target is on the worse side (an inconsistent record, flagged by
/// [`Indicator::validate`]), or when a value is not finite.
pub fn progress(baseline: f64, target: f64, current: f64, direction: Direction) -> Option<f64> {
    if !direction.improves(baseline, target) || !current.is_finite() {
        return None;
    }
    let fraction = (current - baseline) / (target - baseline);
    fraction.is_finite().then_some(fraction)
}

impl Indicator {
    /// The progress of `current` from the indicator's baseline to its target (see [`progress`]).
    pub fn progress(&self, current: f64) -> Option<f64> {
        let baseline = self.baseline.as_ref()?;
        let target = self.target.as_ref()?;
        progress(baseline.value, target.value, current, self.direction)
    }
}

/// The change from one value to a later one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Change {
    /// Later − earlier, in the indicator's unit.
    pub absolute: f64,
    /// The absolute change over the magnitude of the earlier value (0.1 for +10 %), so that
    /// its sign is the absolute change's; `None` when the earlier value is 0.
    pub relative: Option<f64>,
}

impl Change {
    /// The change from `earlier` to `later`.
    pub fn between(earlier: f64, later: f64) -> Self {
        let absolute = later - earlier;
        let relative = (earlier != 0.0)
            .then(|| absolute / earlier.abs())
            .filter(|relative| relative.is_finite());
        Self { absolute, relative }
    }
}

/// The change between two measurements' values, as recorded.
///
/// Values over periods of different lengths are not comparable for flow units: compare
/// [`annualised`] values then.
pub fn change(earlier: &Measurement, later: &Measurement) -> Change {
    Change::between(earlier.value, later.value)
}

/// A measurement's value brought to a year, for an indicator of `unit`.
///
/// For flow units (euros, counts, days, hours; see [`Unit::is_flow`]) the value is scaled
/// by 365.25 ÷ the days of the period, both ends included: 100 over a quarter is about 400
/// a year. For percentages and scores, which are levels, the value is returned unchanged.
/// `None` when the period ends before it starts.
pub fn annualised(unit: Unit, measurement: &Measurement) -> Option<f64> {
    let days = measurement.days()?;
    if !unit.is_flow() {
        return Some(measurement.value);
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "a period spans fewer than 2^53 days"
    )]
    let days = days as f64;
    Some(measurement.value * DAYS_PER_YEAR / days)
}

#[cfg(test)]
#[expect(clippy::float_cmp, reason = "the values compared are exact")]
mod tests {
    use super::*;
    use crate::impact::Method;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn measurement(start: &str, end: &str, value: f64, recorded_at: &str) -> Measurement {
        Measurement {
            id: 0,
            indicator: 1,
            period_start: start.parse().unwrap(),
            period_end: end.parse().unwrap(),
            value,
            method: Method::Measured,
            evidence_url: None,
            comment: String::new(),
            recorded_by: "camille".into(),
            recorded_at: recorded_at.into(),
        }
    }

    #[test]
    fn latest_is_the_last_period_then_the_last_recorded() {
        assert_eq!(latest(&[]), None);
        let series = [
            measurement("2024-01-01", "2024-03-31", 1.0, "2024-04-02T00:00:00Z"),
            measurement("2024-04-01", "2024-06-30", 2.0, "2024-07-01T00:00:00Z"),
            measurement("2024-04-01", "2024-06-30", 3.0, "2024-07-05T00:00:00Z"),
            measurement("2023-01-01", "2023-12-31", 4.0, "2025-01-01T00:00:00Z"),
        ];
        assert_eq!(latest(&series).map(|m| m.value), Some(3.0));
    }

    #[test]
    fn progress_follows_the_direction() {
        let up = Direction::HigherIsBetter;
        let down = Direction::LowerIsBetter;
        assert_eq!(progress(100.0, 200.0, 150.0, up), Some(0.5));
        assert_eq!(progress(100.0, 200.0, 250.0, up), Some(1.5));
        assert_eq!(progress(100.0, 200.0, 50.0, up), Some(-0.5));
        assert_eq!(progress(30.0, 10.0, 20.0, down), Some(0.5));
        assert_eq!(progress(30.0, 10.0, 40.0, down), Some(-0.5));
        // No gap, or a target on the worse side: no progress to speak of.
        assert_eq!(progress(10.0, 10.0, 10.0, up), None);
        assert_eq!(progress(30.0, 10.0, 20.0, up), None);
        assert_eq!(progress(10.0, 30.0, 20.0, down), None);
        assert_eq!(progress(10.0, 30.0, f64::NAN, up), None);
    }

    #[test]
    fn an_indicator_needs_a_baseline_and_a_target_for_progress() {
        let mut indicator: Indicator = serde_json::from_value(serde_json::json!({
            "product": "a-just", "name": "Délai", "category": "user_delays_shortened",
            "unit": "days", "direction": "lower_is_better",
            "baseline": {"value": 30, "date": "2023-01-01", "source": "Étude"}
        }))
        .unwrap();
        assert_eq!(indicator.progress(20.0), None);
        indicator.target = Some(crate::impact::Goal {
            value: 10.0,
            date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        });
        assert_eq!(indicator.progress(20.0), Some(0.5));
    }

    #[test]
    fn change_is_absolute_and_relative() {
        let earlier = measurement("2023-01-01", "2023-12-31", 200.0, "");
        let later = measurement("2024-01-01", "2024-12-31", 250.0, "");
        assert_eq!(
            change(&earlier, &later),
            Change {
                absolute: 50.0,
                relative: Some(0.25)
            }
        );
        assert_eq!(Change::between(0.0, 5.0).relative, None);
        // From −10 to −5 is a rise: the relative change keeps the sign of the absolute one.
        assert_eq!(Change::between(-10.0, -5.0).relative, Some(0.5));
    }

    #[test]
    fn annualises_flows_but_not_levels() {
        let quarter = measurement("2024-01-01", "2024-03-31", 91.0, "");
        assert_eq!(annualised(Unit::Count, &quarter), Some(365.25));
        assert_eq!(annualised(Unit::Percent, &quarter), Some(91.0));
        assert_eq!(annualised(Unit::Score, &quarter), Some(91.0));
        let reversed = measurement("2024-03-31", "2024-01-01", 91.0, "");
        assert_eq!(annualised(Unit::Eur, &reversed), None);
    }

    fn value() -> impl Strategy<Value = f64> {
        -1.0e9..1.0e9f64
    }

    fn direction() -> impl Strategy<Value = Direction> {
        prop_oneof![
            Just(Direction::HigherIsBetter),
            Just(Direction::LowerIsBetter)
        ]
    }

    /// A baseline and a target on its better side for the direction.
    fn goal() -> impl Strategy<Value = (f64, f64, Direction)> {
        (value(), 1.0e-3..1.0e9f64, direction()).prop_map(|(baseline, gap, direction)| {
            match direction {
                Direction::HigherIsBetter => (baseline, baseline + gap, direction),
                Direction::LowerIsBetter => (baseline, baseline - gap, direction),
            }
        })
    }

    fn day() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2100, 1u32..=366).prop_filter_map("a day of the year", |(year, ordinal)| {
            NaiveDate::from_yo_opt(year, ordinal)
        })
    }

    proptest! {
        #[test]
        fn progress_is_zero_at_baseline_and_one_at_target((baseline, target, direction) in goal()) {
            prop_assume!(baseline != target);
            prop_assert_eq!(progress(baseline, target, baseline, direction), Some(0.0));
            prop_assert_eq!(progress(baseline, target, target, direction), Some(1.0));
        }

        #[test]
        fn progress_grows_as_things_improve(
            (baseline, target, direction) in goal(),
            a in value(),
            b in value(),
        ) {
            prop_assume!(baseline != target);
            let (worse, better) = if direction.improves(a, b) { (a, b) } else { (b, a) };
            let worse = progress(baseline, target, worse, direction).unwrap();
            let better = progress(baseline, target, better, direction).unwrap();
            prop_assert!(worse <= better, "{worse} > {better}");
        }

        #[test]
        fn progress_refuses_a_target_on_the_worse_side(
            (baseline, target, direction) in goal(),
            current in value(),
        ) {
            let other = match direction {
                Direction::HigherIsBetter => Direction::LowerIsBetter,
                Direction::LowerIsBetter => Direction::HigherIsBetter,
            };
            prop_assert_eq!(progress(baseline, target, current, other), None);
        }

        #[test]
        fn change_is_the_difference(earlier in value(), later in value()) {
            let change = Change::between(earlier, later);
            prop_assert_eq!(change.absolute, later - earlier);
            if let Some(relative) = change.relative {
                prop_assert!(relative == 0.0 || relative.signum() == change.absolute.signum());
            } else {
                prop_assert_eq!(earlier, 0.0);
            }
        }

        #[test]
        fn a_year_annualises_to_about_itself(
            start in day(),
            leap in any::<bool>(),
            value in value(),
            unit in prop::sample::select(Unit::ALL.to_vec()),
        ) {
            let end = start + chrono::Days::new(if leap { 365 } else { 364 });
            let mut measurement = measurement("2024-01-01", "2024-01-01", value, "");
            measurement.period_start = start;
            measurement.period_end = end;
            let yearly = annualised(unit, &measurement).unwrap();
            prop_assert!((yearly - value).abs() <= value.abs() * 0.005);
        }
    }
}
