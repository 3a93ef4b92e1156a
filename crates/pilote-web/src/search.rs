//! This server's search index, built from the store and kept fresh from its change feed
//! (the audit log, which every write appends to in its own transaction).
//!
//! Each server keeps its own index: in memory by default, or in a directory of its own
//! (`--search-index`), reused on start when it is at the store's position and rebuilt
//! otherwise. The documents last written are kept, so that a change of one source rewrites
//! only the documents that differ.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use pilote_search::{Change, Document, Kind, Query, Results, SearchError, SearchIndex};
use pilote_store::{DatasetFilters, Store};
use tokio::sync::{Mutex, Notify};

use crate::ApiError;

/// Where documents come from: each is reloaded whole when the change feed names one of
/// its record kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Source {
    Portfolio,
    Commons,
    Data,
    Talent,
}

impl Source {
    const ALL: [Source; 4] = [
        Source::Portfolio,
        Source::Commons,
        Source::Data,
        Source::Talent,
    ];

    /// The source of the records of an audit entry's kind, if they are indexed.
    fn of(entity_kind: &str) -> Option<Source> {
        match entity_kind {
            "organisation" | "incubator" | "team" | "product" | "member" => Some(Source::Portfolio),
            "software" => Some(Source::Commons),
            "dataset" | "data_api" | "data_producer" => Some(Source::Data),
            "eig_challenge" | "eig_promotion" | "eig_skill" | "eig_person" | "job_offer" => {
                Some(Source::Talent)
            }
            _ => None,
        }
    }

    async fn documents(self, store: &Store) -> Result<Documents, ApiError> {
        let documents = match self {
            Source::Portfolio => {
                pilote_search::portfolio::documents(&store.load_portfolio().await?)
            }
            Source::Commons => {
                pilote_search::commons::documents(&store.load_catalogue().await?.software)
            }
            Source::Data => {
                let every = DatasetFilters {
                    page: 1,
                    page_size: usize::MAX,
                    ..DatasetFilters::default()
                };
                let datasets = store.list_datasets(&every).await?.datasets;
                let apis = store
                    .list_apis(&pilote_store::ApiFilters::default())
                    .await?;
                let mut documents = pilote_search::data::dataset_documents(&datasets);
                documents.extend(pilote_search::data::api_documents(&apis));
                documents
            }
            Source::Talent => {
                let published = pilote_store::OfferFilters {
                    published_only: true,
                    ..pilote_store::OfferFilters::default()
                };
                let mut documents =
                    pilote_search::talent::challenge_documents(&store.eig_programme().await?);
                documents.extend(pilote_search::talent::job_offer_documents(
                    &store.job_offers(&published).await?,
                ));
                documents
            }
        };
        Ok(documents
            .into_iter()
            .map(|document| ((document.kind, document.slug.clone()), document))
            .collect())
    }
}

type Documents = HashMap<(Kind, String), Document>;

/// What the index holds: the change feed's position it is at, and its documents by source.
#[derive(Default)]
struct Written {
    position: i64,
    sources: HashMap<Source, Documents>,
}

/// The index and what keeps it fresh.
pub struct SearchFeed {
    index: Arc<SearchIndex>,
    written: Mutex<Written>,
    wake: Notify,
}

impl std::fmt::Debug for SearchFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchFeed")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl SearchFeed {
    /// Opens the index (in `directory`, or in memory) and builds it from the store unless
    /// it is already at the store's position. Returns the feed and whether it rebuilt.
    pub async fn open(store: &Store, directory: Option<&Path>) -> Result<(Self, bool), ApiError> {
        let index = match directory {
            Some(directory) => SearchIndex::open(directory)?,
            None => SearchIndex::in_ram()?,
        };
        // The position is read before the records, so that a write made meanwhile is
        // read again by the next catch-up rather than missed.
        let position = store.audit_position().await?;
        let mut written = Written {
            position,
            sources: HashMap::new(),
        };
        for source in Source::ALL {
            written
                .sources
                .insert(source, source.documents(store).await?);
        }
        let stale = index.position() != Some(position.to_string());
        let index = Arc::new(index);
        if stale {
            let documents: Vec<Document> = written
                .sources
                .values()
                .flat_map(|documents| documents.values().cloned())
                .collect();
            let index = Arc::clone(&index);
            blocking(move || index.rebuild(documents, &position.to_string())).await?;
        }
        let feed = SearchFeed {
            index,
            written: Mutex::new(written),
            wake: Notify::new(),
        };
        Ok((feed, stale))
    }

    /// Builds the index in `directory` again from the store, whatever it holds; returns
    /// how many documents it holds.
    pub async fn rebuild(store: &Store, directory: &Path) -> Result<u64, ApiError> {
        let index = SearchIndex::open(directory)?;
        // Forgetting the position makes `open` rebuild.
        blocking(move || index.rebuild(Vec::new(), "")).await?;
        let (feed, _) = SearchFeed::open(store, Some(directory)).await?;
        Ok(feed.len())
    }

    /// How many documents the index holds.
    pub fn len(&self) -> u64 {
        self.index.num_docs()
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs a search.
    pub async fn search(&self, query: Query) -> Result<Results, ApiError> {
        let index = Arc::clone(&self.index);
        blocking(move || index.search(&query)).await
    }

    /// Applies what was written to the store since the index's position.
    pub async fn catch_up(&self, store: &Store) -> Result<(), ApiError> {
        let mut written = self.written.lock().await;
        let feed = store.audit_changes_since(written.position).await?;
        if feed.last == written.position {
            return Ok(());
        }
        let sources: BTreeSet<Source> = feed
            .kinds
            .iter()
            .filter_map(|kind| Source::of(kind))
            .collect();
        let mut reloaded = Vec::new();
        let mut changes = Vec::new();
        for source in sources {
            let documents = source.documents(store).await?;
            if let Some(before) = written.sources.get(&source) {
                changes.extend(differences(before, &documents));
            }
            reloaded.push((source, documents));
        }
        let position = feed.last;
        let index = Arc::clone(&self.index);
        blocking(move || index.apply(changes, &position.to_string())).await?;
        written.position = position;
        written.sources.extend(reloaded);
        Ok(())
    }

    /// Asks the follower to catch up now rather than at its next tick.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Catches up at every tick, or sooner when woken.
    pub async fn follow(self: Arc<Self>, store: Store, every: Duration) {
        loop {
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                () = self.wake.notified() => {}
            }
            if let Err(error) = self.catch_up(&store).await {
                tracing::warn!(%error, "cannot bring the search index up to date");
            }
        }
    }
}

/// The changes that turn `before` into `after`.
fn differences(before: &Documents, after: &Documents) -> Vec<Change> {
    let upserts = after
        .iter()
        .filter(|(key, document)| before.get(*key) != Some(*document))
        .map(|(_, document)| Change::Upsert(document.clone()));
    let deletes = before
        .keys()
        .filter(|key| !after.contains_key(*key))
        .map(|(kind, slug)| Change::Delete {
            kind: *kind,
            slug: slug.clone(),
        });
    upserts.chain(deletes).collect()
}

/// Runs index work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?
        .map_err(ApiError::from)
}
