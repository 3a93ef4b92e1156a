//! The `EcoIndex`: the published method that scores a web page's environmental footprint from
//! three measures (DOM elements, HTTP requests, transferred kilobytes).
//!
//! Each measure is placed on the quantile table of the method's reference population, the
//! three positions are weighted 3 (DOM), 2 (requests) and 1 (size), and the result is scaled to
//! a score from 0 (worst) to 100 (best). A grade (A to G) and the estimated greenhouse-gas
//! emissions and water consumption of one page view follow from the score.
//!
//! The figures follow the reference implementation (the `ecoindex` Python package): in
//! particular, a score that falls exactly halfway between two integers is rounded to the even
//! one, as Python's `round` does.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DomainError;

/// Quantiles of the number of DOM elements in the reference population.
const QUANTILES_DOM: [f64; 21] = [
    0.0, 47.0, 75.0, 159.0, 233.0, 298.0, 358.0, 417.0, 476.0, 537.0, 603.0, 674.0, 753.0, 843.0,
    949.0, 1076.0, 1237.0, 1459.0, 1801.0, 2479.0, 594_601.0,
];

/// Quantiles of the number of HTTP requests in the reference population.
const QUANTILES_REQUESTS: [f64; 21] = [
    0.0, 2.0, 15.0, 25.0, 34.0, 42.0, 49.0, 56.0, 63.0, 70.0, 78.0, 86.0, 95.0, 105.0, 117.0,
    130.0, 147.0, 170.0, 205.0, 281.0, 3920.0,
];

/// Quantiles of the transferred size, in KB, in the reference population.
const QUANTILES_SIZE_KB: [f64; 21] = [
    0.0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32, 1648.27,
    1876.08, 2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54, 223_212.26,
];

/// What a probe measured on one page: the three inputs of the `EcoIndex`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PageMeasure {
    /// Number of elements in the page's DOM.
    pub dom_elements: u32,
    /// Number of HTTP requests made to load the page.
    pub requests: u32,
    /// Transferred size, in kilobytes (KB).
    pub size_kb: f64,
}

impl PageMeasure {
    /// A measure, refusing a size that is negative, infinite or not a number.
    pub fn new(dom_elements: u32, requests: u32, size_kb: f64) -> Result<Self, DomainError> {
        check_size(size_kb)?;
        Ok(Self {
            dom_elements,
            requests,
            size_kb,
        })
    }

    /// The `EcoIndex` of this measure (see [`EcoIndex::from_measure`]).
    pub fn ecoindex(&self) -> Result<EcoIndex, DomainError> {
        EcoIndex::from_measure(self)
    }
}

/// The grade of an `EcoIndex`, from A (best) to G (worst). Grades sort from best to worst.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
pub enum Grade {
    /// Score above 80.
    A,
    /// Score above 70, up to 80.
    B,
    /// Score above 55, up to 70.
    C,
    /// Score above 40, up to 55.
    D,
    /// Score above 25, up to 40.
    E,
    /// Score above 10, up to 25.
    F,
    /// Score of 10 or less.
    G,
}

impl Grade {
    /// Every grade, from best to worst.
    pub const ALL: [Self; 7] = [
        Self::A,
        Self::B,
        Self::C,
        Self::D,
        Self::E,
        Self::F,
        Self::G,
    ];

    /// The grade of a score: A above 80, B above 70, C above 55, D above 40, E above 25,
    /// F above 10, G otherwise.
    pub const fn from_score(score: u8) -> Self {
        match score {
            81.. => Self::A,
            71..=80 => Self::B,
            56..=70 => Self::C,
            41..=55 => Self::D,
            26..=40 => Self::E,
            11..=25 => Self::F,
            0..=10 => Self::G,
        }
    }

    /// The grade's letter.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
            Self::E => "E",
            Self::F => "F",
            Self::G => "G",
        }
    }
}

/// The result of the `EcoIndex` method for one page.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EcoIndex {
    /// Score from 0 (worst) to 100 (best).
    pub score: u8,
    /// Grade that the score falls in.
    pub grade: Grade,
    /// Greenhouse-gas emissions of one page view, in grams of CO2 equivalent (2 decimals).
    pub ghg: f64,
    /// Water consumption of one page view, in centilitres (2 decimals).
    pub water: f64,
}

