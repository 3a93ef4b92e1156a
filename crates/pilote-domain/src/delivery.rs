//! The `delivery` context: team composition, releases and delivery cadence, investment
//! committees.
//!
//! An investment [`Committee`] of an incubator takes [`Decision`]s on its products, each
//! with the impact [`Evidence`] presented, frozen at the committee's date, and the phase
//! change it causes; an [`OverdueRule`] says which products wait too long for one.

mod committee;

pub use committee::{
    COMMITTEE_EVENT, Committee, Decision, DecisionKind, DecisionSource, Evidence, EvidenceValue,
    Overdue, OverdueRule, evidence_at, imported_decisions, phases_after,
};
