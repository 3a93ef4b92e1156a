//! `/api/v1/teams`: teams of the incubators.

pub mod list;
pub mod show;
