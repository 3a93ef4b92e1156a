//! The data catalogue's repository: producers, datasets and their resources, APIs, data
//! projects. Compiled once per backend like `commons.rs`; every write goes to the audit log
//! in the same transaction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction, Change};
use pilote_domain::data::{
    AccessType, Api, DataProject, DataSource, Dataset, Frequency, Producer, ProjectStatus,
    Resource, ResourceType,
};
use pilote_domain::text::fold;
use sqlx::{FromRow, QueryBuilder, Transaction};

use super::Db;
use super::audit;
use super::batch;
use super::commons::{all, corrupt, finish, slug, upsert};
use super::impact::change;
use crate::data::{
    ApiFilters, DataImport, DataImported, DatasetFacets, DatasetFilters, DatasetPage,
    DatasetRecord, DatasetSort, ProducerCounts,
};
use crate::json::{decode, encode};
use crate::{Replaced, Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

const PRODUCER_COLUMNS: &str = "slug, name, acronym, url, source";

const DATASET_COLUMNS: &str = "slug, source_id, title, description, producer_slug, licence, \
    frequency, temporal_start, temporal_end, spatial, tags, access, audiences, quality, created, \
    modified, source, page_url";

const RESOURCE_COLUMNS: &str = "dataset_slug, position, id, title, kind, format, url, size, \
    checksum_type, checksum_value, last_modified, available";

const API_COLUMNS: &str = "slug, title, tagline, producer_slug, access, access_url, \
    documentation_url, rate_limits, monitoring_url, uptime, themes, partners, contact, updated, \
    source";

const PROJECT_COLUMNS: &str = "slug, title, status, description, products, datasets";

fn parsed<T>(
    what: impl Fn() -> String,
    raw: &str,
    parse: fn(&str) -> Result<T, pilote_domain::DomainError>,
) -> Result<T> {
    parse(raw).map_err(|e| corrupt(what(), &e))
}

fn optional_slug(what: impl Fn() -> String, raw: Option<&str>) -> Result<Option<Slug>> {
    raw.map(|raw| slug(&what, raw)).transpose()
}

#[derive(FromRow)]
struct ProducerRow {
    slug: String,
    name: String,
    acronym: Option<String>,
    url: Option<String>,
    source: String,
}

impl TryFrom<ProducerRow> for Producer {
    type Error = StoreError;

    fn try_from(row: ProducerRow) -> Result<Self> {
        let what = || format!("producer {}", row.slug);
        Ok(Self {
            slug: slug(what, &row.slug)?,
            source: parsed(what, &row.source, DataSource::parse)?,
            name: row.name,
            acronym: row.acronym,
            url: row.url,
        })
    }
}

#[derive(FromRow)]
struct DatasetRow {
    slug: String,
    source_id: Option<String>,
    title: String,
    description: String,
    producer_slug: Option<String>,
    licence: Option<String>,
    frequency: String,
    temporal_start: Option<NaiveDate>,
    temporal_end: Option<NaiveDate>,
    spatial: Option<String>,
    tags: String,
    access: String,
    audiences: String,
    quality: Option<f64>,
    created: Option<NaiveDate>,
    modified: Option<NaiveDate>,
    source: String,
    page_url: Option<String>,
}

impl DatasetRow {
    /// The dataset, with `resources` already read.
    fn into_dataset(self, resources: Vec<Resource>) -> Result<Dataset> {
        let what = || format!("dataset {}", self.slug);
        Ok(Dataset {
            slug: slug(what, &self.slug)?,
            producer: optional_slug(what, self.producer_slug.as_deref())?,
            frequency: parsed(what, &self.frequency, Frequency::parse)?,
            access: parsed(what, &self.access, AccessType::parse)?,
            source: parsed(what, &self.source, DataSource::parse)?,
            tags: decode(&self.tags, what)?,
            audiences: decode(&self.audiences, what)?,
            source_id: self.source_id,
            title: self.title,
            description: self.description,
            licence: self.licence,
            temporal_start: self.temporal_start,
            temporal_end: self.temporal_end,
            spatial: self.spatial,
            quality: self.quality,
            created: self.created,
            modified: self.modified,
            page_url: self.page_url,
            resources,
        })
    }
}

#[derive(FromRow)]
struct ResourceRow {
    dataset_slug: String,
    id: Option<String>,
    title: String,
    kind: String,
    format: Option<String>,
    url: String,
    size: Option<i64>,
    checksum_type: Option<String>,
    checksum_value: Option<String>,
    last_modified: Option<String>,
    available: Option<bool>,
}

impl TryFrom<ResourceRow> for Resource {
    type Error = StoreError;

    fn try_from(row: ResourceRow) -> Result<Self> {
        let what = || format!("resource of {}", row.dataset_slug);
        Ok(Self {
            kind: parsed(what, &row.kind, ResourceType::parse)?,
            id: row.id,
            title: row.title,
            format: row.format,
            url: row.url,
            size: row.size,
            checksum_type: row.checksum_type,
            checksum_value: row.checksum_value,
            last_modified: row.last_modified,
            available: row.available,
        })
    }
}

#[derive(FromRow)]
struct ApiRow {
    slug: String,
    title: String,
    tagline: String,
    producer_slug: Option<String>,
    access: String,
    access_url: Option<String>,
    documentation_url: Option<String>,
    rate_limits: Option<String>,
    monitoring_url: Option<String>,
    uptime: Option<f64>,
    themes: String,
    partners: String,
    contact: Option<String>,
    updated: Option<NaiveDate>,
    source: String,
}

impl TryFrom<ApiRow> for Api {
    type Error = StoreError;

    fn try_from(row: ApiRow) -> Result<Self> {
        let what = || format!("api {}", row.slug);
        Ok(Self {
            slug: slug(what, &row.slug)?,
            producer: optional_slug(what, row.producer_slug.as_deref())?,
            access: parsed(what, &row.access, AccessType::parse)?,
            source: parsed(what, &row.source, DataSource::parse)?,
            themes: decode(&row.themes, what)?,
            partners: decode(&row.partners, what)?,
            title: row.title,
            tagline: row.tagline,
            access_url: row.access_url,
            documentation_url: row.documentation_url,
            rate_limits: row.rate_limits,
            monitoring_url: row.monitoring_url,
            uptime: row.uptime,
            contact: row.contact,
            updated: row.updated,
        })
    }
}

#[derive(FromRow)]
struct ProjectRow {
    slug: String,
    title: String,
    status: String,
    description: String,
    products: String,
    datasets: String,
}

impl TryFrom<ProjectRow> for DataProject {
    type Error = StoreError;

    fn try_from(row: ProjectRow) -> Result<Self> {
        let what = || format!("data project {}", row.slug);
        Ok(Self {
            slug: slug(what, &row.slug)?,
            status: parsed(what, &row.status, ProjectStatus::parse)?,
            products: decode(&row.products, what)?,
            datasets: decode(&row.datasets, what)?,
            title: row.title,
            description: row.description,
        })
    }
}

async fn producers_in(conn: &mut Conn) -> Result<Vec<Producer>> {
    all(sqlx::query_as::<_, ProducerRow>(&format!(
        "SELECT {PRODUCER_COLUMNS} FROM data_producers ORDER BY slug"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// The datasets of `rows` with their resources, in the rows' order.
async fn with_resources(conn: &mut Conn, rows: Vec<DatasetRow>) -> Result<Vec<Dataset>> {
    let slugs: Vec<&str> = rows.iter().map(|row| row.slug.as_str()).collect();
    let resources: Vec<ResourceRow> = batch::fetch(
        conn,
        &format!("SELECT {RESOURCE_COLUMNS} FROM dataset_resources"),
        Some(("dataset_slug", &slugs)),
        "dataset_slug, position",
    )
    .await?;
    let mut by_dataset: BTreeMap<String, Vec<Resource>> = BTreeMap::new();
    for row in resources {
        by_dataset
            .entry(row.dataset_slug.clone())
            .or_default()
            .push(row.try_into()?);
    }
    rows.into_iter()
        .map(|row| {
            let resources = by_dataset.remove(&row.slug).unwrap_or_default();
            row.into_dataset(resources)
        })
        .collect()
}

async fn datasets_in(conn: &mut Conn) -> Result<Vec<Dataset>> {
    let rows = sqlx::query_as::<_, DatasetRow>(&format!(
        "SELECT {DATASET_COLUMNS} FROM datasets ORDER BY slug"
    ))
    .fetch_all(&mut *conn)
    .await?;
    with_resources(conn, rows).await
}

async fn apis_in(conn: &mut Conn) -> Result<Vec<Api>> {
    all(sqlx::query_as::<_, ApiRow>(&format!(
        "SELECT {API_COLUMNS} FROM data_apis ORDER BY slug"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

async fn save_producer(tx: &mut Tx<'_>, producer: &Producer) -> Result<()> {
    sqlx::query(&upsert("data_producers", PRODUCER_COLUMNS))
        .bind(producer.slug.as_str())
        .bind(&producer.name)
        .bind(producer.acronym.as_deref())
        .bind(producer.url.as_deref())
        .bind(producer.source.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The folded text the list's `q` searches: title, description, producer's name, tags.
fn search_text(dataset: &Dataset, producer_name: Option<&str>) -> String {
    fold(&format!(
        "{} {} {} {}",
        dataset.title,
        dataset.description,
        producer_name.unwrap_or_default(),
        dataset.tags.join(" ")
    ))
}

async fn save_dataset(tx: &mut Tx<'_>, dataset: &Dataset, search: &str) -> Result<()> {
    let columns = format!("{DATASET_COLUMNS}, search");
    sqlx::query(&upsert("datasets", &columns))
        .bind(dataset.slug.as_str())
        .bind(dataset.source_id.as_deref())
        .bind(&dataset.title)
        .bind(&dataset.description)
        .bind(dataset.producer.as_ref().map(Slug::as_str))
        .bind(dataset.licence.as_deref())
        .bind(dataset.frequency.as_str())
        .bind(dataset.temporal_start)
        .bind(dataset.temporal_end)
        .bind(dataset.spatial.as_deref())
        .bind(encode(&dataset.tags))
        .bind(dataset.access.as_str())
        .bind(encode(&dataset.audiences))
        .bind(dataset.quality)
        .bind(dataset.created)
        .bind(dataset.modified)
        .bind(dataset.source.as_str())
        .bind(dataset.page_url.as_deref())
        .bind(search)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM dataset_resources WHERE dataset_slug = $1")
        .bind(dataset.slug.as_str())
        .execute(&mut **tx)
        .await?;
    let positioned: Vec<(i64, &Resource)> = (0_i64..).zip(&dataset.resources).collect();
    batch::insert(
        tx,
        &format!("INSERT INTO dataset_resources ({RESOURCE_COLUMNS}) "),
        12,
        &positioned,
        |row, (position, resource)| {
            row.push_bind(dataset.slug.as_str())
                .push_bind(*position)
                .push_bind(resource.id.as_deref())
                .push_bind(&resource.title)
                .push_bind(resource.kind.as_str())
                .push_bind(resource.format.as_deref())
                .push_bind(&resource.url)
                .push_bind(resource.size)
                .push_bind(resource.checksum_type.as_deref())
                .push_bind(resource.checksum_value.as_deref())
                .push_bind(resource.last_modified.as_deref())
                .push_bind(resource.available);
        },
    )
    .await
}

async fn save_api(tx: &mut Tx<'_>, api: &Api) -> Result<()> {
    sqlx::query(&upsert("data_apis", API_COLUMNS))
        .bind(api.slug.as_str())
        .bind(&api.title)
        .bind(&api.tagline)
        .bind(api.producer.as_ref().map(Slug::as_str))
        .bind(api.access.as_str())
        .bind(api.access_url.as_deref())
        .bind(api.documentation_url.as_deref())
        .bind(api.rate_limits.as_deref())
        .bind(api.monitoring_url.as_deref())
        .bind(api.uptime)
        .bind(encode(&api.themes))
        .bind(encode(&api.partners))
        .bind(api.contact.as_deref())
        .bind(api.updated)
        .bind(api.source.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn delete_by_slug(tx: &mut Tx<'_>, table: &str, slug: &Slug) -> Result<()> {
    sqlx::query(&format!("DELETE FROM {table} WHERE slug = $1"))
        .bind(slug.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The audit entry of one planned step, keyed by slug.
fn entry<T: serde::Serialize>(
    kind: &str,
    key: fn(&T) -> &Slug,
    old: Option<&T>,
    new: Option<&T>,
) -> Result<Option<Change>> {
    let action = match (old, new) {
        (Some(_), Some(_)) => AuditAction::Update,
        (None, Some(_)) => AuditAction::Create,
        (Some(_), None) => AuditAction::Delete,
        (None, None) => return Ok(None),
    };
    let id = new.or(old).map(|r| key(r).to_string()).unwrap_or_default();
    change(action, kind, id, old, new).map(Some)
}

/// The stored records an import of `source` replaces: the source's own, and those of
/// other sources that it now describes.
fn replaced_by<T: Clone>(
    stored: Vec<T>,
    new: &[T],
    source: DataSource,
    key: fn(&T) -> &Slug,
    source_of: fn(&T) -> DataSource,
) -> Vec<T> {
    let given: BTreeSet<&Slug> = new.iter().map(key).collect();
    stored
        .into_iter()
        .filter(|r| source_of(r) == source || given.contains(key(r)))
        .collect()
}

pub(crate) async fn apply(
    pool: &Pool,
    import: &DataImport,
    dry_run: bool,
    actor: &Actor,
) -> Result<DataImported> {
    let mut tx = audit::begin(pool).await?;
    let mut entries = Vec::new();

    // Producers are only created or completed: other sources may name them.
    let given: BTreeSet<&Slug> = import.producers.iter().map(|p| &p.slug).collect();
    let all_producers = producers_in(&mut tx).await?;
    let stored: Vec<Producer> = all_producers
        .iter()
        .filter(|p| given.contains(&p.slug))
        .cloned()
        .collect();
    let (steps, producers) = Replaced::plan(
        &stored,
        &import.producers,
        |p| p.slug.clone(),
        PartialEq::eq,
    );
    let mut names: BTreeMap<Slug, String> = all_producers
        .into_iter()
        .map(|p| (p.slug, p.name))
        .collect();
    for (old, new) in steps {
        if let (false, Some(new)) = (dry_run, new) {
            save_producer(&mut tx, new).await?;
            names.insert(new.slug.clone(), new.name.clone());
        }
        entries.extend(entry("data_producer", |p: &Producer| &p.slug, old, new)?);
    }

    let stored = replaced_by(
        datasets_in(&mut tx).await?,
        &import.datasets,
        import.source,
        |d| &d.slug,
        |d| d.source,
    );
    let (steps, datasets) =
        Replaced::plan(&stored, &import.datasets, |d| d.slug.clone(), PartialEq::eq);
    for (old, new) in steps {
        if !dry_run {
            match (old, new) {
                (_, Some(new)) => {
                    let producer = new.producer.as_ref().and_then(|p| names.get(p));
                    save_dataset(
                        &mut tx,
                        new,
                        &search_text(new, producer.map(String::as_str)),
                    )
                    .await?;
                }
                (Some(old), None) => delete_by_slug(&mut tx, "datasets", &old.slug).await?,
                (None, None) => {}
            }
        }
        entries.extend(entry("dataset", |d: &Dataset| &d.slug, old, new)?);
    }

    let stored = replaced_by(
        apis_in(&mut tx).await?,
        &import.apis,
        import.source,
        |a| &a.slug,
        |a| a.source,
    );
    let (steps, apis) = Replaced::plan(&stored, &import.apis, |a| a.slug.clone(), PartialEq::eq);
    for (old, new) in steps {
        if !dry_run {
            match (old, new) {
                (_, Some(new)) => save_api(&mut tx, new).await?,
                (Some(old), None) => delete_by_slug(&mut tx, "data_apis", &old.slug).await?,
                (None, None) => {}
            }
        }
        entries.extend(entry("data_api", |a: &Api| &a.slug, old, new)?);
    }

    let imported = DataImported {
        producers,
        datasets,
        apis,
    };
    if !dry_run {
        finish(tx, actor, &entries).await?;
    }
    Ok(imported)
}

pub(crate) async fn producers(pool: &Pool) -> Result<Vec<Producer>> {
    let mut conn = pool.acquire().await?;
    producers_in(&mut conn).await
}

#[derive(FromRow)]
struct CountsRow {
    #[sqlx(flatten)]
    producer: ProducerRow,
    datasets: i64,
    apis: i64,
}

pub(crate) async fn producer_counts(pool: &Pool) -> Result<Vec<ProducerCounts>> {
    let rows = sqlx::query_as::<_, CountsRow>(&format!(
        "SELECT {}, \
         (SELECT COUNT(*) FROM datasets d WHERE d.producer_slug = p.slug) AS datasets, \
         (SELECT COUNT(*) FROM data_apis a WHERE a.producer_slug = p.slug) AS apis \
         FROM data_producers p ORDER BY p.slug",
        PRODUCER_COLUMNS
            .replace(", ", ", p.")
            .replacen("slug", "p.slug", 1)
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(ProducerCounts {
                producer: row.producer.try_into()?,
                datasets: usize::try_from(row.datasets).unwrap_or_default(),
                apis: usize::try_from(row.apis).unwrap_or_default(),
            })
        })
        .collect()
}

/// `LIKE` pattern of a folded word, its wildcards escaped.
fn contains(word: &str) -> String {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Appends the filters' conditions to a statement that ends with `FROM datasets d`.
fn push_filters<'a>(builder: &mut QueryBuilder<'a, Db>, filters: &'a DatasetFilters) {
    builder.push(" WHERE 1 = 1");
    if let Some(producer) = &filters.producer {
        builder
            .push(" AND d.producer_slug = ")
            .push_bind(producer.as_str());
    }
    if let Some(access) = filters.access {
        builder.push(" AND d.access = ").push_bind(access.as_str());
    }
    if let Some(licence) = &filters.licence {
        builder
            .push(" AND LOWER(d.licence) = ")
            .push_bind(licence.to_lowercase());
    }
    if let Some(format) = &filters.format {
        builder
            .push(
                " AND EXISTS (SELECT 1 FROM dataset_resources r WHERE r.dataset_slug = d.slug \
                 AND LOWER(r.format) = ",
            )
            .push_bind(format.to_lowercase())
            .push(")");
    }
    for word in filters
        .q
        .as_deref()
        .map(fold)
        .unwrap_or_default()
        .split(' ')
    {
        if !word.is_empty() {
            builder
                .push(" AND d.search LIKE ")
                .push_bind(contains(word))
                .push(" ESCAPE '\\'");
        }
    }
}

pub(crate) async fn list_datasets(pool: &Pool, filters: &DatasetFilters) -> Result<DatasetPage> {
    let mut conn = pool.acquire().await?;
    let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM datasets d");
    push_filters(&mut count, filters);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut select = QueryBuilder::<Db>::new(format!(
        "SELECT d.{} FROM datasets d",
        DATASET_COLUMNS.replace(", ", ", d.")
    ));
    push_filters(&mut select, filters);
    let page_size = i64::try_from(filters.page_size).unwrap_or(i64::MAX);
    let offset =
        i64::try_from(filters.page.saturating_sub(1) * filters.page_size).unwrap_or(i64::MAX);
    // `IS NULL` first puts the undated and unscored last on both backends.
    select.push(match filters.sort {
        DatasetSort::Title => " ORDER BY d.title, d.slug",
        DatasetSort::Modified => " ORDER BY d.modified IS NULL, d.modified DESC, d.title, d.slug",
        DatasetSort::Quality => " ORDER BY d.quality IS NULL, d.quality DESC, d.title, d.slug",
    });
    select
        .push(" LIMIT ")
        .push_bind(page_size)
        .push(" OFFSET ")
        .push_bind(offset);
    let rows: Vec<DatasetRow> = select.build_query_as().fetch_all(&mut *conn).await?;
    Ok(DatasetPage {
        datasets: with_resources(&mut conn, rows).await?,
        total: usize::try_from(total).unwrap_or_default(),
    })
}

/// Counts of `(value, count)` rows.
fn counted(rows: Vec<(String, i64)>) -> Vec<(String, usize)> {
    rows.into_iter()
        .map(|(value, count)| (value, usize::try_from(count).unwrap_or_default()))
        .collect()
}

pub(crate) async fn facets(pool: &Pool) -> Result<DatasetFacets> {
    let mut conn = pool.acquire().await?;
    let licences: Vec<(String, i64)> = sqlx::query_as(
        "SELECT LOWER(licence) AS value, COUNT(*) FROM datasets WHERE licence IS NOT NULL \
         AND licence <> '' GROUP BY LOWER(licence) ORDER BY value",
    )
    .fetch_all(&mut *conn)
    .await?;
    let formats: Vec<(String, i64)> = sqlx::query_as(
        "SELECT LOWER(format) AS value, COUNT(DISTINCT dataset_slug) FROM dataset_resources \
         WHERE format IS NOT NULL AND format <> '' GROUP BY LOWER(format) ORDER BY value",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(DatasetFacets {
        licences: counted(licences),
        formats: counted(formats),
    })
}

pub(crate) async fn dataset(pool: &Pool, slug: &Slug) -> Result<DatasetRecord> {
    let mut conn = pool.acquire().await?;
    let row = sqlx::query_as::<_, DatasetRow>(&format!(
        "SELECT {DATASET_COLUMNS} FROM datasets WHERE slug = $1"
    ))
    .bind(slug.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let dataset = with_resources(&mut conn, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)?;
    let Some(producer) = &dataset.producer else {
        return Ok(DatasetRecord {
            dataset,
            producer: None,
            apis: Vec::new(),
        });
    };
    let producer = sqlx::query_as::<_, ProducerRow>(&format!(
        "SELECT {PRODUCER_COLUMNS} FROM data_producers WHERE slug = $1"
    ))
    .bind(producer.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .map(Producer::try_from)
    .transpose()?;
    let apis = match &producer {
        Some(producer) => all(sqlx::query_as::<_, ApiRow>(&format!(
            "SELECT {API_COLUMNS} FROM data_apis WHERE producer_slug = $1 ORDER BY slug"
        ))
        .bind(producer.slug.as_str())
        .fetch_all(&mut *conn)
        .await?)?,
        None => Vec::new(),
    };
    Ok(DatasetRecord {
        dataset,
        producer,
        apis,
    })
}

pub(crate) async fn list_apis(pool: &Pool, filters: &ApiFilters) -> Result<Vec<Api>> {
    let mut conn = pool.acquire().await?;
    // The catalogue holds a few hundred APIs: filtered here, with the domain's folding.
    let theme = filters.theme.as_deref().map(fold);
    let words = filters.q.as_deref().map(fold).unwrap_or_default();
    let mut apis: Vec<Api> = apis_in(&mut conn)
        .await?
        .into_iter()
        .filter(|api| {
            let text = fold(&format!("{} {}", api.title, api.tagline));
            filters
                .producer
                .as_ref()
                .is_none_or(|p| api.producer.as_ref() == Some(p))
                && filters.access.is_none_or(|a| api.access == a)
                && theme
                    .as_deref()
                    .is_none_or(|t| api.themes.iter().any(|own| fold(own) == t))
                && words.split(' ').all(|word| text.contains(word))
        })
        .collect();
    apis.sort_by_cached_key(|api| (fold(&api.title), api.slug.clone()));
    Ok(apis)
}

pub(crate) async fn api(pool: &Pool, slug: &Slug) -> Result<Api> {
    sqlx::query_as::<_, ApiRow>(&format!(
        "SELECT {API_COLUMNS} FROM data_apis WHERE slug = $1"
    ))
    .bind(slug.as_str())
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

async fn project_in(conn: &mut Conn, slug: &Slug) -> Result<Option<DataProject>> {
    sqlx::query_as::<_, ProjectRow>(&format!(
        "SELECT {PROJECT_COLUMNS} FROM data_projects WHERE slug = $1"
    ))
    .bind(slug.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .map(DataProject::try_from)
    .transpose()
}

pub(crate) async fn projects(pool: &Pool) -> Result<Vec<DataProject>> {
    all(sqlx::query_as::<_, ProjectRow>(&format!(
        "SELECT {PROJECT_COLUMNS} FROM data_projects ORDER BY slug"
    ))
    .fetch_all(pool)
    .await?)
}

pub(crate) async fn save_project(
    pool: &Pool,
    project: &DataProject,
    actor: &Actor,
) -> Result<bool> {
    let mut tx = audit::begin(pool).await?;
    let old = project_in(&mut tx, &project.slug).await?;
    if old.as_ref() == Some(project) {
        return Ok(false);
    }
    sqlx::query(&upsert("data_projects", PROJECT_COLUMNS))
        .bind(project.slug.as_str())
        .bind(&project.title)
        .bind(project.status.as_str())
        .bind(&project.description)
        .bind(encode(&project.products))
        .bind(encode(&project.datasets))
        .execute(&mut *tx)
        .await?;
    let entries: Vec<Change> = entry(
        "data_project",
        |p: &DataProject| &p.slug,
        old.as_ref(),
        Some(project),
    )?
    .into_iter()
    .collect();
    finish(tx, actor, &entries).await?;
    Ok(old.is_none())
}

pub(crate) async fn delete_project(pool: &Pool, slug: &Slug, actor: &Actor) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let old = project_in(&mut tx, slug)
        .await?
        .ok_or(StoreError::NotFound)?;
    delete_by_slug(&mut tx, "data_projects", slug).await?;
    let entries: Vec<Change> = entry("data_project", |p: &DataProject| &p.slug, Some(&old), None)?
        .into_iter()
        .collect();
    finish(tx, actor, &entries).await
}
