//! The data catalogue's public records as documents: datasets, their resources, and APIs.
//! Who is authorised to a restricted dataset, and access requests, are not given here:
//! they never reach the index.

use pilote_domain::data::{Api, Dataset, Resource};

use crate::document::{Document, Facet, Kind};

/// One document per dataset and per resource of a dataset.
pub fn dataset_documents<'a>(datasets: impl IntoIterator<Item = &'a Dataset>) -> Vec<Document> {
    let mut documents = Vec::new();
    for dataset in datasets {
        documents.push(dataset_document(dataset));
        documents.extend(
            dataset
                .resources
                .iter()
                .enumerate()
                .map(|(position, resource)| resource_document(dataset, position, resource)),
        );
    }
    documents
}

/// One document per API.
pub fn api_documents<'a>(apis: impl IntoIterator<Item = &'a Api>) -> Vec<Document> {
    apis.into_iter().map(api_document).collect()
}

/// The slug of a dataset's resource: the dataset's, then the resource's rank from 1. The
/// part before `/` names the dataset page the resource is shown on.
pub fn resource_slug(dataset: &Dataset, position: usize) -> String {
    format!("{}/{}", dataset.slug, position + 1)
}

fn dataset_document(dataset: &Dataset) -> Document {
    let mut document = Document::new(Kind::Dataset, dataset.slug.as_str(), &dataset.title)
        .summary(first_sentence(&dataset.description))
        .body(&dataset.description)
        .body(dataset.tags.join(" "))
        .body(dataset.spatial.clone().unwrap_or_default())
        .facet(Facet::Access, dataset.access.as_str())
        .facet(Facet::Licence, dataset.licence.clone().unwrap_or_default())
        .date(dataset.modified.or(dataset.created));
    let mut formats: Vec<String> = dataset
        .resources
        .iter()
        .filter_map(|resource| resource.format.as_deref())
        .map(str::to_lowercase)
        .collect();
    formats.sort();
    formats.dedup();
    for format in formats {
        document = document.facet(Facet::Format, format);
    }
    document
}

fn resource_document(dataset: &Dataset, position: usize, resource: &Resource) -> Document {
    Document::new(
        Kind::Resource,
        resource_slug(dataset, position),
        &resource.title,
    )
    .summary(&dataset.title)
    .facet(Facet::Access, dataset.access.as_str())
    .facet(
        Facet::Format,
        resource
            .format
            .as_deref()
            .unwrap_or_default()
            .to_lowercase(),
    )
    .date(dataset.modified.or(dataset.created))
}

fn api_document(api: &Api) -> Document {
    Document::new(Kind::Api, api.slug.as_str(), &api.title)
        .summary(&api.tagline)
        .body(api.themes.join(" "))
        .body(api.partners.join(" "))
        .facet(Facet::Access, api.access.as_str())
        .date(api.updated)
}

/// The description's first sentence (or line), as a summary.
fn first_sentence(text: &str) -> &str {
    let line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default();
    match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    }
    .trim()
}
