//! The data.gouv.fr export of datasets: a CSV file with the columns `id`, `title`, `url`,
//! `description` and `organization` (the producer's name), one dataset per record; a
//! description may span several lines.
//!
//! A dataset's slug is the last segment of its `url`; the producer's slug comes from its
//! name. The export says nothing of licences or resources: the datasets are open data.

use std::path::Path;

use pilote_domain::Slug;
use pilote_domain::data::{AccessType, DataSource, Dataset, Frequency, Producer};

use super::{DataFile, slug_or_id};
use crate::commons::{file_name, given};
use crate::{Finding, ImportError};

/// The columns the export must have, in the order the reader keeps them.
const COLUMNS: [&str; 5] = ["id", "title", "url", "description", "organization"];

/// Reads the export: every record must give an `id`, a `title` and a web `url`.
pub fn read(path: &Path) -> Result<DataFile, ImportError> {
    let file = file_name(path);
    let at = |line: u64| {
        let file = file.clone();
        move |field: &str, message: String| Finding {
            file: file.clone(),
            line: usize::try_from(line).unwrap_or_default(),
            entry: None,
            field: field.to_owned(),
            message,
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| csv_error(path, &file, &e))?;
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, &file, &e))?
        .clone();
    let mut positions = [0; COLUMNS.len()];
    for (position, column) in positions.iter_mut().zip(COLUMNS) {
        *position = headers
            .iter()
            .position(|h| h.trim() == column)
            .ok_or_else(|| {
                ImportError::Invalid(vec![at(1)(
                    column,
                    "colonne absente de l'en-tête".to_owned(),
                )])
            })?;
    }
    let mut read = DataFile::default();
    read.import.source = DataSource::Datagouv;
    let mut lines: std::collections::BTreeMap<Slug, u64> = std::collections::BTreeMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                read.rejects.push(at(line)(
                    "enregistrement",
                    format!("CSV illisible : {error}"),
                ));
                if matches!(error.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let [id, title, url, description, organization] =
            positions.map(|p| record.get(p).unwrap_or_default().trim().to_owned());
        match dataset(
            &id,
            title,
            &url,
            description,
            &organization,
            &mut read,
            &at(line),
        ) {
            Ok(dataset) => {
                if let Some(first) = lines.get(&dataset.slug) {
                    read.rejects.push(at(line)(
                        "url",
                        format!(
                            "même identifiant « {} » qu'à la ligne {first}",
                            dataset.slug
                        ),
                    ));
                    continue;
                }
                lines.insert(dataset.slug.clone(), line);
                read.import.datasets.push(dataset);
            }
            Err(finding) => read.rejects.push(finding),
        }
    }
    Ok(read)
}

fn csv_error(path: &Path, file: &str, error: &csv::Error) -> ImportError {
    match error.kind() {
        csv::ErrorKind::Io(io) => ImportError::Io {
            path: path.to_owned(),
            source: std::io::Error::new(io.kind(), io.to_string()),
        },
        _ => ImportError::Invalid(vec![Finding {
            file: file.to_owned(),
            line: 1,
            entry: None,
            field: "en-tête".to_owned(),
            message: format!("CSV illisible : {error}"),
        }]),
    }
}

/// One record as a dataset, its producer added to `read`.
fn dataset(
    id: &str,
    title: String,
    url: &str,
    description: String,
    organization: &str,
    read: &mut DataFile,
    at: &impl Fn(&str, String) -> Finding,
) -> Result<Dataset, Finding> {
    let required = |field: &str| at(field, pilote_domain::DomainError::Required.to_string());
    if id.is_empty() {
        return Err(required("id"));
    }
    if url.is_empty() {
        return Err(required("url"));
    }
    let last = url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let slug = slug_or_id(last, id, &mut read.warnings, at, "url")?;
    let producer = match given(organization) {
        Some(name) => match Slug::from_name(&name) {
            Ok(slug) => {
                read.add_producer(Producer {
                    slug: slug.clone(),
                    name,
                    acronym: None,
                    url: None,
                    source: DataSource::Datagouv,
                });
                Some(slug)
            }
            Err(error) => {
                read.warnings.push(at("organization", error.to_string()));
                None
            }
        },
        None => None,
    };
    let dataset = Dataset {
        slug,
        source_id: Some(id.to_owned()),
        title,
        description,
        producer,
        licence: None,
        frequency: Frequency::Unknown,
        temporal_start: None,
        temporal_end: None,
        spatial: None,
        tags: Vec::new(),
        access: AccessType::Open,
        audiences: Vec::new(),
        quality: None,
        created: None,
        modified: None,
        source: DataSource::Datagouv,
        page_url: Some(url.to_owned()),
        resources: Vec::new(),
    };
    dataset.validate().map_err(|(field, error)| {
        let column = if field == "page_url" {
            "url"
        } else {
            field.as_str()
        };
        at(column, error.to_string())
    })?;
    Ok(dataset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> DataFile {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, text).unwrap();
        read(&path).unwrap()
    }

    #[test]
    fn reads_records_over_several_lines() {
        let long = "x".repeat(130);
        let file = read_text(&format!(
            "id,title,url,description,organization\n\
             a1,Adresses,https://www.data.gouv.fr/fr/datasets/adresses/,\"Deux\nlignes\",Ministère de l'Intérieur\n\
             a2,Long,https://www.data.gouv.fr/fr/datasets/{long}/,,\n\
             a3,,https://www.data.gouv.fr/fr/datasets/vide/,,\n"
        ));
        assert_eq!(file.import.datasets.len(), 2);
        let first = &file.import.datasets[0];
        assert_eq!(first.slug.as_str(), "adresses");
        assert_eq!(first.description, "Deux\nlignes");
        assert_eq!(
            first.producer.as_ref().unwrap().as_str(),
            "ministere-de-l-interieur"
        );
        assert_eq!(file.import.datasets[1].slug.as_str(), "a2");
        assert_eq!(file.warnings.len(), 1);
        assert_eq!(file.warnings[0].line, 4);
        assert_eq!(file.rejects.len(), 1);
        assert_eq!(
            file.rejects[0].to_string(),
            "export.csv:5: title: ce champ est obligatoire"
        );
    }
}
