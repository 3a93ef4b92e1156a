//! `/api/v1/incubators`: the network's incubators.

pub mod list;
pub mod show;
pub mod update;
