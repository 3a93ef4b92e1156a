//! French text analysis shared by indexing, querying and highlighting.

use std::ops::Range;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, TokenStream,
};

/// Tokenizer name of the stemmed French fields.
pub(crate) const FRENCH: &str = "pilote_fr";
/// Tokenizer name of the folded, unstemmed fields (prefix and typo matching).
pub(crate) const FOLDED: &str = "pilote_folded";

/// Words of at least this many letters tolerate one typo.
pub const FUZZY_MIN_LETTERS: usize = 5;
/// The last word is matched as a prefix once it has this many letters.
pub const PREFIX_MIN_LETTERS: usize = 2;

/// Lower case, stop words, accents folded, then the French stemmer: folding before stemming
/// makes `evenement` and `événement` one term.
pub(crate) fn french() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .dynamic();
    let builder = match StopWordFilter::new(Language::French) {
        Some(stop) => builder.filter_dynamic(stop),
        None => builder,
    };
    builder
        .filter_dynamic(AsciiFoldingFilter)
        .filter_dynamic(Stemmer::new(Language::French))
        .build()
}

/// Lower case and accents folded, nothing removed: the words as typed.
pub(crate) fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The tokens of `text` with their byte offsets.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, Range<usize>)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push((token.text.clone(), token.offset_from..token.offset_to));
    }
    out
}

/// One word of a query, as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryWord {
    /// Folded form (lower case, no accents).
    pub folded: String,
    /// Stemmed form, `None` for a stop word.
    pub stem: Option<String>,
    /// Whether it is the last word, matched as a prefix for type-ahead.
    pub prefix: bool,
}

impl QueryWord {
    pub fn fuzzy(&self) -> bool {
        self.folded.chars().count() >= FUZZY_MIN_LETTERS
    }

    pub fn prefix(&self) -> bool {
        self.prefix && self.folded.chars().count() >= PREFIX_MIN_LETTERS
    }

    /// Whether a folded word of a text matches this query word (for highlights).
    pub fn matches(&self, word: &str, french: &mut TextAnalyzer) -> bool {
        if word == self.folded || (self.prefix() && word.starts_with(&self.folded)) {
            return true;
        }
        if self.fuzzy() && within_one_edit(word, &self.folded) {
            return true;
        }
        match &self.stem {
            // The French stemmer only takes off or changes endings, never the first two
            // letters: most words need not be stemmed to know they differ.
            Some(stem) if word.starts_with(first_chars(stem, 2)) => {
                let mut stream = french.token_stream(word);
                stream.next().is_some_and(|token| token.text == *stem)
            }
            _ => false,
        }
    }
}

/// Splits a query into words.
pub(crate) fn query_words(text: &str) -> Vec<QueryWord> {
    let mut folded = folded();
    let mut french = french();
    let mut words: Vec<QueryWord> = tokens(&mut folded, text)
        .into_iter()
        .map(|(word, _)| {
            let stem = tokens(&mut french, &word)
                .into_iter()
                .next()
                .map(|(s, _)| s);
            QueryWord {
                folded: word,
                stem,
                prefix: false,
            }
        })
        .collect();
    if let Some(last) = words.last_mut() {
        last.prefix = true;
    }
    words
}

/// The first `n` characters of `text`.
fn first_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Whether two words are at most one edit apart (insertion, deletion, substitution or
/// transposition of neighbours).
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return within_one_edit_of(a.as_bytes(), b.as_bytes());
    }
    // Far apart in bytes is far apart in characters (at most 4 bytes each).
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    within_one_edit_of(&a, &b)
}

fn within_one_edit_of<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let start = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if start == short.len() {
        return true;
    }
    if short.len() == long.len() {
        let rest = start + 1;
        short[rest..] == long[rest..]
            || (rest < short.len()
                && short[start] == long[rest]
                && short[rest] == long[start]
                && short[rest + 1..] == long[rest + 1..])
    } else {
        short[start..] == long[start + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(within_one_edit("simplifiees", "simplifees"));
        assert!(within_one_edit("demarches", "demarhces"));
        assert!(within_one_edit("demarches", "demarchez"));
        assert!(within_one_edit("adresse", "adresse"));
        assert!(!within_one_edit("adresse", "adrsee"));
        assert!(!within_one_edit("carte", "cartes2"));
    }

    #[test]
    fn french_analysis_folds_and_stems() {
        let mut french = french();
        let stems = |text: &str, french: &mut TextAnalyzer| -> Vec<String> {
            tokens(french, text).into_iter().map(|(t, _)| t).collect()
        };
        assert_eq!(
            stems("Événements", &mut french),
            stems("evenement", &mut french)
        );
        assert_eq!(
            stems("Démarches", &mut french),
            stems("demarche", &mut french)
        );
        assert_eq!(stems("la", &mut french), Vec::<String>::new());
    }

    #[test]
    fn last_word_is_a_prefix() {
        let words = query_words("Démarches SIMPLI");
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].folded, "demarches");
        assert!(!words[0].prefix);
        assert!(words[1].prefix());
    }
}
