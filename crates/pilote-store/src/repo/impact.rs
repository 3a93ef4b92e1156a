//! Impact's repository: indicators, their measurements, and products' budget lines.
//!
//! Compiled once per backend like `portfolio.rs`; every write goes to the audit log in the
//! same transaction.

use chrono::NaiveDate;
use pilote_domain::audit::{Actor, AuditAction, Change};
use pilote_domain::impact::{
    Baseline, BudgetLine, BudgetSource, Category, Direction, Goal, Indicator, Measurement, Method,
    Unit,
};
use pilote_domain::{Money, Slug};
use sqlx::{FromRow, Transaction};

use super::Db;
use super::audit;
use crate::impact::ImpactRecords;
use crate::{Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

fn corrupt(what: &str, reason: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

const INDICATOR_COLUMNS: &str = "id, product_slug, name, category, unit, direction, baseline_value, baseline_date, baseline_source, target_value, target_date, methodology, public";

#[derive(FromRow)]
struct IndicatorRow {
    id: i64,
    product_slug: String,
    name: String,
    category: String,
    unit: String,
    direction: String,
    baseline_value: Option<f64>,
    baseline_date: Option<NaiveDate>,
    baseline_source: Option<String>,
    target_value: Option<f64>,
    target_date: Option<NaiveDate>,
    methodology: String,
    public: bool,
}

impl TryFrom<IndicatorRow> for Indicator {
    type Error = StoreError;

    fn try_from(row: IndicatorRow) -> Result<Self> {
        let baseline = match (row.baseline_value, row.baseline_date) {
            (Some(value), Some(date)) => Some(Baseline {
                value,
                date,
                source: row.baseline_source.unwrap_or_default(),
            }),
            _ => None,
        };
        let target = match (row.target_value, row.target_date) {
            (Some(value), Some(date)) => Some(Goal { value, date }),
            _ => None,
        };
        Ok(Self {
            id: row.id,
            product: Slug::parse(&row.product_slug)
                .map_err(|e| corrupt("indicator product", &e))?,
            name: row.name,
            category: Category::parse(&row.category)
                .map_err(|e| corrupt("indicator category", &e))?,
            unit: Unit::parse(&row.unit).map_err(|e| corrupt("indicator unit", &e))?,
            direction: Direction::parse(&row.direction)
                .map_err(|e| corrupt("indicator direction", &e))?,
            baseline,
            target,
            methodology: row.methodology,
            public: row.public,
        })
    }
}

const MEASUREMENT_COLUMNS: &str = "id, indicator_id, period_start, period_end, value, method, evidence_url, comment, recorded_by, recorded_at";

#[derive(FromRow)]
struct MeasurementRow {
    id: i64,
    indicator_id: i64,
    period_start: NaiveDate,
    period_end: NaiveDate,
    value: f64,
    method: String,
    evidence_url: Option<String>,
    comment: String,
    recorded_by: String,
    recorded_at: String,
}

impl TryFrom<MeasurementRow> for Measurement {
    type Error = StoreError;

    fn try_from(row: MeasurementRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            indicator: row.indicator_id,
            period_start: row.period_start,
            period_end: row.period_end,
            value: row.value,
            method: Method::parse(&row.method).map_err(|e| corrupt("measurement method", &e))?,
            evidence_url: row.evidence_url,
            comment: row.comment,
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
        })
    }
}

#[derive(FromRow)]
struct BudgetRow {
    product_slug: String,
    year: i32,
    source: String,
    amount_cents: i64,
    comment: String,
}

impl TryFrom<BudgetRow> for BudgetLine {
    type Error = StoreError;

    fn try_from(row: BudgetRow) -> Result<Self> {
        Ok(Self {
            product: Slug::parse(&row.product_slug).map_err(|e| corrupt("budget product", &e))?,
            year: row.year,
            amount: Money::from_cents(row.amount_cents),
            source: BudgetSource::parse(&row.source).map_err(|e| corrupt("budget source", &e))?,
            comment: row.comment,
        })
    }
}

