//! The `delivery` context: team composition against the recommended disciplines (and, to
//! come, releases and delivery cadence, investment committees, support requests).

mod composition;

pub use composition::{
    Discipline, DisciplineCount, MissingDiscipline, PhaseRecommendation, RecommendedComposition,
    TeamComposition, TeamHealth, compose, discipline_of,
};
