//! The api.gouv.fr catalogue: a folder holding `api/` (one Markdown file per API, its
//! fields in a YAML front matter) and `producteurs/` (one per producer). A file's stem is
//! the record's slug; the catalogue's templates (`*.md.example`) are skipped with a
//! warning.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::data::{AccessType, Api, DataSource, Producer};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use unicode_normalization::UnicodeNormalization;

use super::{DataFile, web_address};
use crate::front_matter;
use crate::portfolio::beta::raw::{Text, list, optional_text};
use crate::portfolio::beta::{shape, yaml_error_line};
use crate::{Finding, ImportError};

#[derive(Deserialize)]
struct RawProducer {
    name: Text,
    #[serde(default, deserialize_with = "optional_text")]
    acronym: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    site: Option<String>,
}

#[derive(Deserialize)]
struct RawApi {
    title: Text,
    #[serde(default, deserialize_with = "optional_text")]
    tagline: Option<String>,
    is_open: i64,
    #[serde(default, deserialize_with = "optional_text")]
    producer: Option<String>,
    #[serde(default, deserialize_with = "list")]
    themes: Vec<Text>,
    #[serde(default, deserialize_with = "list")]
    partners: Vec<Text>,
    #[serde(default, deserialize_with = "optional_text")]
    contact_link: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    doc_tech_external: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    doc_tech_link: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    rate_limiting_resume: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    monitoring_link: Option<String>,
    #[serde(default)]
    uptime: Option<f64>,
    #[serde(default, deserialize_with = "optional_text")]
    last_update: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    datapass_link: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    account_link: Option<String>,
}

/// One file of a folder: its name for messages, its slug, its front matter.
struct Record {
    name: String,
    slug: Slug,
    front_matter: String,
}

impl Record {
    fn at(&self) -> impl Fn(&str, String) -> Finding + '_ {
        |field, message| Finding {
            file: self.name.clone(),
            line: front_matter::line_of(&self.front_matter, field),
            entry: None,
            field: field.to_owned(),
            message,
        }
    }

    /// The front matter in the raw shape `T`.
    fn parse<T: DeserializeOwned>(&self) -> Result<T, Finding> {
        let value: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&self.front_matter).map_err(|error| Finding {
                file: self.name.clone(),
                line: yaml_error_line(&error).map_or(1, |line| line + front_matter::FIRST_LINE - 1),
                entry: None,
                field: "yaml".to_owned(),
                message: format!("YAML illisible : {error}"),
            })?;
        shape(value).map_err(|error| self.at()(&error.field, error.message))
    }
}

