//! Quality's repository: products' quality records, RGESN self-assessments and RGAA audits.
//!
//! Compiled once per backend like `portfolio.rs`.

use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction};
use pilote_domain::quality::Grade;
use pilote_domain::quality::observatory::ObservatoryRow;
use pilote_domain::quality::reference::{CriterionText, Standard};
use pilote_domain::quality::rgaa::Audit;
use pilote_domain::quality::service::{ServiceCheck, ServiceHealth};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Db;
use super::audit;
use super::impact::change;
use crate::{JobLease, Result, StoreError, json};

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

/// Stores probes' checks in one transaction; a check that ran for a job ends the job in the
/// same transaction, and is not stored if the job's lease was lost (another worker has it).
/// Returns, per check, whether it was stored.
pub(crate) async fn record_checks(
    pool: &Pool,
    checks: &[(ServiceCheck, Option<JobLease>)],
    now: &str,
) -> Result<Vec<bool>> {
    let mut tx = pool.begin().await?;
    let mut stored = Vec::with_capacity(checks.len());
    for (check, job) in checks {
        if let Some(lease) = job
            && !super::jobs::finish(&mut tx, lease, now).await?
        {
            stored.push(false);
            continue;
        }
        sqlx::query(
            "INSERT INTO service_checks (product_slug, url, checked_at, up, status, response_ms, reason, ecoindex_score, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(check.product.as_str())
        .bind(&check.url)
        .bind(&check.checked_at)
        .bind(check.up)
        .bind(check.status.map(i32::from))
        .bind(check.response_ms.map(|ms| i64::try_from(ms).unwrap_or(i64::MAX)))
        .bind(&check.reason)
        .bind(check.ecoindex_score.map(i32::from))
        .bind(json::encode(&check.detail))
        .execute(&mut *tx)
        .await?;
        stored.push(true);
    }
    tx.commit().await?;
    Ok(stored)
}

type CheckRow = (
    String,
    String,
    String,
    bool,
    Option<i32>,
    Option<i64>,
    Option<String>,
    Option<i32>,
    String,
);

/// A product's latest checks, newest first.
pub(crate) async fn checks(pool: &Pool, product: &Slug, limit: i64) -> Result<Vec<ServiceCheck>> {
    let rows: Vec<CheckRow> = sqlx::query_as(
        "SELECT product_slug, url, checked_at, up, status, response_ms, reason, ecoindex_score, detail FROM service_checks WHERE product_slug = $1 ORDER BY checked_at DESC, id DESC LIMIT $2",
    )
    .bind(product.as_str())
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(
            |(slug, url, checked_at, up, status, response_ms, reason, score, detail)| {
                let score = score.and_then(|s| u8::try_from(s).ok());
                Ok(ServiceCheck {
                    product: Slug::parse(&slug).map_err(|e| StoreError::Corrupt {
                        what: format!("service check of {slug}"),
                        reason: e.to_string(),
                    })?,
                    detail: json::decode(&detail, || {
                        format!("service check of {slug} at {checked_at}")
                    })?,
                    url,
                    checked_at,
                    up,
                    status: status.and_then(|s| u16::try_from(s).ok()),
                    response_ms: response_ms.and_then(|ms| u64::try_from(ms).ok()),
                    reason,
                    ecoindex_score: score,
                    ecoindex_grade: score.map(Grade::from_score),
                })
            },
        )
        .collect()
}

/// Product, checks, checks up, mean time when up, last check.
type HealthRow = (String, i64, i64, Option<f64>, Option<String>);

/// Each product's service health since `since` (one product's, when given).
pub(crate) async fn health(
    pool: &Pool,
    product: Option<&Slug>,
    since: &str,
) -> Result<Vec<ServiceHealth>> {
    let rows: Vec<HealthRow> = sqlx::query_as(
        "SELECT product_slug, COUNT(*), COUNT(*) FILTER (WHERE up), CAST(AVG(response_ms) FILTER (WHERE up) AS DOUBLE PRECISION), MAX(checked_at) FROM service_checks WHERE checked_at >= $1 AND ($2 IS NULL OR product_slug = $2) GROUP BY product_slug ORDER BY product_slug",
    )
    .bind(since)
    .bind(product.map(Slug::as_str))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(slug, checks, up, mean_ms, last)| {
            Ok(ServiceHealth {
                product: Slug::parse(&slug).map_err(|e| StoreError::Corrupt {
                    what: format!("service checks of {slug}"),
                    reason: e.to_string(),
                })?,
                checks: u64::try_from(checks).unwrap_or(0),
                up: u64::try_from(up).unwrap_or(0),
                mean_ms,
                since: since.to_owned(),
                last_checked_at: last,
            })
        })
        .collect()
}

