//! The `quality` context: the quality observatory: RGAA audits, RGESN, `EcoIndex`, probes, identity and hosting records.
//!
//! Computed here so far: the `EcoIndex` ([`ecoindex`]), the RGAA compliance rate and the
//! statement it allows ([`rgaa`]), RGESN scores ([`rgesn`]) and the observatory's levels
//! ([`observatory`]), and each product's record of sign-in, hosting, security and
//! accessibility statement ([`record`]). Audits, probes and the observatory table build on them.

pub mod ecoindex;
pub mod observatory;
pub mod record;
pub mod reference;
pub mod rgaa;
pub mod rgesn;
pub mod service;

pub use ecoindex::{EcoIndex, Grade, PageMeasure};