impl EcoIndex {
    /// The `EcoIndex` of a measure. A size that is negative, infinite or not a number is
    /// refused (the fields of [`PageMeasure`] are public, so it is checked again here).
    pub fn from_measure(measure: &PageMeasure) -> Result<Self, DomainError> {
        check_size(measure.size_kb)?;
        let q_dom = quantile(&QUANTILES_DOM, f64::from(measure.dom_elements));
        let q_requests = quantile(&QUANTILES_REQUESTS, f64::from(measure.requests));
        let q_size = quantile(&QUANTILES_SIZE_KB, measure.size_kb);
        // Same operations in the same order as the reference, so that halves land alike.
        let raw = 100.0 - 5.0 * (3.0 * q_dom + 2.0 * q_requests + q_size) / 6.0;
        let rounded = raw.round_ties_even().clamp(0.0, 100.0);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to 0..=100 just above"
        )]
        let score = rounded as u8;
        Ok(Self::from_score(score))
    }

    /// The grade, emissions and consumption that follow from a score (above 100 counts as 100).
    ///
    /// Emissions are `2 + 2 × (50 − score) / 100` gCO2e and water `3 + 3 × (50 − score) / 100`
    /// cl. For a whole score these are whole numbers of hundredths (`300 − 2 × score` and
    /// `450 − 3 × score`), so dividing them by 100 gives the 2-decimal figures exactly.
    pub fn from_score(score: u8) -> Self {
        let score = score.min(100);
        let ghg_hundredths = 300 - 2 * i32::from(score);
        let water_hundredths = 450 - 3 * i32::from(score);
        Self {
            score,
            grade: Grade::from_score(score),
            ghg: f64::from(ghg_hundredths) / 100.0,
            water: f64::from(water_hundredths) / 100.0,
        }
    }
}

/// Refuses a size that no page can have.
fn check_size(size_kb: f64) -> Result<(), DomainError> {
    if size_kb.is_finite() && size_kb >= 0.0 {
        Ok(())
    } else {
        Err(DomainError::InvalidPageSize(size_kb.to_string()))
    }
}

