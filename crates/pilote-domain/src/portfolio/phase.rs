//! The product phases of the beta.gouv.fr model, with the mapping of legacy names.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DomainError;

/// A phase of the current model, in display order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseName {
    /// `opere`: run by its administration.
    Opere,
    /// `transfere`: handed over to its administration.
    Transfere,
    /// `consolidation`: leaving incubation.
    Consolidation,
    /// `acceleration`: deployed and growing its impact.
    Acceleration,
    /// `construction`: building the service.
    Construction,
    /// `investigation`: studying the problem.
    Investigation,
    /// `abandon-investigation`: the investigation led to no service.
    AbandonInvestigation,
    /// `abandon`: the service was stopped.
    Abandon,
}

impl PhaseName {
    /// Every phase in display order.
    pub const ALL: [Self; 8] = [
        Self::Opere,
        Self::Transfere,
        Self::Consolidation,
        Self::Acceleration,
        Self::Construction,
        Self::Investigation,
        Self::AbandonInvestigation,
        Self::Abandon,
    ];

    /// The name used in the source and in URLs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Opere => "opere",
            Self::Transfere => "transfere",
            Self::Consolidation => "consolidation",
            Self::Acceleration => "acceleration",
            Self::Construction => "construction",
            Self::Investigation => "investigation",
            Self::AbandonInvestigation => "abandon-investigation",
            Self::Abandon => "abandon",
        }
    }

    /// The French label shown to users.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Opere => "Opéré",
            Self::Transfere => "Transféré",
            Self::Consolidation => "En consolidation",
            Self::Acceleration => "Accélération",
            Self::Construction => "Construction",
            Self::Investigation => "Investigation",
            Self::AbandonInvestigation => "Investigation non concluante",
            Self::Abandon => "Service arrêté",
        }
    }

    /// The display order, from 1 (`opere`) to 8 (`abandon`).
    pub const fn order(self) -> u8 {
        self as u8 + 1
    }

    /// Parses a current phase name only.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|phase| phase.as_str() == name)
            .ok_or_else(|| DomainError::UnknownPhase(name.to_owned()))
    }

    /// Parses a name from the source, mapping legacy names to the current model.
    ///
    /// `alumni` means a stopped product: `abandon-investigation` when the product never
    /// reached construction, `abandon` otherwise.
    pub fn from_source(name: &str, reached_construction: bool) -> Result<Self, DomainError> {
        match name {
            "transfer" | "success" => Ok(Self::Transfere),
            "perennisation" => Ok(Self::Consolidation),
            "alumni" if reached_construction => Ok(Self::Abandon),
            "alumni" => Ok(Self::AbandonInvestigation),
            _ => Self::parse(name),
        }
    }

    /// Whether a phase of this name means the product was built (construction or later).
    pub const fn is_built(self) -> bool {
        matches!(
            self,
            Self::Opere
                | Self::Transfere
                | Self::Consolidation
                | Self::Acceleration
                | Self::Construction
                | Self::Abandon
        )
    }
}

/// One phase of a product's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Phase {
    /// The phase in the current model.
    pub name: PhaseName,
    /// The source's own name when it was a legacy one (`alumni`, `success`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// First day of the phase.
    pub start: NaiveDate,
    /// Last day of the phase, when it has ended.
    #[serde(default)]
    pub end: Option<NaiveDate>,
    /// A free comment from the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Phase {
    /// Whether the phase ends before it starts.
    pub fn ends_before_it_starts(&self) -> bool {
        self.end.is_some_and(|end| end < self.start)
    }
}

/// The current phase: the one with the latest start; among equal starts, the later one
/// in the list, as the source lists phases in order.
pub(super) fn current(phases: &[Phase]) -> Option<&Phase> {
    phases
        .iter()
        .enumerate()
        .max_by_key(|(index, phase)| (phase.start, *index))
        .map(|(_, phase)| phase)
}

/// The phase a product was in on a day: the latest one started by then.
pub(super) fn on(phases: &[Phase], day: NaiveDate) -> Option<&Phase> {
    phases
        .iter()
        .enumerate()
        .filter(|(_, phase)| phase.start <= day)
        .max_by_key(|(index, phase)| (phase.start, *index))
        .map(|(_, phase)| phase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(name: PhaseName, start: &str) -> Phase {
        Phase {
            name,
            source_name: None,
            start: start.parse().unwrap(),
            end: None,
            comment: None,
        }
    }

    #[test]
    fn orders_phases_for_display() {
        let orders: Vec<u8> = PhaseName::ALL.iter().map(|p| p.order()).collect();
        assert_eq!(orders, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(PhaseName::Construction.order(), 5);
    }

    #[test]
    fn maps_legacy_names() {
        assert_eq!(
            PhaseName::from_source("transfer", true),
            Ok(PhaseName::Transfere)
        );
        assert_eq!(
            PhaseName::from_source("success", true),
            Ok(PhaseName::Transfere)
        );
        assert_eq!(
            PhaseName::from_source("perennisation", true),
            Ok(PhaseName::Consolidation)
        );
        assert_eq!(
            PhaseName::from_source("alumni", true),
            Ok(PhaseName::Abandon)
        );
        assert_eq!(
            PhaseName::from_source("alumni", false),
            Ok(PhaseName::AbandonInvestigation)
        );
        assert_eq!(
            PhaseName::from_source("prototype", true),
            Err(DomainError::UnknownPhase("prototype".into()))
        );
    }

    #[test]
    fn round_trips_every_name() {
        for phase in PhaseName::ALL {
            assert_eq!(PhaseName::parse(phase.as_str()), Ok(phase));
            let json = serde_json::to_string(&phase).unwrap();
            assert_eq!(json, format!("\"{}\"", phase.as_str()));
        }
    }

    #[test]
    fn current_is_the_latest_start() {
        let phases = [
            phase(PhaseName::Investigation, "2021-02-01"),
            phase(PhaseName::Consolidation, "2026-01-01"),
            phase(PhaseName::Construction, "2021-09-01"),
        ];
        assert_eq!(current(&phases).unwrap().name, PhaseName::Consolidation);
        assert!(current(&[]).is_none());
        let day = |d: &str| d.parse().unwrap();
        assert_eq!(
            on(&phases, day("2021-12-31")).unwrap().name,
            PhaseName::Construction
        );
        assert_eq!(
            on(&phases, day("2021-02-01")).unwrap().name,
            PhaseName::Investigation
        );
        assert!(on(&phases, day("2020-12-31")).is_none());
    }
}
