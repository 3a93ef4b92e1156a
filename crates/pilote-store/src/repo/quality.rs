//! Quality's repository: products' quality records and RGAA audits.
//!
//! Compiled once per backend like `portfolio.rs`.

use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction};
use pilote_domain::quality::record::QualityRecord;
use pilote_domain::quality::rgaa::Audit;

use super::Db;
use super::audit;
use super::impact::change;
use crate::{Result, StoreError, json};

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

fn stored(id: i64, text: &str) -> Result<Audit> {
    let mut audit: Audit = json::decode(text, || format!("RGAA audit {id}"))?;
    audit.id = id;
    Ok(audit)
}

/// One audit; [`StoreError::NotFound`] when none has this number.
pub(crate) async fn audit(pool: &Pool, id: i64) -> Result<Audit> {
    let text: String = sqlx::query_scalar("SELECT audit FROM rgaa_audits WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    stored(id, &text)
}

/// A product's audits, latest first.
pub(crate) async fn audits(pool: &Pool, product: &Slug) -> Result<Vec<Audit>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, audit FROM rgaa_audits WHERE product_slug = $1 ORDER BY date DESC, id DESC",
    )
    .bind(product.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter().map(|(id, text)| stored(*id, text)).collect()
}

/// Stores a new audit (`audit.id` 0) or replaces one, logging the change; returns its
/// number.
pub(crate) async fn save_audit(pool: &Pool, audit: &Audit, actor: &Actor, at: &str) -> Result<i64> {
    let mut tx = audit::begin(pool).await?;
    let text = json::encode(audit);
    let (id, before) = if audit.id == 0 {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rgaa_audits (product_slug, date, audit, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(audit.product.as_str())
        .bind(audit.date)
        .bind(&text)
        .bind(actor.to_string())
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        (id, None)
    } else {
        let old: String = sqlx::query_scalar("SELECT audit FROM rgaa_audits WHERE id = $1")
            .bind(audit.id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        sqlx::query(
            "UPDATE rgaa_audits SET date = $2, audit = $3, updated_by = $4, updated_at = $5 WHERE id = $1",
        )
        .bind(audit.id)
        .bind(audit.date)
        .bind(&text)
        .bind(actor.to_string())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        (audit.id, Some(stored(audit.id, &old)?))
    };
    let after = Audit {
        id,
        ..audit.clone()
    };
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    let entry = change(
        action,
        "rgaa_audit",
        id.to_string(),
        before.as_ref(),
        Some(&after),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    tx.commit().await?;
    Ok(id)
}
