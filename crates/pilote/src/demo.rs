//! The built-in demo portfolio of `pilote serve --demo`: invented organisations,
//! incubators, products and members, so that a newcomer sees a living site at once.

use anyhow::Context;
use pilote_domain::audit::Actor;
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
    })
}

/// Fills the database with the demo portfolio when it holds no product yet.
pub async fn fill_if_empty(store: &Store) -> anyhow::Result<()> {
    if store.load_portfolio().await?.products.is_empty() {
        store.apply(&changes()?, &Actor::system("démo")).await?;
        tracing::info!("demo portfolio loaded");
    }
    Ok(())
}
