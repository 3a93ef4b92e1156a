//! The application's shared state: the store, the settings and the current read model.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use pilote_store::Store;

use crate::auth::RateLimits;
use crate::limits::Expensive;
use crate::read_model::ReadModel;
use crate::search::SearchFeed;
use crate::{ApiError, Config};

/// Shared by every request; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    config: Config,
    model: RwLock<Arc<ReadModel>>,
    /// Serialises reloads, so that two writers do not load the portfolio twice at once.
    reloading: tokio::sync::Mutex<()>,
    limits: RateLimits,
    search: Arc<SearchFeed>,
    expensive: Expensive,
}

impl AppState {
    /// Loads the read model from the store, and opens the search index (building it when
    /// it is missing or behind the store).
    pub async fn load(store: Store, config: Config) -> Result<Self, ApiError> {
        let model = build(&store).await?;
        let (search, rebuilt) = SearchFeed::open(&store, config.search_index.as_deref()).await?;
        if rebuilt {
            tracing::info!(documents = search.len(), "search index built");
        }
        let expensive = Expensive::new(&config.bounds);
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                config,
                model: RwLock::new(Arc::new(model)),
                reloading: tokio::sync::Mutex::new(()),
                limits: RateLimits::default(),
                search: Arc::new(search),
                expensive,
            }),
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The rate limits of this server.
    pub(crate) fn limits(&self) -> &RateLimits {
        &self.inner.limits
    }

    /// The permits of expensive requests.
    pub(crate) fn expensive(&self) -> &Expensive {
        &self.inner.expensive
    }

    /// The search index.
    pub fn search(&self) -> &Arc<SearchFeed> {
        &self.inner.search
    }

    /// The current read model.
    pub(crate) fn model(&self) -> Arc<ReadModel> {
        // A poisoned lock still holds a complete model: models are replaced, never edited.
        self.inner
            .model
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Rebuilds the read model when the store has moved on.
    pub async fn refresh(&self) -> Result<(), ApiError> {
        self.inner.search.wake();
        let _reloading = self.inner.reloading.lock().await;
        let revision = self.inner.store.revision().await?;
        if revision == self.model().revision {
            return Ok(());
        }
        let model = Arc::new(build(&self.inner.store).await?);
        *self
            .inner
            .model
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = model;
        Ok(())
    }

    /// Follows writes made through other servers, checking the store's revision regularly.
    pub async fn follow_store(self, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(error) = self.refresh().await {
                tracing::warn!(%error, "cannot refresh the read model");
            }
        }
    }
}

impl AppState {
    /// Drops expired sessions and forgotten sign-ins, and the rate limits' idle addresses.
    pub async fn keep_tidy(self, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            self.inner.limits.forget_idle();
            if let Err(error) = crate::auth::purge_expired(self.store()).await {
                tracing::warn!(%error, "cannot purge expired sessions");
            }
        }
    }
}

async fn build(store: &Store) -> Result<ReadModel, ApiError> {
    let revision = store.revision().await?;
    let portfolio = store.load_portfolio().await?;
    let impact = store.load_impact().await?;
    let releases = store.load_releases().await?;
    let recommended = store.recommended_composition().await?;
    Ok(ReadModel::new(revision, portfolio, impact)
        .with_recommended(recommended)
        .with_releases(releases))
}
