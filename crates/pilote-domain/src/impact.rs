//! The `impact` context: typed impact indicators, their measurements, budgets and roll-ups.
//!
//! An [`Indicator`] of a product has a [`Category`], a [`Unit`] and a [`Direction`], a
//! baseline and a goal; its [`Measurement`]s are values over periods. The maths are pure
//! functions: the latest value ([`latest`]), [`progress`] to the goal, [`change`] between
//! two values, [`annualised`] values, [`sum`]s that refuse to add incompatible units, and
//! the [`cost_benefit`] of money avoided against [`BudgetLine`]s over the same years.

mod budget;
mod cost;
mod indicator;
mod kinds;
mod measure;
mod rollup;
mod totals;

pub use budget::{BudgetLine, budget_by_year, fast_budget_line, fast_year};
pub use cost::{CostBenefit, cost_benefit, money_avoided_by_year, spread_over_years};
pub use indicator::{Baseline, Goal, Indicator, Measurement};
pub use kinds::{BudgetSource, Category, Direction, Method, Unit};
pub use measure::{Change, DAYS_PER_YEAR, annualised, change, latest, progress};
pub use rollup::{Slice, add_money_by_year, slices};
pub use totals::{Quantity, Tally, Total, Totals, add_same_unit, addable, sum};
