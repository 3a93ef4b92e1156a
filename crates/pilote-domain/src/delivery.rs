//! The `delivery` context: team composition against the recommended disciplines, releases
//! and delivery cadence, investment committees, and support requests to the steering team.
//!
//! A product delivers in small, frequent [`Release`]s; its [`cadence`] is the median number
//! of days between them over the last six months. An investment [`Committee`] of an
//! incubator takes [`Decision`]s on its products, each with the impact [`Evidence`]
//! presented, frozen at the committee's date, and the phase change it causes; an
//! [`OverdueRule`] says which products wait too long for one. A [`SupportRequest`] goes
//! through the steering team's [`SupportStep`]s, each checked against its status.

mod committee;
mod composition;
mod release;
mod support;

pub use committee::{
    COMMITTEE_EVENT, Committee, Decision, DecisionKind, DecisionSource, Evidence, EvidenceValue,
    Overdue, OverdueRule, evidence_at, imported_decisions, phases_after,
};
pub use composition::{
    Discipline, DisciplineCount, MissingDiscipline, PhaseRecommendation, RecommendedComposition,
    TeamComposition, TeamHealth, compose, discipline_of,
};
pub use release::{
    CADENCE_WINDOW_DAYS, Forge, MONTHLY_DAYS, Release, ReleaseSize, ReleaseSource, Repository,
    cadence, delivers_monthly, median,
};
pub use support::{
    Demand, ExpertLoad, MINUTES_MAX, Notification, Outcome, Party, StepRefusal, SupportDashboard,
    SupportEvent, SupportEventKind, SupportKind, SupportRequest, SupportStatus, SupportStep,
    TEXT_MAX, TITLE_MAX, Urgency, dashboard,
};
