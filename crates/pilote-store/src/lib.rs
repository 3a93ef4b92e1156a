//! Pilote's persistence: SQLite (the embedded default) and PostgreSQL (production).
//!
//! [`Store`] is the one handle the outer layers hold; it is chosen from the URL scheme.
//! Each backend is a module with its own migrations; the repository code in `repo/` is
//! written once against sqlx and compiled for each backend, so both run the same SQL
//! and the same tests. This crate knows nothing of HTTP or file formats.

#![allow(
    clippy::duplicate_mod,
    reason = "repo/ is compiled once per backend on purpose"
)]

mod error;
mod json;
mod postgres;
mod sqlite;

use std::fmt;

pub use error::StoreError;
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::portfolio::{Member, Portfolio, Product};

/// Shorthand for the store's results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The default database: a SQLite file beside the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://pilote.db";

/// A connection pool to one backend.
#[derive(Clone)]
pub enum Store {
    /// An embedded SQLite file.
    Sqlite(sqlx::SqlitePool),
    /// A PostgreSQL server.
    Postgres(sqlx::PgPool),
}

impl fmt::Debug for Store {
    // The URL may hold a password: show only the backend.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.backend_name())
    }
}

/// Runs the same body against whichever backend the store holds; inside, `backend` names
/// the backend module and `$pool` its pool.
macro_rules! dispatch {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            Store::Sqlite($pool) => {
                use crate::sqlite as backend;
                $body
            }
            Store::Postgres($pool) => {
                use crate::postgres as backend;
                $body
            }
        }
    };
}

mod access;
pub use access::{AuthorisationsOf, Swept};
mod audit;
pub mod backup;
pub use audit::{AuditPage, AuditVerification, ChangedKinds, Erasure};

mod committee;
mod commons;
mod data;
mod delivery;
mod eig;
mod identity;
mod impact;
mod jobs;
mod notification;
mod quality;
mod recruitment;
mod release;
mod stats;
mod support;
mod training;
pub use commons::{Catalogue, DeclaredBy, Replaced, Step};
pub use data::{
    ApiFilters, DataImport, DataImported, DatasetFacets, DatasetFilters, DatasetPage,
    DatasetRecord, DatasetSort, ProducerCounts,
};
pub use eig::EigImported;
pub use identity::{DemoAccount, NewSession, NewToken, SessionRecord, SignInAttempt, timestamp};
pub use impact::ImpactRecords;
pub use jobs::{Job, JobLease, QueueDepth};
pub use notification::{Attempt, OutboxEmail, PendingDelivery};
pub use recruitment::{Consequences, OfferFilters};
pub use stats::{ImporterTotals, KindQueue, RecordCounts};

/// Records to write together, in one transaction; each replaces any record of the same slug.
#[derive(Debug, Default, Clone)]
pub struct PortfolioChanges {
    /// Organisations to create or replace.
    pub organisations: Vec<pilote_domain::portfolio::Organisation>,
    /// Incubators to create or replace.
    pub incubators: Vec<pilote_domain::portfolio::Incubator>,
    /// Teams to create or replace.
    pub teams: Vec<pilote_domain::portfolio::Team>,
    /// Products to create or replace.
    pub products: Vec<Product>,
    /// Members to create or replace.
    pub members: Vec<Member>,
    /// When set, the FAST budget lines become exactly these.
    pub fast_budget: Option<Vec<pilote_domain::impact::BudgetLine>>,
    /// When set, the imported committee decisions (one per product and day) become
    /// exactly these.
    pub imported_decisions: Option<Vec<pilote_domain::delivery::Decision>>,
}

impl PortfolioChanges {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.organisations.is_empty()
            && self.incubators.is_empty()
            && self.teams.is_empty()
            && self.products.is_empty()
            && self.members.is_empty()
            && self.fast_budget.is_none()
            && self.imported_decisions.is_none()
    }
}

/// How a single record is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteMode {
    /// The slug must be new.
    Create,
    /// The slug must exist.
    Update,
    /// Either.
    Replace,
}

impl Store {
    /// Connects to the database of `url` (`sqlite://...` or `postgres://...`), creating a
    /// SQLite file when missing, and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(postgres::connect(url).await?))
        } else if url.starts_with("sqlite:") {
            Ok(Self::Sqlite(sqlite::connect(url).await?))
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    /// Applies pending migrations; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize> {
        dispatch!(self, pool => backend::migrate(pool).await)
    }

    /// The backend's name, for logs.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// A number that grows with every write, so that readers know when to reload.
    pub async fn revision(&self) -> Result<i64> {
        dispatch!(self, pool => backend::portfolio::revision(pool).await)
    }

    /// Loads the whole portfolio, each list sorted by slug.
    pub async fn load_portfolio(&self) -> Result<Portfolio> {
        dispatch!(self, pool => backend::portfolio::load(pool).await)
    }

    /// Writes every record of `changes` in one transaction, logging each record that
    /// differs from the stored one as done by `actor`.
    pub async fn apply(&self, changes: &PortfolioChanges, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::portfolio::apply(pool, changes, actor).await)
    }

    /// Creates a product; [`StoreError::Conflict`] when its slug is taken.
    pub async fn create_product(&self, product: &Product, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::portfolio::write_product(pool, product, WriteMode::Create, actor).await)
    }

    /// Replaces a product; [`StoreError::NotFound`] when it does not exist.
    pub async fn update_product(&self, product: &Product, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::portfolio::write_product(pool, product, WriteMode::Update, actor).await)
    }

    /// Deletes a product; [`StoreError::NotFound`] when it does not exist.
    pub async fn delete_product(&self, slug: &Slug, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::portfolio::delete_product(pool, slug, actor).await)
    }

    /// Creates a member; [`StoreError::Conflict`] when its slug is taken.
    pub async fn create_member(&self, member: &Member, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::portfolio::write_member(pool, member, WriteMode::Create, actor).await)
    }

    /// Replaces a member; [`StoreError::NotFound`] when it does not exist.
    pub async fn update_member(&self, member: &Member, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::portfolio::write_member(pool, member, WriteMode::Update, actor).await)
    }

    /// Deletes a member; [`StoreError::NotFound`] when it does not exist.
    pub async fn delete_member(&self, slug: &Slug, actor: &Actor) -> Result<()> {
        dispatch!(self, pool => backend::portfolio::delete_member(pool, slug, actor).await)
    }

    /// Closes every connection, waiting for running queries.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}
