//! What the index holds: one [`Document`] per public entity, built by the caller.

use chrono::NaiveDate;
use serde::Serialize;

/// The kinds of public entities the index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    /// A product (startup d'État) of the portfolio.
    Product,
    /// An incubator.
    Incubator,
    /// An organisation (sponsor, administration).
    Organisation,
    /// A member of the network (public fields only).
    Member,
    /// A software of the commons (SILL).
    Software,
    /// A dataset of the data catalogue.
    Dataset,
    /// A resource (file) of a dataset.
    Resource,
    /// A public API.
    Api,
    /// A challenge of the EIG programme (public fields and names only).
    Challenge,
    /// A job offer.
    JobOffer,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 10] = [
        Kind::Product,
        Kind::Software,
        Kind::Dataset,
        Kind::Api,
        Kind::Resource,
        Kind::Incubator,
        Kind::Organisation,
        Kind::Member,
        Kind::Challenge,
        Kind::JobOffer,
    ];

    /// The code used in URLs, the API and the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Product => "product",
            Kind::Incubator => "incubator",
            Kind::Organisation => "organisation",
            Kind::Member => "member",
            Kind::Software => "software",
            Kind::Dataset => "dataset",
            Kind::Resource => "resource",
            Kind::Api => "api",
            Kind::Challenge => "challenge",
            Kind::JobOffer => "job_offer",
        }
    }

    /// The kind named by a code, if any.
    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == code)
    }

    /// The French label shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Product => "Produit",
            Kind::Incubator => "Incubateur",
            Kind::Organisation => "Organisation",
            Kind::Member => "Membre",
            Kind::Software => "Logiciel",
            Kind::Dataset => "Jeu de données",
            Kind::Resource => "Ressource",
            Kind::Api => "API",
            Kind::Challenge => "Défi EIG",
            Kind::JobOffer => "Offre d'emploi",
        }
    }
}

/// The facets a search can filter on and count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Facet {
    /// The entity's kind (set from [`Document::kind`]).
    Kind,
    /// A product's phase.
    Phase,
    /// The incubator of a product, member or challenge.
    Incubator,
    /// The ministry a product, dataset or organisation depends on.
    Ministry,
    /// A software's or dataset's licence.
    Licence,
    /// A dataset's or API's access type (open, restricted…).
    Access,
    /// A resource's or dataset's file formats.
    Format,
    /// The year of [`Document::date`], unless the caller sets one.
    Year,
}

impl Facet {
    /// Every facet, in display order.
    pub const ALL: [Facet; 8] = [
        Facet::Kind,
        Facet::Phase,
        Facet::Incubator,
        Facet::Ministry,
        Facet::Licence,
        Facet::Access,
        Facet::Format,
        Facet::Year,
    ];

    /// The name used in URLs and the API (`?phase=`).
    pub fn as_str(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Phase => "phase",
            Facet::Incubator => "incubator",
            Facet::Ministry => "ministry",
            Facet::Licence => "licence",
            Facet::Access => "access",
            Facet::Format => "format",
            Facet::Year => "year",
        }
    }

    /// The facet named by a code, if any.
    pub fn parse(code: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|facet| facet.as_str() == code)
    }

    /// The French label shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            Facet::Kind => "Type",
            Facet::Phase => "Phase",
            Facet::Incubator => "Incubateur",
            Facet::Ministry => "Ministère",
            Facet::Licence => "Licence",
            Facet::Access => "Accès",
            Facet::Format => "Format",
            Facet::Year => "Année",
        }
    }
}

/// One public entity as the index holds it. Built by the caller from its own records; the
/// pair (`kind`, `slug`) identifies it, so writing it again replaces the previous version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The entity's kind.
    pub kind: Kind,
    /// The entity's identifier within its kind (slug, id…).
    pub slug: String,
    /// The title: weighs most in relevance.
    pub title: String,
    /// A short description (subtitle, pitch): weighs less than the title.
    pub summary: String,
    /// Any other public text (description, keywords, tags…): weighs least.
    pub body: Vec<String>,
    /// Facet values; a facet may have several values (formats of a dataset).
    pub facets: Vec<(Facet, String)>,
    /// The date used to sort by date and, unless a year is given, for the year facet.
    pub date: Option<NaiveDate>,
}

impl Document {
    /// A document with only its identity and title.
    pub fn new(kind: Kind, slug: impl Into<String>, title: impl Into<String>) -> Document {
        Document {
            kind,
            slug: slug.into(),
            title: title.into(),
            summary: String::new(),
            body: Vec::new(),
            facets: Vec::new(),
            date: None,
        }
    }

    /// Sets the summary.
    #[must_use]
    pub fn summary(mut self, summary: impl Into<String>) -> Document {
        self.summary = summary.into();
        self
    }

    /// Adds a body text (empty texts are skipped).
    #[must_use]
    pub fn body(mut self, text: impl Into<String>) -> Document {
        let text = text.into();
        if !text.trim().is_empty() {
            self.body.push(text);
        }
        self
    }

    /// Adds a facet value (empty values are skipped).
    #[must_use]
    pub fn facet(mut self, facet: Facet, value: impl Into<String>) -> Document {
        let value = value.into();
        if !value.trim().is_empty() {
            self.facets.push((facet, value.trim().to_owned()));
        }
        self
    }

    /// Sets the date.
    #[must_use]
    pub fn date(mut self, date: Option<NaiveDate>) -> Document {
        self.date = date;
        self
    }
}
