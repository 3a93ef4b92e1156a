//! The built-in demo portfolio of `pilote serve --demo`: invented organisations,
//! incubators, products and members, so that a newcomer sees a living site at once.

use anyhow::Context;
use pilote_domain::audit::Actor;
use pilote_domain::impact::{BudgetLine, BudgetSource, Indicator, Measurement};
use pilote_domain::portfolio::{Incubator, Member, Organisation, Product, Team};
use pilote_store::{PortfolioChanges, Store};
use serde::Deserialize;

#[derive(Deserialize)]
struct Demo {
    organisations: Vec<Organisation>,
    incubators: Vec<Incubator>,
    teams: Vec<Team>,
    products: Vec<Product>,
    members: Vec<Member>,
}

/// The demo portfolio as changes to apply.
pub fn changes() -> anyhow::Result<PortfolioChanges> {
    let demo: Demo = serde_json::from_str(include_str!("demo/portfolio.json"))
        .context("the demo portfolio is invalid")?;
    let fast_budget = demo
        .products
        .iter()
        .filter_map(pilote_domain::impact::fast_budget_line)
        .collect();
    Ok(PortfolioChanges {
        organisations: demo.organisations,
        incubators: demo.incubators,
        teams: demo.teams,
        products: demo.products,
        members: demo.members,
        fast_budget: Some(fast_budget),
        imported_decisions: None,
    })
}

/// An indicator of the demo with its measurements.
#[derive(Deserialize)]
struct DemoIndicator {
    #[serde(flatten)]
    indicator: Indicator,
    #[serde(default)]
    measurements: Vec<Measurement>,
}

#[derive(Deserialize)]
struct DemoImpact {
    indicators: Vec<DemoIndicator>,
    budget_lines: Vec<BudgetLine>,
}

/// Fills the database with the demo portfolio when it holds no product yet, with impact
/// indicators of the four categories the strategy names, and budgets.
pub async fn fill_if_empty(store: &Store) -> anyhow::Result<()> {
    if !store.load_portfolio().await?.products.is_empty() {
        return Ok(());
    }
    let actor = Actor::system("démo");
    store.apply(&changes()?, &actor).await?;
    let impact: DemoImpact = serde_json::from_str(include_str!("demo/impact.json"))
        .context("the demo impact is invalid")?;
    for demo in impact.indicators {
        let indicator = store.create_indicator(&demo.indicator, &actor).await?;
        for measurement in demo.measurements {
            let measurement = Measurement {
                indicator: indicator.id,
                recorded_by: actor.to_string(),
                recorded_at: "2025-07-01T09:00:00.000000Z".to_owned(),
                ..measurement
            };
            store.create_measurement(&measurement, &actor).await?;
        }
    }
    for source in BudgetSource::ALL
        .into_iter()
        .filter(|s| *s != BudgetSource::Fast)
    {
        let lines: Vec<BudgetLine> = impact
            .budget_lines
            .iter()
            .filter(|line| line.source == source)
            .cloned()
            .collect();
        store.replace_budget_lines(source, &lines, &actor).await?;
    }
    tracing::info!("demo portfolio loaded");
    Ok(())
}
