//! The data catalogue in the formats the open-data ecosystem reads: DCAT-AP in Turtle and
//! in JSON-LD, and its datasets as CSV and JSON, each with the filters of the dataset list
//! (`producer`, `access`, `format`, `licence`, `q`).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{GraphNameRef, Literal, NamedNode, Term, Triple};
use pilote_domain::data::{AccessType, Dataset, Producer};

use super::PageError;
use super::download::Table;
use crate::api::data::datasets_list::{DatasetQuery, filters};
use crate::api::data::{producers_by_slug, redact_for};
use crate::api::extract::Query;
use crate::{ApiError, AppState};

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
/// The European vocabulary of access rights that DCAT-AP asks for.
const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";

/// More datasets than any catalogue holds: a download is the whole filtered list.
const ALL: usize = 10_000_000;

/// The catalogue's datasets that match the query, with their producers by slug. A download
/// is anonymous: restricted datasets come without their resources' addresses.
async fn catalogue(
    state: &AppState,
    query: &DatasetQuery,
) -> Result<(Vec<Dataset>, HashMap<String, Producer>), PageError> {
    let mut found = state
        .store()
        .list_datasets(&filters(query, 1, ALL)?)
        .await
        .map_err(ApiError::from)?;
    redact_for(state, None, &mut found.datasets).await?;
    Ok((found.datasets, producers_by_slug(state).await?))
}

fn term(vocabulary: &str, name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{vocabulary}{name}"))
}

/// An address as an IRI, when it is one (some sources give addresses with spaces).
fn iri(address: &str) -> Option<NamedNode> {
    let address = address.trim();
    (address.starts_with("http://") || address.starts_with("https://"))
        .then(|| NamedNode::new(address).ok())
        .flatten()
}

fn text(value: &str) -> Term {
    Literal::new_simple_literal(value).into()
}

const fn access_right(access: AccessType) -> &'static str {
    match access {
        AccessType::Open => "PUBLIC",
        AccessType::Account => "RESTRICTED",
        AccessType::Restricted => "NON_PUBLIC",
    }
}

/// The catalogue as DCAT-AP triples: one `dcat:Catalog`, a `dcat:Dataset` per dataset with
/// its publisher (`foaf:Agent`) and a `dcat:Distribution` per resource.
fn triples(base: &str, datasets: &[Dataset], producers: &HashMap<String, Producer>) -> Vec<Triple> {
    let mut out = Vec::new();
    let mut add = |s: &NamedNode, p: NamedNode, o: Term| out.push(Triple::new(s.clone(), p, o));
    let catalog = NamedNode::new_unchecked(format!("{base}/donnees/catalogue"));
    add(&catalog, rdf::TYPE.into(), term(DCAT, "Catalog").into());
    add(
        &catalog,
        term(DCT, "title"),
        text("Catalogue des données de Pilote"),
    );
    let mut publishers = Vec::new();
    for dataset in datasets {
        let node = NamedNode::new_unchecked(format!("{base}/api/v1/datasets/{}", dataset.slug));
        add(&catalog, term(DCAT, "dataset"), node.clone().into());
        add(&node, rdf::TYPE.into(), term(DCAT, "Dataset").into());
        add(&node, term(DCT, "identifier"), text(dataset.slug.as_str()));
        add(&node, term(DCT, "title"), text(&dataset.title));
        if !dataset.description.trim().is_empty() {
            add(&node, term(DCT, "description"), text(&dataset.description));
        }
        for tag in &dataset.tags {
            add(&node, term(DCAT, "keyword"), text(tag));
        }
        add(
            &node,
            term(DCT, "accessRights"),
            term(ACCESS_RIGHT, access_right(dataset.access)).into(),
        );
        add(
            &node,
            term(DCT, "accrualPeriodicity"),
            text(dataset.frequency.as_str()),
        );
        if let Some(licence) = &dataset.licence {
            let object = iri(licence).map_or_else(|| text(licence), Term::from);
            add(&node, term(DCT, "license"), object);
        }
        for (property, day) in [("issued", dataset.created), ("modified", dataset.modified)] {
            if let Some(day) = day {
                add(
                    &node,
                    term(DCT, property),
                    Literal::new_typed_literal(day.to_string(), xsd::DATE).into(),
                );
            }
        }
        if let Some(page) = dataset.page_url.as_deref().and_then(iri) {
            add(&node, term(DCAT, "landingPage"), page.into());
        }
        if let Some(producer) = &dataset.producer {
            let agent =
                NamedNode::new_unchecked(format!("{base}/api/v1/data-producers#{producer}"));
            add(&node, term(DCT, "publisher"), agent.clone().into());
            if !publishers.contains(&agent) {
                add(&agent, rdf::TYPE.into(), term(FOAF, "Agent").into());
                let name = producers
                    .get(producer.as_str())
                    .map_or(producer.as_str(), |p| p.name.as_str());
                add(&agent, term(FOAF, "name"), text(name));
                publishers.push(agent);
            }
        }
        for (index, resource) in dataset.resources.iter().enumerate() {
            let distribution =
                NamedNode::new_unchecked(format!("{}/ressources/{}", node.as_str(), index + 1));
            add(
                &node,
                term(DCAT, "distribution"),
                distribution.clone().into(),
            );
            add(
                &distribution,
                rdf::TYPE.into(),
                term(DCAT, "Distribution").into(),
            );
            add(&distribution, term(DCT, "title"), text(&resource.title));
            if let Some(url) = iri(&resource.url) {
                add(&distribution, term(DCAT, "accessURL"), url.into());
            }
            if let Some(format) = &resource.format {
                add(&distribution, term(DCT, "format"), text(format));
            }
            if let Some(size) = resource.size {
                add(
                    &distribution,
                    term(DCAT, "byteSize"),
                    Literal::new_typed_literal(size.to_string(), xsd::NON_NEGATIVE_INTEGER).into(),
                );
            }
        }
    }
    out
}

