//! Pilote's domain: the types and rules of every context, with no I/O.
//!
//! A value of a type defined here is valid by construction: newtypes are built by
//! parsing (`Slug::parse`, `PhaseName::from_source`), never by assigning a field.
//! Persistence, HTTP and file formats live in the outer crates.

pub mod audit;
pub mod commons;
pub mod data;
pub mod delivery;
pub mod error;
pub mod identity;
pub mod impact;
pub mod money;
pub mod notification;
pub mod portfolio;
pub mod quality;
pub mod slug;
pub mod talent;
pub mod text;
mod vocabulary;

pub use error::{DomainError, field_error};
pub use money::Money;
pub use slug::Slug;

/// Whether `url` is an absolute http(s) address with a host and no blanks.
pub fn is_http_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.is_empty() && !rest.starts_with('/') && !url.chars().any(char::is_whitespace)
    })
}