/// The files of `folder` under the catalogue: records, and warnings for templates.
fn records(
    root: &Path,
    folder: &str,
    read: &mut DataFile,
) -> Result<Vec<Result<Record, Finding>>, ImportError> {
    let dir = root.join(folder);
    let io = |source| ImportError::Io {
        path: dir.clone(),
        source,
    };
    if !dir.is_dir() {
        return Err(ImportError::NotASource {
            path: root.to_owned(),
            expected: "catalogue api.gouv.fr",
            hint: "a folder holding api/ and producteurs/",
        });
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(io)?
        .map(|entry| entry.map(|e| e.path()).map_err(io))
        .collect::<Result<_, _>>()?;
    paths.sort();
    let mut found = Vec::new();
    for path in paths {
        let name = format!(
            "{folder}/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        if path.extension().is_some_and(|ext| ext == "example") {
            read.warnings.push(Finding {
                file: name,
                line: 1,
                entry: None,
                field: "fichier".to_owned(),
                message: "modèle de fiche, ignoré".to_owned(),
            });
            continue;
        }
        if !path.is_file() || path.extension().is_none_or(|ext| ext != "md") {
            continue;
        }
        found.push(record(&path, name));
    }
    Ok(found)
}

fn record(path: &Path, name: String) -> Result<Record, Finding> {
    let at_line_1 = |field: &str, message: String| Finding {
        file: name.clone(),
        line: 1,
        entry: None,
        field: field.to_owned(),
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|error| at_line_1("fichier", format!("fichier illisible : {error}")))?;
    let document = front_matter::split(&text).ok_or_else(|| {
        at_line_1(
            "fichier",
            "pas d'en-tête YAML entre deux lignes « --- »".to_owned(),
        )
    })?;
    let stem: String = path
        .file_stem()
        .map(|s| s.to_string_lossy().nfc().collect())
        .unwrap_or_default();
    let slug = Slug::parse(&stem).map_err(|error| at_line_1("slug", error.to_string()))?;
    Ok(Record {
        slug,
        front_matter: document.front_matter.to_owned(),
        name,
    })
}

fn producer(record: &Record, warnings: &mut Vec<Finding>) -> Result<Producer, Finding> {
    let raw: RawProducer = record.parse()?;
    let producer = Producer {
        slug: record.slug.clone(),
        name: raw.name.0.trim().to_owned(),
        acronym: raw.acronym,
        url: web_address(raw.site, warnings, record.at(), "site"),
        source: DataSource::Apigouv,
    };
    producer.validate().map_err(|(field, error)| {
        let field = if field == "url" { "site" } else { field };
        record.at()(field, error.to_string())
    })?;
    Ok(producer)
}

fn api(record: &Record, read: &mut DataFile) -> Result<Api, Finding> {
    let raw: RawApi = record.parse()?;
    let at = record.at();
    let access = AccessType::from_is_open(raw.is_open).ok_or_else(|| {
        at(
            "is_open",
            format!(
                "« {} » : attendu 1 (ouverte), 0 (compte) ou -1 (habilitation)",
                raw.is_open
            ),
        )
    })?;
    let producer = match raw.producer.as_deref().map(Slug::parse).transpose() {
        Ok(Some(slug)) if read.import.producers.iter().any(|p| p.slug == slug) => Some(slug),
        Ok(Some(slug)) => {
            read.warnings.push(at(
                "producer",
                format!("producteur « {slug} » absent de producteurs/"),
            ));
            None
        }
        Ok(None) => None,
        Err(error) => return Err(at("producer", error.to_string())),
    };
    let updated = raw.last_update.and_then(|text| {
        let day = NaiveDate::parse_from_str(&text, "%d/%m/%Y").ok();
        if day.is_none() {
            read.warnings.push(at(
                "last_update",
                format!("date « {text} » illisible (attendu JJ/MM/AAAA) : ignorée"),
            ));
        }
        day
    });
    let words = |texts: Vec<Text>| -> Vec<String> {
        texts
            .into_iter()
            .map(|Text(text)| text.trim().to_owned())
            .filter(|text| !text.is_empty())
            .collect()
    };
    let (access_field, access_url) = match raw.datapass_link {
        Some(link) => ("datapass_link", Some(link)),
        None => ("account_link", raw.account_link),
    };
    let api = Api {
        slug: record.slug.clone(),
        title: raw.title.0.trim().to_owned(),
        tagline: raw.tagline.unwrap_or_default(),
        producer,
        access,
        access_url: web_address(access_url, &mut read.warnings, &at, access_field),
        documentation_url: raw.doc_tech_external.or(raw.doc_tech_link),
        rate_limits: raw.rate_limiting_resume,
        monitoring_url: web_address(
            raw.monitoring_link,
            &mut read.warnings,
            &at,
            "monitoring_link",
        ),
        uptime: raw.uptime,
        themes: words(raw.themes),
        partners: words(raw.partners),
        contact: raw.contact_link,
        updated,
        source: DataSource::Apigouv,
    };
    api.validate()
        .map_err(|(field, error)| at(field, error.to_string()))?;
    Ok(api)
}

/// Reads the catalogue: producers first, so that each API's producer is known.
pub fn read(path: &Path) -> Result<DataFile, ImportError> {
    let mut read = DataFile::default();
    read.import.source = DataSource::Apigouv;
    for record in records(path, "producteurs", &mut read)? {
        match record.and_then(|record| producer(&record, &mut read.warnings)) {
            Ok(producer) => read.import.producers.push(producer),
            Err(finding) => read.rejects.push(finding),
        }
    }
    for record in records(path, "api", &mut read)? {
        match record.and_then(|record| api(&record, &mut read)) {
            Ok(api) => read.import.apis.push(api),
            Err(finding) => read.rejects.push(finding),
        }
    }
    Ok(read)
}
