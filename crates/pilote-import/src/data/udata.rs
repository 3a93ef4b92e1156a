//! The udata API's shape (data.gouv.fr's engine): `{"datasets": [{"dataset": {...},
//! "organization": {...}, "resources": [...]}, ...]}`, as udata's own fixtures hold it.
//!
//! A file that does not have this shape is refused whole at the line and field of the
//! first error; a dataset that breaks a rule is named at the line of its `id`.

use std::path::Path;

use chrono::NaiveDate;
use pilote_domain::data::{
    AccessType, DataSource, Dataset, Frequency, Producer, Resource, ResourceType,
};
use serde::Deserialize;

use super::{DataFile, slug_or_id, web_address};
use crate::commons::{file_name, given};
use crate::{Finding, ImportError};

#[derive(Deserialize)]
struct Fixtures {
    datasets: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    dataset: RawDataset,
    #[serde(default)]
    organization: Option<RawOrganization>,
    #[serde(default)]
    resources: Vec<RawResource>,
}

#[derive(Deserialize)]
struct RawDataset {
    id: String,
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    frequency: Option<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    temporal_coverage: Option<Coverage>,
    #[serde(default)]
    spatial: Option<Spatial>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    access_type: Option<String>,
    #[serde(default)]
    quality: Option<Quality>,
    #[serde(default, alias = "created_at_internal")]
    created_at: Option<String>,
    #[serde(default, alias = "last_modified_internal")]
    last_modified: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

#[derive(Deserialize)]
struct Coverage {
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
}

#[derive(Deserialize)]
struct Spatial {
    #[serde(default)]
    granularity: Option<String>,
}

#[derive(Deserialize)]
struct Quality {
    #[serde(default)]
    score: Option<f64>,
}

#[derive(Deserialize)]
struct RawOrganization {
    slug: String,
    id: String,
    name: String,
    #[serde(default)]
    acronym: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
struct RawResource {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    format: Option<String>,
    url: String,
    #[serde(default)]
    filesize: Option<i64>,
    #[serde(default)]
    checksum: Option<Checksum>,
    #[serde(default)]
    last_modified: Option<String>,
    #[serde(default)]
    extras: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Checksum {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    value: Option<String>,
}

/// The day of an ISO-8601 date or date-time.
fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// udata's `access_type` (newer versions); older ones publish open data only.
fn access(raw: Option<&str>) -> Option<AccessType> {
    match raw.unwrap_or("open") {
        "open" => Some(AccessType::Open),
        "open_with_account" => Some(AccessType::Account),
        "restricted" => Some(AccessType::Restricted),
        _ => None,
    }
}

/// Reads the file: its shape first, then each dataset's rules.
pub fn read(path: &Path) -> Result<DataFile, ImportError> {
    let file = file_name(path);
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let fixtures: Fixtures =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let (field, message) =
                pilote_domain::field_error(&error.path().to_string(), &error.inner().to_string());
            ImportError::Invalid(vec![Finding {
                file: file.clone(),
                line: error.inner().line(),
                entry: None,
                field,
                message,
            }])
        })?;
    let mut read = DataFile::default();
    read.import.source = DataSource::Udata;
    for (index, entry) in fixtures.datasets.into_iter().enumerate() {
        // The dataset is named at the line of its `id`, which no other record shares.
        let needle = format!("\"{}\"", entry.dataset.id);
        let line = text
            .find(&needle)
            .map_or(1, |at| text[..at].matches('\n').count() + 1);
        let at = |field: &str, message: String| Finding {
            file: file.clone(),
            line,
            entry: None,
            field: format!("datasets[{index}].{field}"),
            message,
        };
        match dataset(entry, &mut read, &at) {
            Ok(dataset) if read.import.datasets.iter().any(|d| d.slug == dataset.slug) => {
                read.rejects.push(at(
                    "dataset.slug",
                    format!("« {} » figure deux fois", dataset.slug),
                ));
            }
            Ok(dataset) => read.import.datasets.push(dataset),
            Err(finding) => read.rejects.push(finding),
        }
    }
    Ok(read)
}

/// One entry as a dataset, its organisation added to `read`.
fn dataset(
    entry: Entry,
    read: &mut DataFile,
    at: &impl Fn(&str, String) -> Finding,
) -> Result<Dataset, Finding> {
    let raw = entry.dataset;
    let slug = slug_or_id(&raw.slug, &raw.id, &mut read.warnings, at, "dataset.slug")?;
    let producer = match entry.organization {
        Some(org) => {
            let slug = slug_or_id(
                &org.slug,
                &org.id,
                &mut read.warnings,
                at,
                "organization.slug",
            )?;
            let url = web_address(org.url, &mut read.warnings, at, "organization.url");
            read.add_producer(Producer {
                slug: slug.clone(),
                name: org.name.trim().to_owned(),
                acronym: org.acronym.as_deref().and_then(given),
                url,
                source: DataSource::Udata,
            });
            Some(slug)
        }
        None => None,
    };
    let frequency = match raw.frequency.as_deref().and_then(given) {
        None => Frequency::Unknown,
        Some(code) => Frequency::parse(&code).unwrap_or_else(|error| {
            read.warnings.push(at(
                "dataset.frequency",
                format!("{error} : « inconnue » retenue"),
            ));
            Frequency::Unknown
        }),
    };
    let access = access(raw.access_type.as_deref()).ok_or_else(|| {
        at(
            "dataset.access_type",
            format!(
                "type d'accès inconnu « {} »",
                raw.access_type.clone().unwrap_or_default()
            ),
        )
    })?;
    let coverage_day = |value: Option<String>, field: &str| -> Result<Option<NaiveDate>, Finding> {
        value
            .as_deref()
            .and_then(given)
            .map(|text| {
                day(&text).ok_or_else(|| {
                    at(
                        field,
                        pilote_domain::DomainError::InvalidDate(text.clone()).to_string(),
                    )
                })
            })
            .transpose()
    };
    let (start, end) = raw
        .temporal_coverage
        .map_or((None, None), |c| (c.start, c.end));
    let mut resources = Vec::with_capacity(entry.resources.len());
    for raw in entry.resources {
        resources.push(resource(raw, read, at));
    }
    let dataset = Dataset {
        slug,
        source_id: Some(raw.id),
        title: raw.title.trim().to_owned(),
        description: raw.description.unwrap_or_default(),
        producer,
        licence: raw.license.as_deref().and_then(given),
        frequency,
        temporal_start: coverage_day(start, "dataset.temporal_coverage.start")?,
        temporal_end: coverage_day(end, "dataset.temporal_coverage.end")?,
        spatial: raw
            .spatial
            .and_then(|s| s.granularity)
            .as_deref()
            .and_then(given),
        tags: raw.tags.unwrap_or_default(),
        access,
        audiences: Vec::new(),
        quality: raw.quality.and_then(|q| q.score),
        created: raw.created_at.as_deref().and_then(day),
        modified: raw.last_modified.as_deref().and_then(day),
        source: DataSource::Udata,
        page_url: web_address(raw.page, &mut read.warnings, at, "dataset.page"),
        resources,
    };
    dataset
        .validate()
        .map_err(|(field, error)| at(&format!("dataset.{field}"), error.to_string()))?;
    for (field, message) in dataset.warnings() {
        read.warnings.push(at(&format!("dataset.{field}"), message));
    }
    Ok(dataset)
}

fn resource(
    raw: RawResource,
    read: &mut DataFile,
    at: &impl Fn(&str, String) -> Finding,
) -> Resource {
    let kind = match raw.kind.as_deref().and_then(given) {
        None => ResourceType::Other,
        Some(kind) => ResourceType::parse(&kind).unwrap_or_else(|error| {
            read.warnings
                .push(at("resources.type", format!("{error} : « autre » retenu")));
            ResourceType::Other
        }),
    };
    let (checksum_type, checksum_value) = raw.checksum.map_or((None, None), |c| (c.kind, c.value));
    let title = raw.title.as_deref().and_then(given).unwrap_or_else(|| {
        raw.url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    Resource {
        id: raw.id,
        title,
        kind,
        format: raw.format.as_deref().and_then(given),
        url: raw.url.trim().to_owned(),
        size: raw.filesize,
        checksum_type: checksum_type.as_deref().and_then(given),
        checksum_value: checksum_value.as_deref().and_then(given),
        last_modified: raw.last_modified.as_deref().and_then(given),
        available: raw
            .extras
            .get("check:available")
            .and_then(serde_json::Value::as_bool),
    }
}
