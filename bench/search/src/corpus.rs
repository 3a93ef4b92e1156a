//! The corpus: every public record of the real data turned into documents by pilote-search's
//! own builders, then scaled to any size by seeded variation.

use std::collections::BTreeMap;
use std::path::Path;

use pilote_search::{Document, Facet, Kind};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Each source's name and how many documents it gave.
pub type Sources = Vec<(String, usize)>;

/// The real documents: the beta.gouv.fr network (products, incubators, organisations,
/// members' public fields), the software catalogue, the data.gouv.fr export and the udata
/// fixtures (datasets and resources), and the api.gouv.fr catalogue, in that order.
pub fn real(data: &Path) -> Result<(Vec<Document>, Sources), String> {
    let mut documents = Vec::new();
    let mut sources = Vec::new();
    let mut add = |name: &str, mut more: Vec<Document>| {
        sources.push((name.to_owned(), more.len()));
        documents.append(&mut more);
    };
    let beta = pilote_import::portfolio::beta::read(&data.join("betagouv"))
        .map_err(|e| format!("betagouv: {e}"))?;
    add(
        "betagouv (products, incubators, organisations, members)",
        pilote_search::portfolio::documents(&beta.portfolio),
    );
    let sill = pilote_import::commons::read_sill(&data.join("sill/sill.json"))
        .map_err(|e| format!("sill: {e}"))?;
    add(
        "sill (software)",
        pilote_search::commons::documents(&sill.software),
    );
    let datagouv =
        pilote_import::data::datagouv::read(&data.join("datagouv/datasets-export-2020-01-11.csv"))
            .map_err(|e| format!("datagouv: {e}"))?;
    add(
        "datagouv export (datasets)",
        pilote_search::data::dataset_documents(&datagouv.import.datasets),
    );
    let udata = pilote_import::data::udata::read(&data.join("udata/api-fixtures.json"))
        .map_err(|e| format!("udata: {e}"))?;
    add(
        "udata fixtures (datasets, resources)",
        pilote_search::data::dataset_documents(&udata.import.datasets),
    );
    let apigouv = pilote_import::data::apigouv::read(&data.join("apigouv"))
        .map_err(|e| format!("apigouv: {e}"))?;
    add(
        "apigouv (APIs)",
        pilote_search::data::api_documents(&apigouv.import.apis),
    );
    Ok((documents, sources))
}

/// Words drawn from the corpus, as often as they occur: titles' for titles, the other
/// texts' for the other texts.
struct Vocabulary {
    title: Vec<String>,
    text: Vec<String>,
}

impl Vocabulary {
    fn of(documents: &[Document]) -> Vocabulary {
        let words = |text: &str| -> Vec<String> {
            text.split_whitespace()
                .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphanumeric))
                .map(str::to_owned)
                .collect()
        };
        let mut title = Vec::new();
        let mut text = Vec::new();
        for document in documents {
            title.extend(words(&document.title));
            text.extend(words(&document.summary));
            for body in &document.body {
                text.extend(words(body));
            }
        }
        Vocabulary { title, text }
    }
}

/// Replaces each word with probability `p` by one of `pool`, and swaps two neighbours with
/// probability `swap`.
fn vary(text: &str, pool: &[String], p: f64, swap: f64, rng: &mut StdRng) -> String {
    if text.is_empty() || pool.is_empty() {
        return text.to_owned();
    }
    let mut words: Vec<&str> = text.split_whitespace().collect();
    for word in &mut words {
        if rng.gen_bool(p) {
            *word = pool[rng.gen_range(0..pool.len())].as_str();
        }
    }
    if words.len() >= 2 && rng.gen_bool(swap) {
        let at = rng.gen_range(0..words.len() - 1);
        words.swap(at, at + 1);
    }
    words.join(" ")
}

/// Rotates a long text by a random number of words (the same words, another order) before
/// varying it.
fn vary_long(text: &str, pool: &[String], rng: &mut StdRng) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() < 12 {
        return vary(text, pool, 0.15, 0.3, rng);
    }
    let at = rng.gen_range(0..words.len());
    let rotated: Vec<&str> = words[at..].iter().chain(&words[..at]).copied().collect();
    vary(&rotated.join(" "), pool, 0.15, 0.0, rng)
}

