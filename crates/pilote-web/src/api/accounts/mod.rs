//! `/api/v1/accounts`: accounts and their roles, for administrators.

pub mod grant;
pub mod list;
pub mod revoke;
