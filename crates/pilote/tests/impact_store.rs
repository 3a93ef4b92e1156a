//! Impact's records in the store, on both backends: indicators, measurements and budget
//! lines written, read back, logged, and the real network's FAST funding imported.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use common::TestDb;
use pilote_domain::audit::Actor;
use pilote_domain::impact::{
    Baseline, BudgetLine, BudgetSource, Category, Direction, Goal, Indicator, Measurement, Method,
    Unit,
};
use pilote_domain::{Money, Slug};
use pilote_store::StoreError;

fn day(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap()
}

fn indicator() -> Indicator {
    Indicator {
        id: 0,
        product: Slug::parse("droits-simples").unwrap(),
        name: "Non-recours évité".into(),
        category: Category::NonTakeUpReduced,
        unit: Unit::Count,
        direction: Direction::HigherIsBetter,
        baseline: Some(Baseline {
            value: 0.0,
            date: day("2023-01-01"),
            source: "étude CNAF".into(),
        }),
        target: Some(Goal {
            value: 12_000.0,
            date: day("2026-12-31"),
        }),
        methodology: "Foyers ayant ouvert un droit après une simulation".into(),
        public: true,
    }
}

fn measurement(indicator: i64, value: f64) -> Measurement {
    Measurement {
        id: 0,
        indicator,
        period_start: day("2024-01-01"),
        period_end: day("2024-12-31"),
        value,
        method: Method::Measured,
        evidence_url: Some("https://exemple.gouv.fr/bilan-2024.pdf".into()),
        comment: String::new(),
        recorded_by: "compte n° 1".into(),
        recorded_at: "2025-01-15T10:00:00.000000Z".into(),
    }
}

async fn indicators_and_measurements_round_trip(db: TestDb) {
    let store = &db.store;
    let actor = Actor::system("test");
    let created = store.create_indicator(&indicator(), &actor).await.unwrap();
    assert!(created.id > 0);
    assert_eq!(
        Indicator {
            id: 0,
            ..created.clone()
        },
        indicator()
    );

    let first = store
        .create_measurement(&measurement(created.id, 4_200.0), &actor)
        .await
        .unwrap();
    let second = store
        .create_measurement(
            &Measurement {
                period_start: day("2025-01-01"),
                period_end: day("2025-06-30"),
                method: Method::Estimated,
                evidence_url: None,
                ..measurement(created.id, 2_500.0)
            },
            &actor,
        )
        .await
        .unwrap();
    let loaded = store.load_impact().await.unwrap();
    assert_eq!(loaded.indicators, vec![created.clone()]);
    assert_eq!(loaded.measurements, vec![first.clone(), second.clone()]);

    // A measurement of an unknown indicator is refused, nothing written.
    let orphan = store
        .create_measurement(&measurement(created.id + 100, 1.0), &actor)
        .await;
    assert!(matches!(orphan, Err(StoreError::NotFound)));

    let renamed = store
        .update_indicator(
            &Indicator {
                name: "Droits ouverts".into(),
                ..created.clone()
            },
            &actor,
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "Droits ouverts");
    let corrected = store
        .update_measurement(
            &Measurement {
                value: 4_300.0,
                ..first.clone()
            },
            &actor,
        )
        .await
        .unwrap();
    assert!((corrected.value - 4_300.0).abs() < f64::EPSILON);

    store.delete_measurement(second.id, &actor).await.unwrap();
    assert_eq!(
        store.load_impact().await.unwrap().measurements,
        vec![corrected.clone()]
    );

    // Deleting the indicator takes its measurements with it; each is logged.
    store.delete_indicator(created.id, &actor).await.unwrap();
    let empty = store.load_impact().await.unwrap();
    assert!(empty.indicators.is_empty() && empty.measurements.is_empty());
    let history = store
        .audit_history("indicator", &created.id.to_string())
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    let measured = store
        .audit_history("measurement", &first.id.to_string())
        .await
        .unwrap();
    assert_eq!(
        measured.len(),
        3,
        "created, corrected, deleted with its indicator"
    );
    assert!(store.verify_audit().await.unwrap().first_break.is_none());
}

on_both_backends!(
    indicators_and_measurements,
    indicators_and_measurements_round_trip
);

fn line(product: &str, year: i32, euros: i64) -> BudgetLine {
    BudgetLine {
        product: Slug::parse(product).unwrap(),
        year,
        amount: Money::from_euros(euros).unwrap(),
        source: BudgetSource::Ministry,
        comment: String::new(),
    }
}

async fn budget_lines_change_only_what_differs(db: TestDb) {
    let store = &db.store;
    let actor = Actor::system("test");
    let lines = vec![
        line("eau-claire", 2024, 150_000),
        line("velo-facile", 2024, 80_000),
    ];
    assert_eq!(
        store
            .replace_budget_lines(BudgetSource::Ministry, &lines, &actor)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .replace_budget_lines(BudgetSource::Ministry, &lines, &actor)
            .await
            .unwrap(),
        0
    );
    let raised = vec![
        line("eau-claire", 2024, 175_000),
        line("velo-facile", 2024, 80_000),
    ];
    assert_eq!(
        store
            .replace_budget_lines(BudgetSource::Ministry, &raised, &actor)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .replace_budget_lines(BudgetSource::Ministry, &raised[..1], &actor)
            .await
            .unwrap(),
        1
    );
    let stored = store.load_impact().await.unwrap().budget_lines;
    assert_eq!(stored, raised[..1]);
    // Another source is left alone.
    store
        .replace_budget_lines(BudgetSource::Fast, &[], &actor)
        .await
        .unwrap();
    assert_eq!(store.load_impact().await.unwrap().budget_lines, raised[..1]);
    let history = store
        .audit_history("budget_line", "eau-claire/2024/ministry")
        .await
        .unwrap();
    assert_eq!(history.len(), 2, "created, then raised");
}

on_both_backends!(budget_lines, budget_lines_change_only_what_differs);

async fn fast_funding_becomes_budget_lines(db: TestDb) {
    let Some(data) = common::shared_data() else {
        return;
    };
    let actor = Actor::system("test");
    let options = pilote_import::ImportOptions::default();
    let path = data.join("betagouv");
    pilote_import::portfolio::beta::import(&db.store, &path, options, &actor)
        .await
        .unwrap();
    let lines = db.store.load_impact().await.unwrap().budget_lines;
    assert_eq!(lines.len(), 46);
    assert!(lines.iter().all(|l| l.source == BudgetSource::Fast));
    let total: i64 = lines.iter().map(|l| l.amount.cents()).sum();
    assert_eq!(total, 862_700_000, "8.627 M€ of FAST funding");
    // A second import changes nothing, budget lines included.
    let report = pilote_import::portfolio::beta::import(&db.store, &path, options, &actor)
        .await
        .unwrap();
    let fast = report
        .entities
        .iter()
        .find(|(name, _)| *name == "budget_fast")
        .unwrap()
        .1;
    assert_eq!((fast.read, fast.unchanged, fast.created), (46, 46, 0));
    assert_eq!(db.store.load_impact().await.unwrap().budget_lines, lines);
}

on_both_backends!(fast_funding, fast_funding_becomes_budget_lines);
