//! Quality's repository: products' quality records, RGESN self-assessments and RGAA audits.
//!
//! Compiled once per backend like `portfolio.rs`.

use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction};
use pilote_domain::quality::rgaa::Audit;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Db;
use super::audit;
use super::impact::change;
use crate::{Result, StoreError, json};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = sqlx::Transaction<'c, Db>;

/// Logs a record written whole: created when there was none before, updated otherwise.
async fn log_written<T: serde::Serialize>(
    tx: &mut Tx<'_>,
    actor: &Actor,
    kind: &str,
    id: String,
    before: Option<&T>,
    after: &T,
) -> Result<()> {
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    let entry = change(action, kind, id, before, Some(after))?;
    audit::append(tx, actor, &[entry]).await
}

/// A product's document kept whole: which table, and what the log calls it.
#[derive(Clone, Copy)]
pub(crate) enum Document {
    /// The quality record.
    Record,
    /// The RGESN self-assessment.
    Rgesn,
}

impl Document {
    const fn table(self) -> &'static str {
        match self {
            Self::Record => "quality_records",
            Self::Rgesn => "rgesn_assessments",
        }
    }

    const fn kind(self) -> &'static str {
        match self {
            Self::Record => "quality_record",
            Self::Rgesn => "rgesn_assessment",
        }
    }
}

/// A product's document and when it was last written; `None` when none is.
pub(crate) async fn document<T: DeserializeOwned>(
    pool: &Pool,
    which: Document,
    product: &Slug,
) -> Result<Option<(T, String)>> {
    let row: Option<(String, String)> = sqlx::query_as(&format!(
        "SELECT document, updated_at FROM {} WHERE product_slug = $1",
        which.table()
    ))
    .bind(product.as_str())
    .fetch_optional(pool)
    .await?;
    row.map(|(text, at)| {
        Ok((
            json::decode(&text, || format!("{} of {product}", which.kind()))?,
            at,
        ))
    })
    .transpose()
}

/// Writes a product's document, logging what it was and what it is; the same document
/// again writes nothing.
pub(crate) async fn save_document<T: Serialize + DeserializeOwned + PartialEq>(
    pool: &Pool,
    which: Document,
    product: &Slug,
    value: &T,
    actor: &Actor,
    at: &str,
) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before: Option<T> = sqlx::query_scalar::<_, String>(&format!(
        "SELECT document FROM {} WHERE product_slug = $1",
        which.table()
    ))
    .bind(product.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .map(|text| json::decode(&text, || format!("{} of {product}", which.kind())))
    .transpose()?;
    if before.as_ref() == Some(value) {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {} (product_slug, document, updated_by, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (product_slug) DO UPDATE SET document = excluded.document, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        which.table()
    ))
    .bind(product.as_str())
    .bind(json::encode(value))
    .bind(actor.to_string())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    log_written(
        &mut tx,
        actor,
        which.kind(),
        product.to_string(),
        before.as_ref(),
        value,
    )
    .await?;
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
    log_written(
        &mut tx,
        actor,
        "rgaa_audit",
        id.to_string(),
        before.as_ref(),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
