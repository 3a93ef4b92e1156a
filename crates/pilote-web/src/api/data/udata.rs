//! `GET /api/1/datasets/` and `GET /api/1/datasets/{slug}/`: the catalogue in the shape of
//! the national portal's udata v1 API, for the fields Pilote holds, so that the portal's
//! clients can read it as they read data.gouv.fr.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::data::{Dataset, Producer};
use serde::Serialize;
use utoipa::ToSchema;

use super::datasets_list::{DatasetQuery, filters};
use crate::api::extract::Query;
use crate::api::{Paging, path_slug};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// An organisation as udata names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UdataOrganization {
    /// Its identifier.
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Its acronym.
    pub acronym: Option<String>,
}

/// A checksum as udata gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UdataChecksum {
    /// `sha1`, `md5`, `sha256`…
    #[serde(rename = "type")]
    pub kind: String,
    /// The digest.
    pub value: String,
}

/// A resource as udata gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UdataResource {
    /// Its identifier at the source, or its place in the dataset.
    pub id: String,
    /// Its title.
    pub title: String,
    /// `main`, `documentation`, `api`…
    #[serde(rename = "type")]
    pub kind: String,
    /// Its format, lower case.
    pub format: Option<String>,
    /// Its address; `null` when the dataset is restricted and the reader is not entitled
    /// to its details.
    pub url: Option<String>,
    /// Its size in bytes.
    pub filesize: Option<i64>,
    /// Its checksum.
    pub checksum: Option<UdataChecksum>,
    /// When it last changed.
    pub last_modified: Option<String>,
}

/// The temporal coverage as udata gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UdataTemporalCoverage {
    /// First day.
    pub start: Option<String>,
    /// Last day.
    pub end: Option<String>,
}

/// A dataset in udata v1's shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct UdataDataset {
    /// Its identifier at its source, or its slug.
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its description (Markdown).
    pub description: String,
    /// Who publishes it.
    pub organization: Option<UdataOrganization>,
    /// Its licence.
    pub license: Option<String>,
    /// udata's frequency code.
    pub frequency: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its files and links.
    pub resources: Vec<UdataResource>,
    /// The period it covers.
    pub temporal_coverage: Option<UdataTemporalCoverage>,
    /// The area it covers, as text.
    pub spatial: Option<String>,
    /// When it was created.
    pub created_at: Option<String>,
    /// When it last changed.
    pub last_modified: Option<String>,
    /// Its page at its source.
    pub page: Option<String>,
    /// Pilote's own: `open`, `account` or `restricted`.
    pub access: String,
}

/// A page of datasets in udata v1's shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct UdataPage {
    /// The datasets.
    pub data: Vec<UdataDataset>,
    /// This page, from 1.
    pub page: usize,
    /// Datasets per page.
    pub page_size: usize,
    /// Datasets in all.
    pub total: usize,
    /// The next page's address, if any.
    pub next_page: Option<String>,
    /// The previous page's address, if any.
    pub previous_page: Option<String>,
}

fn udata(dataset: Dataset, producer: Option<&Producer>) -> UdataDataset {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    UdataDataset {
        id: dataset
            .source_id
            .clone()
            .unwrap_or_else(|| dataset.slug.to_string()),
        slug: dataset.slug.to_string(),
        organization: producer.map(|p| UdataOrganization {
            id: p.slug.to_string(),
            slug: p.slug.to_string(),
            name: p.name.clone(),
            acronym: p.acronym.clone(),
        }),
        license: dataset.licence,
        frequency: dataset.frequency.as_str().to_owned(),
        tags: dataset.tags,
        resources: dataset
            .resources
            .into_iter()
            .enumerate()
            .map(|(index, r)| UdataResource {
                id: r.id.unwrap_or_else(|| (index + 1).to_string()),
                title: r.title,
                kind: r.kind.as_str().to_owned(),
                format: r.format,
                url: (!r.url.is_empty()).then_some(r.url),
                filesize: r.size,
                checksum: r
                    .checksum_type
                    .zip(r.checksum_value)
                    .map(|(kind, value)| UdataChecksum { kind, value }),
                last_modified: r.last_modified,
            })
            .collect(),
        temporal_coverage: (dataset.temporal_start.is_some() || dataset.temporal_end.is_some())
            .then(|| UdataTemporalCoverage {
                start: day(dataset.temporal_start),
                end: day(dataset.temporal_end),
            }),
        spatial: dataset.spatial,
        created_at: day(dataset.created),
        last_modified: day(dataset.modified),
        page: dataset.page_url,
        access: dataset.access.as_str().to_owned(),
        title: dataset.title,
        description: dataset.description,
    }
}

/// The datasets in the national portal's udata v1 shape, with the dataset list's filters.
#[utoipa::path(
    get,
    path = "/api/1/datasets/",
    tag = "data",
    params(DatasetQuery, Paging),
    responses(
        (status = 200, description = "Les jeux de données, à la manière de data.gouv.fr", body = UdataPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<DatasetQuery>,
    Query(paging): Query<Paging>,
) -> Result<Json<UdataPage>, ApiError> {
    let (page, page_size) = paging.checked()?;
    let mut found = state
        .store()
        .list_datasets(&filters(&query, page, page_size)?)
        .await?;
    super::redact_for(&state, caller.principal(), &mut found.datasets).await?;
    let producers = super::producers_by_slug(&state).await?;
    let link = |number: usize| format!("/api/1/datasets/?page={number}&page_size={page_size}");
    Ok(Json(UdataPage {
        next_page: (page * page_size < found.total).then(|| link(page + 1)),
        previous_page: (page > 1).then(|| link(page - 1)),
        data: found
            .datasets
            .into_iter()
            .map(|d| {
                let producer = d.producer.as_ref().and_then(|p| producers.get(p.as_str()));
                udata(d, producer)
            })
            .collect(),
        page,
        page_size,
        total: found.total,
    }))
}

/// One dataset in the national portal's udata v1 shape.
#[utoipa::path(
    get,
    path = "/api/1/datasets/{slug}/",
    tag = "data",
    params(("slug" = String, Path, description = "L'identifiant du jeu de données")),
    responses(
        (status = 200, description = "Le jeu de données, à la manière de data.gouv.fr", body = UdataDataset),
        (status = 404, description = "Jeu de données inconnu", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<UdataDataset>, ApiError> {
    let mut record = state.store().dataset(&path_slug(&slug)?).await?;
    super::redact_for(
        &state,
        caller.principal(),
        std::slice::from_mut(&mut record.dataset),
    )
    .await?;
    Ok(Json(udata(record.dataset, record.producer.as_ref())))
}
