//! Pilote's search: one tantivy index of every public entity, with French analysis (stop
//! words, accent and case folding, stemming), typo tolerance, type-ahead prefixes, facets
//! and highlights; and the text folding that every simple lookup shares.
//!
//! The caller turns its records into [`Document`]s (each context's public records by its
//! module here: [`portfolio`], [`commons`], [`data`], [`talent`]), writes them with
//! [`SearchIndex::rebuild`] or [`SearchIndex::apply`], and reads with
//! [`SearchIndex::search`].
//!
//! A new kind of entity joins with a [`Kind`] variant (its code and French label) and one
//! function of its context's module turning a record into a [`Document`]; the caller adds
//! those documents to the source they are reloaded with, and gives the kind its page.

mod analysis;
mod collect;
pub mod commons;
pub mod data;
mod document;
mod index;
pub mod portfolio;
pub mod talent;

pub use analysis::{FUZZY_MIN_LETTERS, PREFIX_MIN_LETTERS};
pub use document::{Document, Facet, Kind};
pub use index::{
    Change, FACET_VALUES, FacetCounts, Highlight, Hit, MAX_PAGE_SIZE, Query, Results,
    SCHEMA_VERSION, SearchError, SearchIndex, Sort,
};

/// Folds text for comparison (lower case, no accents, single spaces): the domain's rule,
/// shared by every lookup.
pub use pilote_domain::text::fold;

/// Whether every word of a folded query appears in folded text.
pub fn matches(folded_text: &str, folded_query: &str) -> bool {
    folded_query
        .split(' ')
        .all(|word| folded_text.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_case_accents_and_spacing() {
        assert_eq!(fold("  Démarches   SIMPLIFIÉES "), "demarches simplifiees");
        assert_eq!(fold("Œuvre à l'État"), "œuvre a l'etat");
    }

    #[test]
    fn matches_every_word_anywhere() {
        let text = fold("Démarches simplifiées : dématérialiser les procédures");
        assert!(matches(&text, &fold("procedures DEMARCHES")));
        assert!(!matches(&text, &fold("démarches papier")));
    }
}
