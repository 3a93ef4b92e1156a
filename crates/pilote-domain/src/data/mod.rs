//! The `data` context: the catalogue of the data the State publishes — producers
//! (organisations), datasets with their resources, APIs — and the datalab's data projects.
//!
//! Every record says how it may be reached ([`AccessType`]: open, open with an account,
//! restricted) and where it came from ([`DataSource`]); restricted data is reached through
//! [`AccessRequest`]s and the [`Authorisation`]s they grant. Pure: no I/O here.

pub mod access;
mod api;
mod dataset;
mod producer;
mod project;

pub use access::{
    AccessEvent, AccessForm, AccessRefusal, AccessRequest, AccessState, Authorisation,
    AuthorisationState, Entitlement, Side, TrailEntry, TrailKind, entitlement,
};
pub use api::Api;
pub use dataset::{Dataset, Frequency, Resource, ResourceType};
pub use producer::Producer;
pub use project::{DataProject, ProjectStatus};

use crate::vocabulary::vocabulary;

vocabulary! {
    /// How a dataset or an API may be reached.
    #[derive(Default)]
    pub enum AccessType ("type d'accès") {
        /// Anyone may use it.
        #[default]
        Open = ("open", "Ouvert"),
        /// Open to anyone who creates an account (« ouvert avec compte »).
        Account = ("account", "Ouvert avec compte"),
        /// Only those authorised after a request (« accès restreint »).
        Restricted = ("restricted", "Restreint"),
    }
}

impl AccessType {
    /// The api.gouv.fr catalogue's `is_open`: 1 open, 0 account needed, −1 authorisation
    /// needed.
    pub fn from_is_open(is_open: i64) -> Option<Self> {
        match is_open {
            1 => Some(Self::Open),
            0 => Some(Self::Account),
            -1 => Some(Self::Restricted),
            _ => None,
        }
    }
}

vocabulary! {
    /// Where a record of the catalogue came from.
    #[derive(Default)]
    pub enum DataSource ("source") {
        /// Typed in Pilote.
        #[default]
        Manual = ("manual", "Saisie dans Pilote"),
        /// The data.gouv.fr CSV export of datasets.
        Datagouv = ("datagouv", "Export data.gouv.fr"),
        /// The udata API (data.gouv.fr's engine).
        Udata = ("udata", "API udata"),
        /// The api.gouv.fr catalogue.
        Apigouv = ("apigouv", "Catalogue api.gouv.fr"),
    }
}

/// Whether a score lies in 0–1.
fn is_share(value: f64) -> bool {
    (0.0..=1.0).contains(&value)
}

/// The first address of `urls` that is not a web address, with its field.
fn bad_url<'a>(
    urls: impl IntoIterator<Item = (&'static str, Option<&'a str>)>,
) -> Option<(&'static str, crate::DomainError)> {
    urls.into_iter().find_map(|(field, url)| {
        url.filter(|url| !crate::is_http_url(url))
            .map(|url| (field, crate::DomainError::NotAWebAddress(url.to_owned())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_from_the_api_catalogue() {
        assert_eq!(AccessType::from_is_open(1), Some(AccessType::Open));
        assert_eq!(AccessType::from_is_open(0), Some(AccessType::Account));
        assert_eq!(AccessType::from_is_open(-1), Some(AccessType::Restricted));
        assert_eq!(AccessType::from_is_open(2), None);
        assert_eq!(AccessType::parse("account"), Ok(AccessType::Account));
        assert!(AccessType::parse("closed").is_err());
        assert_eq!(AccessType::Restricted.label(), "Restreint");
    }

    #[test]
    fn sources() {
        for source in DataSource::ALL {
            assert_eq!(DataSource::parse(source.as_str()), Ok(*source));
        }
    }
}
