//! Pilote's search. For now, the text folding that every lookup shares: case and accents
//! are ignored, so that `demarches` finds « Démarches ». The full-text index (tantivy,
//! French stemming, facets) arrives with the search issue.

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
