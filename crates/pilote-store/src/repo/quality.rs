//! Quality's repository: products' quality records.
//!
//! Compiled once per backend like `portfolio.rs`.

use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction};
use pilote_domain::quality::record::QualityRecord;

use super::Db;
use super::audit;
use super::impact::change;
use crate::{Result, json};

type Pool = sqlx::Pool<Db>;

/// A product's record and when it was last written; `None` when none is.
pub(crate) async fn record(pool: &Pool, product: &Slug) -> Result<Option<(QualityRecord, String)>> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT record, updated_at FROM quality_records WHERE product_slug = $1")
            .bind(product.as_str())
            .fetch_optional(pool)
            .await?;
    row.map(|(record, at)| {
        Ok((
            json::decode(&record, || format!("quality record of {product}"))?,
            at,
        ))
    })
    .transpose()
}

/// Writes a product's record, logging what it was and what it is.
pub(crate) async fn save(
    pool: &Pool,
    product: &Slug,
    record: &QualityRecord,
    actor: &Actor,
    at: &str,
) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before: Option<QualityRecord> = sqlx::query_scalar::<_, String>(
        "SELECT record FROM quality_records WHERE product_slug = $1",
    )
    .bind(product.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .map(|text| json::decode(&text, || format!("quality record of {product}")))
    .transpose()?;
    if before.as_ref() == Some(record) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO quality_records (product_slug, record, updated_by, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (product_slug) DO UPDATE SET record = excluded.record, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(product.as_str())
    .bind(json::encode(record))
    .bind(actor.to_string())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    let entry = change(
        action,
        "quality_record",
        product.to_string(),
        before.as_ref(),
        Some(record),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    tx.commit().await?;
    Ok(())
}
