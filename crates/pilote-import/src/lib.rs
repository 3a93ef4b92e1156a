//! Readers of the real public sources into Pilote's domain, and their transactional,
//! idempotent import into the store.
//!
//! Each source is read whole and checked before anything is written: an invalid record
//! stops the import with `file:line: field: reason` unless rejects are allowed, and the
//! records that differ from the store are then written in one transaction.

pub mod commons;
pub mod data;
pub mod delivery;
mod error;
mod front_matter;
pub mod portfolio;
pub mod quality;
mod report;
pub mod talent;

pub use error::ImportError;
pub use report::{EntityCounts, Finding, ImportOptions, ImportReport};
