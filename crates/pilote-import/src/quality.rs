//! The standards' reference texts: RGAA 4.1 (`rgaa-4.1-criteria.json`, the DINUM's JSON of
//! topics and criteria) and RGESN v1 (`rgesn-v1.json`, its `criteres`), read whole, checked
//! against the criteria the domain knows, and stored in one transaction.

use std::collections::BTreeMap;
use std::path::Path;

use pilote_domain::audit::Actor;
use pilote_domain::quality::reference::{CriterionText, Standard, plain};
use pilote_store::Store;
use serde::Deserialize;

use crate::{EntityCounts, Finding, ImportError, ImportOptions, ImportReport};

#[derive(Deserialize)]
struct RgaaFile {
    topics: Vec<RgaaTopic>,
}

#[derive(Deserialize)]
struct RgaaTopic {
    topic: String,
    number: u8,
    criteria: Vec<RgaaEntry>,
}

#[derive(Deserialize)]
struct RgaaEntry {
    criterium: RgaaCriterion,
}

#[derive(Deserialize)]
struct RgaaCriterion {
    number: u8,
    #[serde(default)]
    title: String,
}

#[derive(Deserialize)]
struct RgesnFile {
    criteres: Vec<RgesnCriterion>,
}

#[derive(Deserialize)]
struct RgesnCriterion {
    id: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    critere: String,
    #[serde(default)]
    thematique: String,
}

/// The 1-based line where `needles` are found one after the other in `text` (the line of the
/// last one found; 1 when none is).
fn line_of(text: &str, needles: &[String]) -> usize {
    let mut at = 0;
    for needle in needles {
        match text[at..].find(needle.as_str()) {
            Some(found) => at += found,
            None => break,
        }
    }
    text[..at].matches('\n').count() + 1
}

/// Reads a standard's reference file; every criterion of the standard must be there once,
/// with a title.
pub fn read(standard: Standard, path: &Path) -> Result<Vec<CriterionText>, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Io {
        path: path.to_owned(),
        source,
    })?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let finding = |line, field: &str, message: String| Finding {
        entry: None,
        file: file.clone(),
        line,
        field: field.to_owned(),
        message,
    };
    // (criterion, line, topic, title, url)
    let entries: Vec<(String, usize, String, String, Option<String>)> = match standard {
        Standard::Rgaa => {
            let parsed: RgaaFile = serde_json::from_str(&text).map_err(|e| {
                ImportError::Invalid(vec![finding(e.line(), "topics", e.to_string())])
            })?;
            parsed
                .topics
                .into_iter()
                .flat_map(|topic| {
                    let number = topic.number;
                    let name = topic.topic;
                    let text = &text;
                    topic.criteria.into_iter().map(move |entry| {
                        let criterion = format!("{number}.{}", entry.criterium.number);
                        let line = line_of(
                            text,
                            &[
                                format!("\"topic\": \"{name}\""),
                                format!("\"number\": {}", entry.criterium.number),
                            ],
                        );
                        (criterion, line, name.clone(), entry.criterium.title, None)
                    })
                })
                .collect()
        }
        Standard::Rgesn => {
            let parsed: RgesnFile = serde_json::from_str(&text).map_err(|e| {
                ImportError::Invalid(vec![finding(e.line(), "criteres", e.to_string())])
            })?;
            parsed
                .criteres
                .into_iter()
                .map(|c| {
                    let line = line_of(&text, &[format!("\"id\":\"{}\"", c.id)]);
                    (c.id, line, c.thematique, c.critere, c.url)
                })
                .collect()
        }
    };
    let known = standard.criteria();
    let mut findings = Vec::new();
    let mut texts = Vec::new();
    let mut seen = BTreeMap::new();
    for (criterion, line, topic, title, url) in entries {
        if !known.contains(&criterion) {
            findings.push(finding(
                line,
                &criterion,
                format!("critère inconnu de {}", standard.label()),
            ));
        } else if let Some(first) = seen.insert(criterion.clone(), line) {
            findings.push(finding(
                line,
                &criterion,
                format!("critère déjà donné ligne {first}"),
            ));
        } else if title.trim().is_empty() {
            findings.push(finding(
                line,
                &format!("{criterion}.title"),
                "intitulé vide".to_owned(),
            ));
        } else {
            texts.push(CriterionText {
                standard,
                criterion,
                topic,
                title: plain(&title),
                url,
            });
        }
    }
    for criterion in known.iter().filter(|c| !seen.contains_key(*c)) {
        findings.push(finding(
            1,
            criterion,
            "critère absent du fichier".to_owned(),
        ));
    }
    if findings.is_empty() {
        Ok(texts)
    } else {
        Err(ImportError::Invalid(findings))
    }
}

/// Imports a standard's reference texts: all of them replace the stored ones, in one
/// transaction, when any differs.
pub async fn import(
    store: &Store,
    standard: Standard,
    path: &Path,
    options: ImportOptions,
    actor: &Actor,
) -> Result<ImportReport, ImportError> {
    let texts = read(standard, path)?;
    let stored: BTreeMap<String, CriterionText> = store
        .reference_texts(standard)
        .await?
        .into_iter()
        .map(|t| (t.criterion.clone(), t))
        .collect();
    let mut counts = EntityCounts {
        read: texts.len(),
        ..EntityCounts::default()
    };
    for text in &texts {
        match stored.get(&text.criterion) {
            None => counts.created += 1,
            Some(old) if old == text => counts.unchanged += 1,
            Some(_) => counts.updated += 1,
        }
    }
    if counts.changed() > 0 && !options.dry_run {
        store
            .replace_reference_texts(standard, &texts, actor)
            .await?;
    }
    Ok(ImportReport {
        entities: vec![("criteria", counts)],
        dry_run: options.dry_run,
        ..ImportReport::default()
    })
}
