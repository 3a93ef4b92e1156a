//! The `portfolio` context: organisations, incubators, products with their phases and
//! events, members with their missions, and teams — the beta.gouv.fr network's model.

mod member;
mod organisation;
mod phase;
mod product;

pub use member::{Domaine, Member, Mission, MissionStatus};
pub use organisation::{Incubator, Organisation, Team};
pub use phase::{Phase, PhaseName};
pub use product::{DataQualityWarning, Event, Fast, Product};

/// Other fields of a source record, kept verbatim so that an import loses nothing.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// The whole portfolio, as loaded from the store or read from a source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Portfolio {
    /// Organisations, by slug.
    pub organisations: Vec<Organisation>,
    /// Incubators, by slug.
    pub incubators: Vec<Incubator>,
    /// Teams, by slug.
    pub teams: Vec<Team>,
    /// Products, by slug.
    pub products: Vec<Product>,
    /// Members, by slug.
    pub members: Vec<Member>,
}
