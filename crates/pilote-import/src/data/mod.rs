//! The data catalogue's sources: the data.gouv.fr CSV export of datasets ([`datagouv`]),
//! the udata API's shape of datasets with their resources and organisations ([`udata`]),
//! and the api.gouv.fr catalogue of APIs and producers ([`apigouv`]).
//!
//! Each source is read whole and checked before anything is written; then its datasets
//! and APIs replace those it gave before, and its producers are created or completed, in
//! one transaction that logs only what changed.

pub mod apigouv;
pub mod datagouv;
pub mod udata;

use std::collections::BTreeMap;
use std::path::Path;

use pilote_domain::audit::Actor;
use pilote_domain::data::{DataSource, Producer};
use pilote_domain::text::fold;
use pilote_domain::{Slug, is_http_url};
use pilote_store::{DataImport, Store};

use crate::commons::{allowed, counts};
use crate::{Finding, ImportError, ImportOptions, ImportReport};

/// What a source holds, read and checked, before it meets the store.
#[derive(Debug, Clone, Default)]
pub struct DataFile {
    /// Its producers, datasets and APIs.
    pub import: DataImport,
    /// Readable but inconsistent content, imported with the warning.
    pub warnings: Vec<Finding>,
    /// Invalid records, left out.
    pub rejects: Vec<Finding>,
}

impl DataFile {
    /// Adds a producer unless one of the same slug is already there.
    fn add_producer(&mut self, producer: Producer) {
        if !self
            .import
            .producers
            .iter()
            .any(|p| p.slug == producer.slug)
        {
            self.import.producers.push(producer);
        }
    }
}

/// A web address, or nothing with a warning on `field` when the source gave something else.
fn web_address(
    value: Option<String>,
    warn: &mut Vec<Finding>,
    at: impl Fn(&str, String) -> Finding,
    field: &str,
) -> Option<String> {
    let value = value?;
    if is_http_url(&value) {
        Some(value)
    } else {
        warn.push(at(
            field,
            format!("« {value} » n'est pas une adresse web : ignorée"),
        ));
        None
    }
}

/// The record's slug, or the source's identifier when the slug is not one Pilote accepts
/// (too long, mostly), with a warning.
fn slug_or_id(
    raw: &str,
    id: &str,
    warn: &mut Vec<Finding>,
    at: impl Fn(&str, String) -> Finding,
    field: &str,
) -> Result<Slug, Finding> {
    match Slug::parse(raw) {
        Ok(slug) => Ok(slug),
        Err(error) => {
            let slug = Slug::parse(id).map_err(|e| at(field, e.to_string()))?;
            warn.push(at(
                field,
                format!("{error} ; l'identifiant de la source « {id} » le remplace"),
            ));
            Ok(slug)
        }
    }
}

/// Settles the source's producers against the stored ones.
///
/// When two sources describe the same producer (the same slug, or the same name once case
/// and accents are folded), the first source's fields are kept and only those it lacks are
/// filled from the later one; the later source's datasets and APIs then name the stored
/// producer's slug.
fn settle_producers(stored: &[Producer], import: &mut DataImport) {
    let mut renamed: BTreeMap<Slug, Slug> = BTreeMap::new();
    let mut settled: Vec<Producer> = Vec::with_capacity(import.producers.len());
    for producer in import.producers.drain(..) {
        let same = |p: &&Producer| p.slug == producer.slug || fold(&p.name) == fold(&producer.name);
        let first = settled
            .iter()
            .find(same)
            .or_else(|| stored.iter().find(same))
            .cloned();
        let Some(mut first) = first else {
            settled.push(producer);
            continue;
        };
        first.fill_from(&producer);
        renamed.insert(producer.slug.clone(), first.slug.clone());
        match settled.iter_mut().find(|p| p.slug == first.slug) {
            Some(already) => *already = first,
            None => settled.push(first),
        }
    }
    import.producers = settled;
    let rename = |slug: &mut Option<Slug>| {
        if let Some(new) = slug.as_ref().and_then(|s| renamed.get(s)) {
            *slug = Some(new.clone());
        }
    };
    for dataset in &mut import.datasets {
        rename(&mut dataset.producer);
    }
    for api in &mut import.apis {
        rename(&mut api.producer);
    }
}

/// Reads the file or folder of `source` at `path` and imports it: stops with its invalid
/// records unless they may be skipped; writes nothing in a dry run.
pub async fn import(
    store: &Store,
    source: DataSource,
    path: &Path,
    options: ImportOptions,
    actor: &Actor,
) -> Result<ImportReport, ImportError> {
    let read = match source {
        DataSource::Datagouv => datagouv::read(path)?,
        DataSource::Udata => udata::read(path)?,
        DataSource::Apigouv => apigouv::read(path)?,
        DataSource::Manual => return Ok(ImportReport::default()),
    };
    let DataFile {
        mut import,
        warnings,
        rejects,
    } = read;
    let rejects = allowed(rejects, options)?;
    settle_producers(&store.data_producers().await?, &mut import);
    let done = store
        .apply_data_import(&import, options.dry_run, actor)
        .await?;
    Ok(ImportReport {
        entities: vec![
            ("producers", counts(import.producers.len(), done.producers)),
            ("datasets", counts(import.datasets.len(), done.datasets)),
            ("apis", counts(import.apis.len(), done.apis)),
        ],
        warnings,
        rejects,
        dry_run: options.dry_run,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pilote_domain::data::Dataset;

    fn producer(slug: &str, name: &str, acronym: Option<&str>, source: DataSource) -> Producer {
        Producer {
            slug: Slug::parse(slug).unwrap(),
            name: name.into(),
            acronym: acronym.map(Into::into),
            url: None,
            source,
        }
    }

    #[test]
    fn a_producer_described_twice_keeps_the_first_source_s_fields() {
        let stored = [producer("insee", "INSEE", None, DataSource::Apigouv)];
        let mut dataset: Dataset = serde_json::from_value(serde_json::json!({
            "slug": "sirene", "title": "Sirene", "producer": "i-n-s-e-e"
        }))
        .unwrap();
        dataset.source = DataSource::Udata;
        let mut import = DataImport {
            source: DataSource::Udata,
            producers: vec![producer(
                "i-n-s-e-e",
                "Insée",
                Some("INSEE"),
                DataSource::Udata,
            )],
            datasets: vec![dataset],
            apis: vec![],
        };
        settle_producers(&stored, &mut import);
        assert_eq!(import.producers.len(), 1);
        assert_eq!(import.producers[0].slug.as_str(), "insee");
        assert_eq!(import.producers[0].name, "INSEE");
        assert_eq!(import.producers[0].acronym.as_deref(), Some("INSEE"));
        assert_eq!(import.producers[0].source, DataSource::Apigouv);
        assert_eq!(
            import.datasets[0].producer.as_ref().unwrap().as_str(),
            "insee"
        );
    }
}
