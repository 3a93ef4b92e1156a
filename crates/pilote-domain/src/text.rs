//! Comparing names as people type them: case, accents and spacing do not count.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for comparison: lower case, without accents, with runs of whitespace as
/// one space.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.extend(
            word.nfd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase),
        );
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_case_accents_and_spacing() {
        assert_eq!(fold("  Démarches   SIMPLIFIÉES "), "demarches simplifiees");
        assert_eq!(fold("Œuvre à l'État"), "œuvre a l'etat");
    }
}
