//! The software catalogue as documents.

use pilote_domain::commons::Software;

use crate::document::{Document, Facet, Kind};

/// One document per software.
pub fn documents<'a>(software: impl IntoIterator<Item = &'a Software>) -> Vec<Document> {
    software.into_iter().map(document).collect()
}

fn document(software: &Software) -> Document {
    Document::new(Kind::Software, software.slug.as_str(), &software.name)
        .summary(&software.function)
        .body(&software.description_fr)
        .body(software.categories.join(" "))
        .body(software.parent.clone().unwrap_or_default())
        .facet(Facet::Licence, &software.licence)
        .date(software.status_date)
}
