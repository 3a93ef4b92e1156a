//! The `delivery` context's API: a product's team against the recommended composition, the
//! portfolio's view of incomplete teams, the recommended composition itself, and the
//! products overdue for an investment committee.

pub mod composition;
pub mod overdue;
pub mod recommended_replace;
pub mod recommended_show;
pub mod team;

use chrono::NaiveDate;
use serde::Deserialize;

/// The day figures are computed on: the `date` parameter, or today.
pub(crate) fn day_of(date: Option<NaiveDate>) -> NaiveDate {
    date.unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The `date` parameter alone.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnDay {
    /// The day the team is looked at (AAAA-MM-JJ; default: today).
    pub date: Option<NaiveDate>,
}
