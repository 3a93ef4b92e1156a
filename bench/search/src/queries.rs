//! The typical queries: typed as people type them (without accents, with a typo, a word cut
//! short), each asking for every facet, some with a filter.

use pilote_search::Facet;

/// One query of the benchmark.
#[derive(Debug, Clone, Copy)]
pub struct BenchQuery {
    /// The words typed.
    pub text: &'static str,
    /// The facet values selected (one per facet).
    pub filters: &'static [(Facet, &'static str)],
}

const fn q(text: &'static str) -> BenchQuery {
    BenchQuery { text, filters: &[] }
}

const fn f(text: &'static str, filters: &'static [(Facet, &'static str)]) -> BenchQuery {
    BenchQuery { text, filters }
}

/// The queries, in the order they are run.
pub const QUERIES: &[BenchQuery] = &[
    // Names of products, software, datasets and APIs, without accents, misspelled or cut.
    q("aidants conect"),
    q("aides territoires"),
    q("bonne boite"),
    q("pass cultur"),
    q("suivi justice"),
    q("qualichare"),
    f("libreofice", &[(Facet::Kind, "software")]),
    q("keycloack"),
    q("inkscap"),
    f("beneficiaires rsa", &[(Facet::Kind, "dataset")]),
    q("plaintes cnil"),
    q("repertoire national structures recherche"),
    q("etudiants dut"),
    f("api particulier", &[(Facet::Kind, "api")]),
    q("base adresse nationale"),
    q("georisques"),
    // Subjects.
    q("transport"),
    f("sante", &[(Facet::Kind, "product")]),
    q("education nationale"),
    q("logement social"),
    f("emploi", &[(Facet::Year, "2021")]),
    q("energie renouvelable"),
    q("agriculture"),
    q("impots"),
    q("ecole"),
    f("elections resultats", &[(Facet::Kind, "dataset")]),
    q("budget etat"),
    q("population communes"),
    q("velo"),
    f("donnees ouvertes", &[(Facet::Access, "open")]),
    f("justice", &[(Facet::Phase, "acceleration")]),
    f("carte", &[(Facet::Format, "csv")]),
    f("climat", &[(Facet::Ministry, "environnement")]),
    f("entreprise", &[(Facet::Access, "open")]),
    f("securite", &[(Facet::Licence, "Apache-2.0")]),
    // People.
    f("developpeur", &[(Facet::Kind, "member")]),
    f(
        "designer",
        &[(Facet::Kind, "member"), (Facet::Incubator, "dinum")],
    ),
    // Type-ahead: the start of a word.
    q("accomp"),
    q("numeri"),
    f("educ", &[(Facet::Year, "2023")]),
    // Misspelled.
    q("environement"),
    q("accesibilite"),
];

/// French stop words left out of the SQLite queries, as the French analysis leaves them
/// out of pilote-search's.
const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l", "la",
    "le", "les", "leur", "ou", "par", "pour", "sa", "se", "son", "sur", "un", "une",
];

/// The words of a query, folded (lower case, no accents), in order.
pub fn words(text: &str) -> Vec<String> {
    pilote_search::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The FTS5 expression of a query: every word but the stop words, all required, the last
/// one as a prefix once it has two letters (as pilote-search does).
pub fn fts5_expression(text: &str) -> String {
    let words = words(text);
    let mut kept: Vec<&String> = words
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect();
    if kept.is_empty() {
        kept = words.iter().collect();
    }
    let last = kept.len().saturating_sub(1);
    kept.iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last && w.chars().count() >= pilote_search::PREFIX_MIN_LETTERS {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
