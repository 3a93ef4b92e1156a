//! The `delivery` context: team composition against the recommended disciplines, releases
//! and delivery cadence (and, to come, investment committees and support requests).
//!
//! A product delivers in small, frequent [`Release`]s; its [`cadence`] is the median number
//! of days between them over the last six months.

mod composition;
mod release;

pub use composition::{
    Discipline, DisciplineCount, MissingDiscipline, PhaseRecommendation, RecommendedComposition,
    TeamComposition, TeamHealth, compose, discipline_of,
};
pub use release::{
    CADENCE_WINDOW_DAYS, Forge, MONTHLY_DAYS, Release, ReleaseSize, ReleaseSource, Repository,
    cadence, delivers_monthly, median,
};
