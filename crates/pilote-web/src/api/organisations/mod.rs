//! `/api/v1/organisations`: sponsor and owner organisations.

pub mod list;
pub mod show;
pub mod update;
