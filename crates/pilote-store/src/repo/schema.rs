//! Migrations of one backend, written once for both.

use super::{Db, MIGRATOR};
use crate::Result;

/// Applies the migrations not yet recorded; returns how many ran.
pub(crate) async fn migrate(pool: &sqlx::Pool<Db>) -> Result<usize> {
    let before = applied(pool).await;
    MIGRATOR.run(pool).await?;
    Ok(applied(pool).await.saturating_sub(before))
}

async fn applied(pool: &sqlx::Pool<Db>) -> usize {
    // Before the first migration the bookkeeping table does not exist: none applied.
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .map_or(0, |n| usize::try_from(n).unwrap_or(0))
}
