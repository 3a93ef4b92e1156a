//! The data catalogue through the [`Store`]: producers, datasets with their resources,
//! APIs, and the datalab's projects.

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::data::{AccessType, Api, DataProject, DataSource, Dataset, Producer};

use crate::{Replaced, Result, Store};

/// What one import of a source brings: its producers, datasets and APIs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataImport {
    /// The source; its datasets and APIs no longer given are removed.
    pub source: DataSource,
    /// Producers to create or complete; an import never removes one, since other sources
    /// may name it.
    pub producers: Vec<Producer>,
    /// The source's datasets, by slug.
    pub datasets: Vec<Dataset>,
    /// The source's APIs, by slug.
    pub apis: Vec<Api>,
}

/// What applying an import changed (or would change, in a dry run).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DataImported {
    /// Producers.
    pub producers: Replaced,
    /// Datasets.
    pub datasets: Replaced,
    /// APIs.
    pub apis: Replaced,
}

/// Filters and page of the dataset list; `None` means no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasetFilters {
    /// Datasets of this producer.
    pub producer: Option<Slug>,
    /// Datasets reached this way.
    pub access: Option<AccessType>,
    /// Datasets with a resource of this format, case ignored.
    pub format: Option<String>,
    /// Datasets under this licence, case ignored.
    pub licence: Option<String>,
    /// Words of the title, description, producer or tags, case and accents ignored.
    pub q: Option<String>,
    /// The order of the list.
    pub sort: DatasetSort,
    /// Page number, from 1.
    pub page: usize,
    /// Datasets per page.
    pub page_size: usize,
}

/// Orders of the dataset list; ties go by title then slug.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DatasetSort {
    /// By title.
    #[default]
    Title,
    /// Last modified first; undated ones last.
    Modified,
    /// Best metadata quality first; unscored ones last.
    Quality,
}

impl DatasetSort {
    /// Every order, the default first.
    pub const ALL: [Self; 3] = [Self::Title, Self::Modified, Self::Quality];

    /// Its name in addresses (`?sort=modified`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Modified => "modified",
            Self::Quality => "quality",
        }
    }

    /// The order named `raw`, if any.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.as_str() == raw)
    }
}

/// The values the dataset list's filters can take, each with how many datasets have it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasetFacets {
    /// Licences, lower case, by name.
    pub licences: Vec<(String, usize)>,
    /// Resource formats, lower case, by name; a dataset counts once per format.
    pub formats: Vec<(String, usize)>,
}

/// One page of datasets, with how many match in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatasetPage {
    /// The page's datasets, by title then slug, with their resources.
    pub datasets: Vec<Dataset>,
    /// Datasets matching the filters.
    pub total: usize,
}

/// A dataset with its producer and the producer's APIs.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetRecord {
    /// The dataset and its resources.
    pub dataset: Dataset,
    /// Who publishes it.
    pub producer: Option<Producer>,
    /// The APIs of the same producer.
    pub apis: Vec<Api>,
}

/// A producer and how much it publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerCounts {
    /// The producer.
    pub producer: Producer,
    /// Its datasets.
    pub datasets: usize,
    /// Its APIs.
    pub apis: usize,
}

/// Filters of the API list; `None` means no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiFilters {
    /// APIs of this producer.
    pub producer: Option<Slug>,
    /// APIs reached this way.
    pub access: Option<AccessType>,
    /// APIs of this theme, case and accents ignored.
    pub theme: Option<String>,
    /// Words of the title or tagline, case and accents ignored.
    pub q: Option<String>,
}

impl Store {
    /// Applies an import in one transaction, writing and logging only what differs: the
    /// producers given are created or replaced, the source's datasets and APIs become
    /// exactly those given. With `dry_run`, counts and writes nothing.
    pub async fn apply_data_import(
        &self,
        import: &DataImport,
        dry_run: bool,
        actor: &Actor,
    ) -> Result<DataImported> {
        dispatch!(self, pool => backend::data::apply(pool, import, dry_run, actor).await)
    }

    /// Every producer, by slug.
    pub async fn data_producers(&self) -> Result<Vec<Producer>> {
        dispatch!(self, pool => backend::data::producers(pool).await)
    }

    /// Every producer with its counts of datasets and APIs, by slug.
    pub async fn data_producer_counts(&self) -> Result<Vec<ProducerCounts>> {
        dispatch!(self, pool => backend::data::producer_counts(pool).await)
    }

    /// One page of the datasets that match `filters`.
    pub async fn list_datasets(&self, filters: &DatasetFilters) -> Result<DatasetPage> {
        dispatch!(self, pool => backend::data::list_datasets(pool, filters).await)
    }

    /// The licences and resource formats of the catalogue, with their counts.
    pub async fn dataset_facets(&self) -> Result<DatasetFacets> {
        dispatch!(self, pool => backend::data::facets(pool).await)
    }

    /// One dataset with its producer and the producer's APIs;
    /// [`crate::StoreError::NotFound`] when unknown.
    pub async fn dataset(&self, slug: &Slug) -> Result<DatasetRecord> {
        dispatch!(self, pool => backend::data::dataset(pool, slug).await)
    }

    /// The APIs that match `filters`, by title then slug.
    pub async fn list_apis(&self, filters: &ApiFilters) -> Result<Vec<Api>> {
        dispatch!(self, pool => backend::data::list_apis(pool, filters).await)
    }

    /// One API; [`crate::StoreError::NotFound`] when unknown.
    pub async fn data_api(&self, slug: &Slug) -> Result<Api> {
        dispatch!(self, pool => backend::data::api(pool, slug).await)
    }

    /// Every data project of the datalab, by slug.
    pub async fn data_projects(&self) -> Result<Vec<DataProject>> {
        dispatch!(self, pool => backend::data::projects(pool).await)
    }

    /// Creates or replaces a data project, logging the change; returns whether it is new.
    /// Nothing is written when it is stored as given.
    pub async fn save_data_project(&self, project: &DataProject, actor: &Actor) -> Result<bool> {
        dispatch!(self, pool => backend::data::save_project(pool, project, actor).await)
    }

    /// Deletes a data project; [`crate::StoreError::NotFound`] when unknown.
    pub async fn delete_data_project(&self, slug: &Slug, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::data::delete_project(pool, slug, actor).await)
    }
}
