//! The `quality` context: the quality observatory: RGAA audits, RGESN, `EcoIndex`, probes, identity and hosting records.
//!
//! The `EcoIndex` is computed here ([`ecoindex`]); the other types arrive with the issues that
//! build their capabilities, and the module exists so that every layer keeps the same map of
//! contexts.

pub mod ecoindex;

pub use ecoindex::{EcoIndex, Grade, PageMeasure};
