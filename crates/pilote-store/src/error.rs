//! The store's one error type.

/// What went wrong while reading or writing the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist.
    #[error("record not found")]
    NotFound,
    /// A record with the same key already exists.
    #[error("a record with this identifier already exists")]
    Conflict,
    /// The write breaks a rule the store keeps; the caller should have checked it first.
    #[error("write refused: {0}")]
    Refused(String),
    /// The URL names no supported backend.
    #[error("unsupported database URL: expected sqlite://... or postgres://...")]
    UnsupportedUrl,
    /// A stored value could not be read back into the domain.
    #[error("stored {what} could not be read: {reason}")]
    Corrupt {
        /// Which value.
        what: String,
        /// Why.
        reason: String,
    },
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict,
            _ => Self::Database(error),
        }
    }
}