/// The position of `value` on a quantile table, from 0 to 20: linear between the two quantiles
/// around it, 20 at or beyond the last one.
fn quantile(quantiles: &[f64; 21], value: f64) -> f64 {
    for i in 1..quantiles.len() {
        if value < quantiles[i] {
            let below = quantiles[i - 1];
            #[expect(clippy::cast_precision_loss, reason = "i is at most 20, exact in f64")]
            let rank = (i - 1) as f64;
            return rank + (value - below) / (quantiles[i] - below);
        }
    }
    20.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ecoindex(dom_elements: u32, requests: u32, size_kb: f64) -> EcoIndex {
        PageMeasure::new(dom_elements, requests, size_kb)
            .and_then(|measure| measure.ecoindex())
            .unwrap()
    }

    fn assert_ecoindex(
        (dom, requests, size): (u32, u32, f64),
        (score, grade, ghg, water): (u8, Grade, f64, f64),
    ) {
        let result = ecoindex(dom, requests, size);
        let expected = EcoIndex {
            score,
            grade,
            ghg,
            water,
        };
        assert_eq!(result, expected, "measure {dom}/{requests}/{size}");
    }

    #[test]
    fn positions_on_the_quantile_tables() {
        // Figures from the reference implementation's own test suite
        // (cnumr/ecoindex_python, tests/compute/test_ecoindex.py, `test_get_quantiles`).
        assert!((quantile(&QUANTILES_SIZE_KB, 2500.0) - 14.086_372_025_739_513).abs() < 1e-12);
        assert!((quantile(&QUANTILES_DOM, 150.0) - 2.892_857_142_857_143).abs() < 1e-12);
        assert!((quantile(&QUANTILES_REQUESTS, 23.0) - 2.8).abs() < 1e-12);
        assert!((quantile(&QUANTILES_SIZE_KB, 310_182.902) - 20.0).abs() < f64::EPSILON);
    }

    #[test]
    fn matches_the_reference_test_suites() {
        // Extremes from the published method's Node implementation's test suite
        // (cnumr/ecoindex_node, spec/ecoindexSpec.js): an empty page and the biggest page of
        // the reference population.
        assert_ecoindex((0, 0, 0.0), (100, Grade::A, 1.0, 1.5));
        assert_ecoindex((594_601, 3920, 223_212.26), (0, Grade::G, 3.0, 4.5));
        // Full results from the reference implementation's own test suite
        // (cnumr/ecoindex_python, tests/compute/test_ecoindex.py, `test_get_ecoindex` and
        // `test_get_ecoindex_out_of_range`).
        assert_ecoindex((100, 100, 100.0), (72, Grade::B, 1.56, 2.34));
        assert_ecoindex((2240, 100, 310_182.902), (16, Grade::F, 2.68, 4.02));
    }

    #[test]
    fn scores_of_the_reference_test_suite() {
        // Scores from the reference implementation's own test suite
        // (cnumr/ecoindex_python, tests/compute/test_ecoindex.py, `test_get_score`); the
        // grade, emissions and water follow from the score by the published formulas.
        assert_ecoindex((100, 100, 1000.0), (67, Grade::C, 1.66, 2.49));
        assert_ecoindex((100, 100, 10_000.0), (58, Grade::C, 1.84, 2.76));
        assert_ecoindex((200, 200, 10_000.0), (46, Grade::D, 2.08, 3.12));
        assert_ecoindex((2355, 267, 2493.0), (10, Grade::G, 2.8, 4.2));
        assert_ecoindex((240, 20, 331.0), (83, Grade::A, 1.34, 2.01));
    }

    #[test]
    fn crosses_every_grade_boundary() {
        // Pairs of pages 50 DOM elements apart that straddle each boundary. Expected figures
        // computed with the reference formula (cnumr/ecoindex_python,
        // ecoindex/compute/ecoindex.py, `get_ecoindex`) run on these inputs.
        assert_ecoindex((100, 10, 2000.0), (81, Grade::A, 1.38, 2.07));
        assert_ecoindex((150, 10, 2000.0), (80, Grade::B, 1.4, 2.1));
        assert_ecoindex((100, 80, 1000.0), (71, Grade::B, 1.58, 2.37));
        assert_ecoindex((150, 80, 1000.0), (70, Grade::C, 1.6, 2.4));
        assert_ecoindex((850, 25, 1000.0), (56, Grade::C, 1.88, 2.82));
        assert_ecoindex((900, 25, 1000.0), (55, Grade::D, 1.9, 2.85));
        assert_ecoindex((850, 95, 1000.0), (41, Grade::D, 2.18, 3.27));
        assert_ecoindex((900, 95, 1000.0), (40, Grade::E, 2.2, 3.3));
        assert_ecoindex((850, 240, 2000.0), (26, Grade::E, 2.48, 3.72));
        assert_ecoindex((900, 240, 2000.0), (25, Grade::F, 2.5, 3.75));
        assert_ecoindex((1400, 265, 8000.0), (11, Grade::F, 2.78, 4.17));
        assert_ecoindex((1450, 265, 8000.0), (10, Grade::G, 2.8, 4.2));
    }

    #[test]
    fn rounds_halves_to_even_like_the_reference() {
        // 159 DOM elements is exactly the 3rd quantile: 100 − 5 × 9 / 6 = 92.5, which the
        // reference (Python's `round`) takes to 92; 47 elements gives 97.5, taken to 98.
        assert_ecoindex((159, 0, 0.0), (92, Grade::A, 1.16, 1.74));
        assert_ecoindex((47, 0, 0.0), (98, Grade::A, 1.04, 1.56));
    }

    #[test]
    fn huge_pages_score_zero() {
        assert_ecoindex((u32::MAX, u32::MAX, f64::MAX), (0, Grade::G, 3.0, 4.5));
    }

    #[test]
    fn emissions_and_water_from_the_score() {
        // Figures from the reference implementation's own test suite
        // (cnumr/ecoindex_python, tests/compute/test_ecoindex.py,
        // `test_get_greenhouse_gases_emission` and `test_get_water_consumption`).
        for (score, ghg, water) in [
            (2, 2.96, 4.44),
            (10, 2.8, 4.2),
            (50, 2.0, 3.0),
            (70, 1.6, 2.4),
        ] {
            let result = EcoIndex::from_score(score);
            assert_eq!((result.ghg, result.water), (ghg, water), "score {score}");
        }
        assert_eq!(EcoIndex::from_score(200), EcoIndex::from_score(100));
    }

    #[test]
    fn grades_of_the_reference_test_suite() {
        // From cnumr/ecoindex_python, tests/compute/test_ecoindex.py, `test_get_grade`
        // (its 50.2 is a score the method never produces; 50 has the same grade).
        assert_eq!(Grade::from_score(2), Grade::G);
        assert_eq!(Grade::from_score(25), Grade::F);
        assert_eq!(Grade::from_score(10), Grade::G);
        assert_eq!(Grade::from_score(50), Grade::D);
        assert_eq!(Grade::from_score(100), Grade::A);
    }

    #[test]
    fn grade_bounds_are_exclusive() {
        let lower_bounds = [80, 70, 55, 40, 25, 10];
        for score in 0..=100_u8 {
            let expected = lower_bounds
                .iter()
                .position(|&bound| score > bound)
                .map_or(Grade::G, |index| Grade::ALL[index]);
            assert_eq!(Grade::from_score(score), expected, "score {score}");
        }
        let letters: Vec<_> = Grade::ALL.iter().map(|grade| grade.as_str()).collect();
        assert_eq!(letters, ["A", "B", "C", "D", "E", "F", "G"]);
    }

    #[test]
    fn refuses_impossible_sizes() {
        for size in [-1.0, -0.001, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                PageMeasure::new(10, 10, size),
                Err(DomainError::InvalidPageSize(_))
            ));
            let measure = PageMeasure {
                dom_elements: 10,
                requests: 10,
                size_kb: size,
            };
            assert!(EcoIndex::from_measure(&measure).is_err());
        }
        assert_eq!(
            DomainError::InvalidPageSize("-1".into()).to_string(),
            "poids de page invalide « -1 » (attendu un nombre de Ko positif ou nul)"
        );
    }

    #[test]
    fn serialises_grades_as_letters() {
        let json = serde_json::to_value(ecoindex(100, 100, 100.0)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"score": 72, "grade": "B", "ghg": 1.56, "water": 2.34})
        );
        let measure: PageMeasure =
            serde_json::from_str(r#"{"dom_elements": 1, "requests": 2, "size_kb": 3.5}"#).unwrap();
        assert_eq!(measure, PageMeasure::new(1, 2, 3.5).unwrap());
    }

    fn size() -> impl Strategy<Value = f64> {
        prop_oneof![0.0..10_000.0_f64, 0.0..1.0e9_f64]
    }

    proptest! {
        #[test]
        fn score_stays_between_0_and_100(dom in any::<u32>(), requests in any::<u32>(), size in size()) {
            let result = ecoindex(dom, requests, size);
            prop_assert!(result.score <= 100);
        }

        #[test]
        fn more_never_scores_better(
            dom in 0..5_000_u32, requests in 0..500_u32, size in size(),
            more_dom in 0..5_000_u32, more_requests in 0..500_u32, more_size in size(),
        ) {
            let lighter = ecoindex(dom, requests, size);
            let heavier = ecoindex(dom + more_dom, requests + more_requests, size + more_size);
            prop_assert!(heavier.score <= lighter.score);
            prop_assert!(heavier.grade >= lighter.grade);
            prop_assert!(heavier.ghg >= lighter.ghg);
            prop_assert!(heavier.water >= lighter.water);
        }

        #[test]
        fn grade_and_impacts_follow_the_score(dom in any::<u32>(), requests in 0..1_000_u32, size in size()) {
            let result = ecoindex(dom, requests, size);
            prop_assert_eq!(result, EcoIndex::from_score(result.score));
            prop_assert_eq!(result.grade, Grade::from_score(result.score));
        }
    }
}
