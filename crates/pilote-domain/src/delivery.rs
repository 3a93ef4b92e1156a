//! The `delivery` context: team composition, releases and delivery cadence, investment committees.
//!
//! A product delivers in small, frequent [`Release`]s; its [`cadence`] is the median number
//! of days between them over the last six months.

mod release;

pub use release::{
    CADENCE_WINDOW_DAYS, Forge, MONTHLY_DAYS, Release, ReleaseSize, ReleaseSource, Repository,
    cadence, delivers_monthly, median,
};