/// `n` documents: the real ones first, then copies of them in turn, each copy with its own
/// slug (`slug~k`), a quarter of its title's words and a sixth of its other words replaced
/// by words of the corpus, its long texts rotated, and its date moved by up to four years
/// either way. Kinds and the other facet values are kept. The same seed gives the same
/// documents.
pub fn scaled(real: &[Document], n: usize, seed: u64) -> Vec<Document> {
    let vocabulary = Vocabulary::of(real);
    let mut out = Vec::with_capacity(n);
    out.extend(real.iter().take(n).cloned());
    let mut copy = 1usize;
    while out.len() < n {
        for (i, original) in real.iter().enumerate() {
            if out.len() == n {
                break;
            }
            let mut rng = StdRng::seed_from_u64(seed ^ ((copy as u64) << 32) ^ (i as u64));
            let mut document = original.clone();
            document.slug = format!("{}~{copy}", original.slug);
            document.title = vary(&original.title, &vocabulary.title, 0.25, 0.3, &mut rng);
            if document.title.trim().is_empty() {
                document.title.clone_from(&original.title);
            }
            document.summary = vary(&original.summary, &vocabulary.text, 0.17, 0.3, &mut rng);
            document.body = original
                .body
                .iter()
                .map(|text| vary_long(text, &vocabulary.text, &mut rng))
                .collect();
            if let Some(date) = original.date {
                let mut shifted = date + chrono_days(rng.gen_range(-1460..=1460));
                if shifted > today() {
                    shifted -= chrono_days(1461);
                }
                document.date = Some(shifted);
            }
            document.facets.shuffle(&mut rng);
            out.push(document);
        }
        copy += 1;
    }
    out
}

fn chrono_days(days: i64) -> chrono::TimeDelta {
    chrono::TimeDelta::days(days)
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default()
}

/// The year facet as pilote-search gives it: the document's own, else its date's.
pub fn year(document: &Document) -> Option<String> {
    document
        .facets
        .iter()
        .find(|(facet, _)| *facet == Facet::Year)
        .map(|(_, value)| value.clone())
        .or_else(|| {
            use chrono::Datelike;
            document.date.map(|date| date.year().to_string())
        })
}

/// Every (facet, value) pilote-search indexes for a document: its kind, its facets (kind
/// values other than its own ignored, as the index does), and its year.
pub fn facet_values(document: &Document) -> Vec<(Facet, String)> {
    let mut values = vec![(Facet::Kind, document.kind.as_str().to_owned())];
    for (facet, value) in &document.facets {
        if *facet != Facet::Kind && *facet != Facet::Year {
            values.push((*facet, value.clone()));
        }
    }
    if let Some(year) = year(document) {
        values.push((Facet::Year, year));
    }
    values.sort();
    values.dedup();
    values
}

/// Documents per kind and the most frequent values of each facet, to describe a corpus.
pub fn describe(documents: &[Document]) -> String {
    let mut kinds: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut facets: BTreeMap<Facet, BTreeMap<String, usize>> = BTreeMap::new();
    let mut bytes = 0usize;
    for document in documents {
        *kinds.entry(document.kind).or_default() += 1;
        bytes += document.title.len()
            + document.summary.len()
            + document.body.iter().map(String::len).sum::<usize>();
        for (facet, value) in facet_values(document) {
            if facet != Facet::Kind {
                *facets.entry(facet).or_default().entry(value).or_default() += 1;
            }
        }
    }
    let mut out = format!(
        "{} documents, {:.1} MB of text ({} bytes a document on average)\n",
        documents.len(),
        bytes as f64 / 1e6,
        bytes / documents.len().max(1)
    );
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(kind, n)| format!("{} {n}", kind.as_str()))
        .collect();
    out.push_str(&format!("  kinds: {}\n", kinds.join(", ")));
    for (facet, values) in facets {
        let mut values: Vec<(String, usize)> = values.into_iter().collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let top: Vec<String> = values
            .iter()
            .take(6)
            .map(|(v, n)| format!("{v} {n}"))
            .collect();
        out.push_str(&format!(
            "  {}: {} values; {}\n",
            facet.as_str(),
            values.len(),
            top.join(", ")
        ));
    }
    out
}