/// Freezes an observatory edition, in the audit log; [`StoreError::Conflict`] when the
/// edition is already frozen.
pub(crate) async fn freeze_edition(
    pool: &Pool,
    edition: &str,
    rows: &[ObservatoryRow],
    actor: &Actor,
    at: &str,
) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    sqlx::query(
        "INSERT INTO observatory_editions (edition, frozen_at, frozen_by, rows_json) VALUES ($1, $2, $3, $4)",
    )
    .bind(edition)
    .bind(at)
    .bind(actor.to_string())
    .bind(json::encode(&rows))
    .execute(&mut *tx)
    .await?;
    // The log keeps what was frozen in short; the rows themselves stay in their table.
    let summary = serde_json::json!({ "edition": edition, "products": rows.len() });
    let entry = change(
        AuditAction::Create,
        "observatory_edition",
        edition.to_owned(),
        None,
        Some(&summary),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    tx.commit().await?;
    Ok(())
}

/// The frozen editions, latest first: name, when and by whom.
pub(crate) async fn editions(pool: &Pool) -> Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT edition, frozen_at, frozen_by FROM observatory_editions ORDER BY edition DESC",
    )
    .fetch_all(pool)
    .await?)
}

/// One frozen edition's rows; [`StoreError::NotFound`] when it was not frozen.
pub(crate) async fn edition(pool: &Pool, edition: &str) -> Result<Vec<ObservatoryRow>> {
    let text: String =
        sqlx::query_scalar("SELECT rows_json FROM observatory_editions WHERE edition = $1")
            .bind(edition)
            .fetch_optional(pool)
            .await?
            .ok_or(StoreError::NotFound)?;
    json::decode(&text, || format!("observatory edition {edition}"))
}

/// Every product's document of one kind.
pub(crate) async fn all_documents<T: DeserializeOwned>(
    pool: &Pool,
    which: Document,
) -> Result<Vec<(Slug, T)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT product_slug, document FROM {} ORDER BY product_slug",
        which.table()
    ))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|(slug, text)| {
            let what = || format!("{} of {slug}", which.kind());
            let slug = Slug::parse(slug).map_err(|e| StoreError::Corrupt {
                what: what(),
                reason: e.to_string(),
            })?;
            Ok((slug, json::decode(text, what)?))
        })
        .collect()
}

/// Every audit, latest first.
pub(crate) async fn all_audits(pool: &Pool) -> Result<Vec<Audit>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, audit FROM rgaa_audits ORDER BY date DESC, id DESC")
            .fetch_all(pool)
            .await?;
    rows.iter().map(|(id, text)| stored(*id, text)).collect()
}

/// A standard's reference texts, in criterion order.
pub(crate) async fn reference_texts(pool: &Pool, standard: Standard) -> Result<Vec<CriterionText>> {
    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT criterion, topic, title, url FROM reference_criteria WHERE standard = $1",
    )
    .bind(standard.as_str())
    .fetch_all(pool)
    .await?;
    let order = standard.criteria();
    let mut texts: Vec<CriterionText> = rows
        .into_iter()
        .map(|(criterion, topic, title, url)| CriterionText {
            standard,
            criterion,
            topic,
            title,
            url,
        })
        .collect();
    texts.sort_by_key(|t| order.iter().position(|c| *c == t.criterion));
    Ok(texts)
}

/// Replaces a standard's reference texts in one transaction, logging the import in short.
pub(crate) async fn replace_reference_texts(
    pool: &Pool,
    standard: Standard,
    texts: &[CriterionText],
    actor: &Actor,
) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    sqlx::query("DELETE FROM reference_criteria WHERE standard = $1")
        .bind(standard.as_str())
        .execute(&mut *tx)
        .await?;
    for text in texts {
        sqlx::query(
            "INSERT INTO reference_criteria (standard, criterion, topic, title, url) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(standard.as_str())
        .bind(&text.criterion)
        .bind(&text.topic)
        .bind(&text.title)
        .bind(&text.url)
        .execute(&mut *tx)
        .await?;
    }
    let summary = serde_json::json!({ "standard": standard.as_str(), "criteria": texts.len() });
    let entry = change(
        AuditAction::Update,
        "reference_criteria",
        standard.as_str().to_owned(),
        None,
        Some(&summary),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    tx.commit().await?;
    Ok(())
}