fn rdf_file(bytes: Vec<u8>, media_type: &str, extension: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, format!("{media_type}; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"catalogue.{extension}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn io_error(error: &std::io::Error) -> PageError {
    ApiError::Internal(error.to_string()).into()
}

/// The catalogue's graph for the query, its addresses under the server's public address.
async fn graph(state: &AppState, query: &DatasetQuery) -> Result<Vec<Triple>, PageError> {
    let (datasets, producers) = catalogue(state, query).await?;
    let base = state.config().public_url.trim_end_matches('/').to_owned();
    Ok(triples(&base, &datasets, &producers))
}

const PREFIXES: [(&str, &str); 3] = [("dcat", DCAT), ("dct", DCT), ("foaf", FOAF)];

/// `GET /donnees/catalogue.ttl`: the catalogue in DCAT-AP, Turtle.
pub async fn turtle(
    State(state): State<AppState>,
    Query(query): Query<DatasetQuery>,
) -> Result<Response, PageError> {
    let graph = graph(&state, &query).await?;
    let mut writer = oxttl::TurtleSerializer::new();
    for (prefix, namespace) in PREFIXES {
        writer = writer
            .with_prefix(prefix, namespace)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    let mut writer = writer.for_writer(Vec::new());
    for triple in &graph {
        writer.serialize_triple(triple).map_err(|e| io_error(&e))?;
    }
    Ok(rdf_file(
        writer.finish().map_err(|e| io_error(&e))?,
        "text/turtle",
        "ttl",
    ))
}

/// `GET /donnees/catalogue.jsonld`: the catalogue in DCAT-AP, JSON-LD.
pub async fn json_ld(
    State(state): State<AppState>,
    Query(query): Query<DatasetQuery>,
) -> Result<Response, PageError> {
    let graph = graph(&state, &query).await?;
    let mut writer = oxjsonld::JsonLdSerializer::new();
    for (prefix, namespace) in PREFIXES {
        writer = writer
            .with_prefix(prefix, namespace)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    let mut writer = writer.for_writer(Vec::new());
    for triple in &graph {
        writer
            .serialize_quad(triple.as_ref().in_graph(GraphNameRef::DefaultGraph))
            .map_err(|e| io_error(&e))?;
    }
    Ok(rdf_file(
        writer.finish().map_err(|e| io_error(&e))?,
        "application/ld+json",
        "jsonld",
    ))
}

const COLUMNS: &[&str] = &[
    "slug",
    "title",
    "producer",
    "producer_name",
    "access",
    "licence",
    "frequency",
    "temporal_start",
    "temporal_end",
    "spatial",
    "tags",
    "quality",
    "created",
    "modified",
    "resources",
    "formats",
    "source",
    "page_url",
];

async fn table(state: &AppState, query: &DatasetQuery) -> Result<Table, PageError> {
    let (datasets, producers) = catalogue(state, query).await?;
    let optional = |value: Option<String>| value.unwrap_or_default();
    let rows = datasets
        .into_iter()
        .map(|d| {
            let producer = d.producer.as_ref().map(ToString::to_string);
            let producer_name = producer
                .as_ref()
                .and_then(|slug| producers.get(slug))
                .map(|p| p.name.clone());
            let mut formats: Vec<String> = d
                .resources
                .iter()
                .filter_map(|r| r.format.clone())
                .collect();
            formats.sort();
            formats.dedup();
            vec![
                d.slug.to_string(),
                d.title,
                optional(producer),
                optional(producer_name),
                d.access.as_str().to_owned(),
                optional(d.licence),
                d.frequency.as_str().to_owned(),
                optional(d.temporal_start.map(|v| v.to_string())),
                optional(d.temporal_end.map(|v| v.to_string())),
                optional(d.spatial),
                d.tags.join(", "),
                optional(d.quality.map(|v| v.to_string())),
                optional(d.created.map(|v| v.to_string())),
                optional(d.modified.map(|v| v.to_string())),
                d.resources.len().to_string(),
                formats.join(", "),
                d.source.as_str().to_owned(),
                optional(d.page_url),
            ]
        })
        .collect();
    Ok(Table {
        name: "jeux-de-donnees",
        columns: COLUMNS,
        rows,
    })
}

/// `GET /donnees/jeux-de-donnees.csv`.
pub async fn csv(
    State(state): State<AppState>,
    Query(query): Query<DatasetQuery>,
) -> Result<Response, PageError> {
    table(&state, &query).await?.csv()
}

/// `GET /donnees/jeux-de-donnees.json`.
pub async fn json(
    State(state): State<AppState>,
    Query(query): Query<DatasetQuery>,
) -> Result<Response, PageError> {
    Ok(table(&state, &query).await?.json())
}