fn rows_into<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

/// Every indicator, measurement and budget line, for the read model.
pub(crate) async fn load(pool: &Pool) -> Result<ImpactRecords> {
    let mut conn = pool.acquire().await?;
    let indicators = sqlx::query_as::<_, IndicatorRow>(&format!(
        "SELECT {INDICATOR_COLUMNS} FROM impact_indicators ORDER BY product_slug, id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let measurements = sqlx::query_as::<_, MeasurementRow>(&format!(
        "SELECT {MEASUREMENT_COLUMNS} FROM impact_measurements ORDER BY indicator_id, period_end, id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let budget = sqlx::query_as::<_, BudgetRow>(
        "SELECT product_slug, year, source, amount_cents, comment FROM budget_lines ORDER BY product_slug, year, source",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(ImpactRecords {
        indicators: rows_into(indicators)?,
        measurements: rows_into(measurements)?,
        budget_lines: rows_into(budget)?,
    })
}

async fn indicator_in(conn: &mut Conn, id: i64) -> Result<Indicator> {
    sqlx::query_as::<_, IndicatorRow>(&format!(
        "SELECT {INDICATOR_COLUMNS} FROM impact_indicators WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

async fn measurement_in(conn: &mut Conn, id: i64) -> Result<Measurement> {
    sqlx::query_as::<_, MeasurementRow>(&format!(
        "SELECT {MEASUREMENT_COLUMNS} FROM impact_measurements WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

pub(crate) fn change<T: serde::Serialize>(
    action: AuditAction,
    kind: &str,
    id: String,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<Change> {
    let json = |record: Option<&T>| {
        record
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| corrupt(kind, &e))
    };
    Ok(Change {
        action,
        entity_kind: kind.to_owned(),
        entity_id: id,
        subject: None,
        before: json(before)?,
        after: json(after)?,
    })
}

/// Binds an indicator's columns after `product_slug`, in [`INDICATOR_COLUMNS`] order.
fn bind_indicator<'q>(
    query: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>,
    indicator: &'q Indicator,
) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>> {
    query
        .bind(indicator.product.as_str())
        .bind(&indicator.name)
        .bind(indicator.category.as_str())
        .bind(indicator.unit.as_str())
        .bind(indicator.direction.as_str())
        .bind(indicator.baseline.as_ref().map(|b| b.value))
        .bind(indicator.baseline.as_ref().map(|b| b.date))
        .bind(indicator.baseline.as_ref().map(|b| b.source.as_str()))
        .bind(indicator.target.as_ref().map(|t| t.value))
        .bind(indicator.target.as_ref().map(|t| t.date))
        .bind(&indicator.methodology)
        .bind(indicator.public)
}

pub(crate) async fn create_indicator(
    pool: &Pool,
    indicator: &Indicator,
    actor: &Actor,
) -> Result<Indicator> {
    let mut tx = audit::begin(pool).await?;
    let row = bind_indicator(
        sqlx::query(
            "INSERT INTO impact_indicators (product_slug, name, category, unit, direction, baseline_value, baseline_date, baseline_source, target_value, target_date, methodology, public) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        ),
        indicator,
    )
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = sqlx::Row::try_get(&row, 0)?;
    let created = indicator_in(&mut tx, id).await?;
    let entry = change(
        AuditAction::Create,
        "indicator",
        id.to_string(),
        None,
        Some(&created),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(created)
}

pub(crate) async fn update_indicator(
    pool: &Pool,
    indicator: &Indicator,
    actor: &Actor,
) -> Result<Indicator> {
    let mut tx = audit::begin(pool).await?;
    let before = indicator_in(&mut tx, indicator.id).await?;
    bind_indicator(
        sqlx::query(
            "UPDATE impact_indicators SET product_slug = $1, name = $2, category = $3, unit = $4, direction = $5, baseline_value = $6, baseline_date = $7, baseline_source = $8, target_value = $9, target_date = $10, methodology = $11, public = $12 WHERE id = $13",
        ),
        indicator,
    )
    .bind(indicator.id)
    .execute(&mut *tx)
    .await?;
    let after = indicator_in(&mut tx, indicator.id).await?;
    if after != before {
        let entry = change(
            AuditAction::Update,
            "indicator",
            after.id.to_string(),
            Some(&before),
            Some(&after),
        )?;
        audit::append(&mut tx, actor, &[entry]).await?;
    }
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes an indicator with its measurements (each logged).
pub(crate) async fn delete_indicator(pool: &Pool, id: i64, actor: &Actor) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before = indicator_in(&mut tx, id).await?;
    let measurements: Vec<Measurement> = rows_into(
        sqlx::query_as::<_, MeasurementRow>(&format!(
            "SELECT {MEASUREMENT_COLUMNS} FROM impact_measurements WHERE indicator_id = $1 ORDER BY id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?,
    )?;
    sqlx::query("DELETE FROM impact_indicators WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let mut entries = measurements
        .iter()
        .map(|m| {
            change(
                AuditAction::Delete,
                "measurement",
                m.id.to_string(),
                Some(m),
                None,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    entries.push(change(
        AuditAction::Delete,
        "indicator",
        id.to_string(),
        Some(&before),
        None,
    )?);
    audit::append(&mut tx, actor, &entries).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn create_measurement(
    pool: &Pool,
    measurement: &Measurement,
    actor: &Actor,
) -> Result<Measurement> {
    let mut tx = audit::begin(pool).await?;
    indicator_in(&mut tx, measurement.indicator).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO impact_measurements (indicator_id, period_start, period_end, value, method, evidence_url, comment, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(measurement.indicator)
    .bind(measurement.period_start)
    .bind(measurement.period_end)
    .bind(measurement.value)
    .bind(measurement.method.as_str())
    .bind(&measurement.evidence_url)
    .bind(&measurement.comment)
    .bind(&measurement.recorded_by)
    .bind(&measurement.recorded_at)
    .fetch_one(&mut *tx)
    .await?;
    let created = measurement_in(&mut tx, id).await?;
    let entry = change(
        AuditAction::Create,
        "measurement",
        id.to_string(),
        None,
        Some(&created),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(created)
}

pub(crate) async fn update_measurement(
    pool: &Pool,
    measurement: &Measurement,
    actor: &Actor,
) -> Result<Measurement> {
    let mut tx = audit::begin(pool).await?;
    let before = measurement_in(&mut tx, measurement.id).await?;
    if before.indicator != measurement.indicator {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "UPDATE impact_measurements SET period_start = $1, period_end = $2, value = $3, method = $4, evidence_url = $5, comment = $6, recorded_by = $7, recorded_at = $8 WHERE id = $9",
    )
    .bind(measurement.period_start)
    .bind(measurement.period_end)
    .bind(measurement.value)
    .bind(measurement.method.as_str())
    .bind(&measurement.evidence_url)
    .bind(&measurement.comment)
    .bind(&measurement.recorded_by)
    .bind(&measurement.recorded_at)
    .bind(measurement.id)
    .execute(&mut *tx)
    .await?;
    let after = measurement_in(&mut tx, measurement.id).await?;
    if after != before {
        let entry = change(
            AuditAction::Update,
            "measurement",
            after.id.to_string(),
            Some(&before),
            Some(&after),
        )?;
        audit::append(&mut tx, actor, &[entry]).await?;
    }
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn delete_measurement(pool: &Pool, id: i64, actor: &Actor) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before = measurement_in(&mut tx, id).await?;
    sqlx::query("DELETE FROM impact_measurements WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let entry = change(
        AuditAction::Delete,
        "measurement",
        id.to_string(),
        Some(&before),
        None,
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the budget lines of a source (`fast` on import) by `lines`; lines that do not
/// change are left alone and not logged. Returns how many lines changed.
pub(crate) async fn replace_budget_lines(
    pool: &Pool,
    source: BudgetSource,
    lines: &[BudgetLine],
    actor: &Actor,
) -> Result<usize> {
    let mut tx = audit::begin(pool).await?;
    let entries = replace_budget_lines_in(&mut tx, source, lines).await?;
    let changed = entries.len();
    if changed > 0 {
        audit::append(&mut tx, actor, &entries).await?;
    }
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(changed)
}

/// The same, inside the caller's transaction; returns the log entries to append.
pub(crate) async fn replace_budget_lines_in(
    tx: &mut Tx<'_>,
    source: BudgetSource,
    lines: &[BudgetLine],
) -> Result<Vec<Change>> {
    let existing: Vec<BudgetLine> = rows_into(
        sqlx::query_as::<_, BudgetRow>(
            "SELECT product_slug, year, source, amount_cents, comment FROM budget_lines WHERE source = $1",
        )
        .bind(source.as_str())
        .fetch_all(&mut **tx)
        .await?,
    )?;
    write_budget_changes(tx, &existing, lines).await
}

/// Makes one product's budget lines of every source but FAST exactly `lines` (FAST lines
/// belong to the import), in one transaction; lines that do not change are left alone and
/// not logged. Returns how many lines changed.
pub(crate) async fn replace_product_budget(
    pool: &Pool,
    product: &Slug,
    lines: &[BudgetLine],
    actor: &Actor,
) -> Result<usize> {
    if let Some(line) = lines
        .iter()
        .find(|line| line.product != *product || line.source == BudgetSource::Fast)
    {
        return Err(StoreError::Refused(format!(
            "budget line {}/{}/{} is not a non-FAST line of {product}",
            line.product,
            line.year,
            line.source.as_str()
        )));
    }
    let mut tx = audit::begin(pool).await?;
    let known: Option<String> = sqlx::query_scalar("SELECT slug FROM products WHERE slug = $1")
        .bind(product.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if known.is_none() {
        return Err(StoreError::NotFound);
    }
    let existing: Vec<BudgetLine> = rows_into(
        sqlx::query_as::<_, BudgetRow>(
            "SELECT product_slug, year, source, amount_cents, comment FROM budget_lines WHERE product_slug = $1 AND source <> $2",
        )
        .bind(product.as_str())
        .bind(BudgetSource::Fast.as_str())
        .fetch_all(&mut *tx)
        .await?,
    )?;
    let entries = write_budget_changes(&mut tx, &existing, lines).await?;
    let changed = entries.len();
    audit::append(&mut tx, actor, &entries).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(changed)
}

/// Turns the `existing` lines into `lines`: deletes, inserts and replaces only what differs,
/// and returns the log entries to append.
async fn write_budget_changes(
    tx: &mut Tx<'_>,
    existing: &[BudgetLine],
    lines: &[BudgetLine],
) -> Result<Vec<Change>> {
    let key =
        |line: &BudgetLine| format!("{}/{}/{}", line.product, line.year, line.source.as_str());
    let mut entries = Vec::new();
    for old in existing {
        let kept = lines.iter().find(|line| key(line) == key(old));
        if kept == Some(old) {
            continue;
        }
        sqlx::query(
            "DELETE FROM budget_lines WHERE product_slug = $1 AND year = $2 AND source = $3",
        )
        .bind(old.product.as_str())
        .bind(old.year)
        .bind(old.source.as_str())
        .execute(&mut **tx)
        .await?;
        if kept.is_none() {
            entries.push(change(
                AuditAction::Delete,
                "budget_line",
                key(old),
                Some(old),
                None,
            )?);
        }
    }
    for line in lines {
        let before = existing.iter().find(|old| key(old) == key(line));
        if before == Some(line) {
            continue;
        }
        sqlx::query(
            "INSERT INTO budget_lines (product_slug, year, source, amount_cents, comment) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(line.product.as_str())
        .bind(line.year)
        .bind(line.source.as_str())
        .bind(line.amount.cents())
        .bind(&line.comment)
        .execute(&mut **tx)
        .await?;
        let action = if before.is_some() {
            AuditAction::Update
        } else {
            AuditAction::Create
        };
        entries.push(change(
            action,
            "budget_line",
            key(line),
            before,
            Some(line),
        )?);
    }
    Ok(entries)
}

/// The indicators of `products`, by product then number, inside the caller's transaction.
pub(crate) async fn indicators_of(tx: &mut Tx<'_>, products: &[Slug]) -> Result<Vec<Indicator>> {
    rows_into(
        super::batch::fetch::<IndicatorRow, _>(
            tx,
            &format!("SELECT {INDICATOR_COLUMNS} FROM impact_indicators"),
            Some(("product_slug", products)),
            "product_slug, id",
        )
        .await?,
    )
}

/// The measurements of an indicator, by period end then number.
pub(crate) async fn measurements_of(tx: &mut Tx<'_>, indicator: i64) -> Result<Vec<Measurement>> {
    rows_into(
        sqlx::query_as::<_, MeasurementRow>(&format!(
            "SELECT {MEASUREMENT_COLUMNS} FROM impact_measurements WHERE indicator_id = $1 ORDER BY period_end, id"
        ))
        .bind(indicator)
        .fetch_all(&mut **tx)
        .await?,
    )
}

/// Inserts an indicator inside the caller's transaction; returns it with its number.
pub(crate) async fn insert_indicator_in(
    tx: &mut Tx<'_>,
    indicator: &Indicator,
) -> Result<Indicator> {
    let row = bind_indicator(
        sqlx::query(
            "INSERT INTO impact_indicators (product_slug, name, category, unit, direction, baseline_value, baseline_date, baseline_source, target_value, target_date, methodology, public) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        ),
        indicator,
    )
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = sqlx::Row::try_get(&row, 0)?;
    indicator_in(tx, id).await
}

/// Rewrites an indicator of the same number inside the caller's transaction.
pub(crate) async fn update_indicator_in(
    tx: &mut Tx<'_>,
    indicator: &Indicator,
) -> Result<Indicator> {
    bind_indicator(
        sqlx::query(
            "UPDATE impact_indicators SET product_slug = $1, name = $2, category = $3, unit = $4, direction = $5, baseline_value = $6, baseline_date = $7, baseline_source = $8, target_value = $9, target_date = $10, methodology = $11, public = $12 WHERE id = $13",
        ),
        indicator,
    )
    .bind(indicator.id)
    .execute(&mut **tx)
    .await?;
    indicator_in(tx, indicator.id).await
}

/// Deletes an indicator (its measurements go by cascade) inside the caller's transaction.
pub(crate) async fn delete_indicator_in(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM impact_indicators WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes a measurement inside the caller's transaction.
pub(crate) async fn delete_measurement_in(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM impact_measurements WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts a measurement inside the caller's transaction; returns it with its number.
pub(crate) async fn insert_measurement_in(
    tx: &mut Tx<'_>,
    measurement: &Measurement,
) -> Result<Measurement> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO impact_measurements (indicator_id, period_start, period_end, value, method, evidence_url, comment, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(measurement.indicator)
    .bind(measurement.period_start)
    .bind(measurement.period_end)
    .bind(measurement.value)
    .bind(measurement.method.as_str())
    .bind(&measurement.evidence_url)
    .bind(&measurement.comment)
    .bind(&measurement.recorded_by)
    .bind(&measurement.recorded_at)
    .fetch_one(&mut **tx)
    .await?;
    measurement_in(tx, id).await
}
