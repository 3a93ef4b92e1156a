//! Delivery's repository: investment committees and their decisions.
//!
//! Compiled once per backend like `portfolio.rs`. Recording a decision that changes a
//! product's phase rewrites the product in the same transaction, so that the decision, the
//! phase change and their log entries stand or fall together.

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction, Change};
use pilote_domain::delivery::{Committee, Decision, DecisionKind, DecisionSource, phases_after};
use pilote_domain::portfolio::PhaseName;
use sqlx::{FromRow, Transaction};

use super::Db;
use super::audit;
use super::impact::change;
use crate::{Result, StoreError, WriteMode, json};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

fn corrupt(what: &str, reason: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

const COMMITTEE_COLUMNS: &str = "id, date, incubator_slug, members, comment";

#[derive(FromRow)]
struct CommitteeRow {
    id: i64,
    date: NaiveDate,
    incubator_slug: String,
    members: String,
    comment: String,
}

impl TryFrom<CommitteeRow> for Committee {
    type Error = StoreError;

    fn try_from(row: CommitteeRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            date: row.date,
            incubator: Slug::parse(&row.incubator_slug)
                .map_err(|e| corrupt("committee incubator", &e))?,
            members: json::decode(&row.members, || format!("committee {} members", row.id))?,
            comment: row.comment,
        })
    }
}

const DECISION_COLUMNS: &str = "id, committee_id, product_slug, date, kind, phase, amount_cents, comment, phase_before, phase_after, evidence, source, recorded_by, recorded_at";

#[derive(FromRow)]
struct DecisionRow {
    id: i64,
    committee_id: Option<i64>,
    product_slug: String,
    date: NaiveDate,
    kind: String,
    phase: Option<String>,
    amount_cents: Option<i64>,
    comment: String,
    phase_before: Option<String>,
    phase_after: Option<String>,
    evidence: String,
    source: String,
    recorded_by: String,
    recorded_at: String,
}

fn phase(value: Option<&str>) -> Result<Option<PhaseName>> {
    value
        .map(PhaseName::parse)
        .transpose()
        .map_err(|e| corrupt("decision phase", &e))
}

impl TryFrom<DecisionRow> for Decision {
    type Error = StoreError;

    fn try_from(row: DecisionRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            committee: row.committee_id,
            product: Slug::parse(&row.product_slug).map_err(|e| corrupt("decision product", &e))?,
            date: row.date,
            kind: DecisionKind::parse(&row.kind).map_err(|e| corrupt("decision kind", &e))?,
            phase: phase(row.phase.as_deref())?,
            amount_cents: row.amount_cents,
            comment: row.comment,
            phase_before: phase(row.phase_before.as_deref())?,
            phase_after: phase(row.phase_after.as_deref())?,
            evidence: json::decode(&row.evidence, || format!("decision {} evidence", row.id))?,
            source: DecisionSource::parse(&row.source)
                .map_err(|e| corrupt("decision source", &e))?,
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
        })
    }
}

fn rows_into<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

async fn committee_in(conn: &mut Conn, id: i64) -> Result<Committee> {
    sqlx::query_as::<_, CommitteeRow>(&format!(
        "SELECT {COMMITTEE_COLUMNS} FROM committees WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

async fn decision_in(conn: &mut Conn, id: i64) -> Result<Decision> {
    sqlx::query_as::<_, DecisionRow>(&format!(
        "SELECT {DECISION_COLUMNS} FROM committee_decisions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

pub(crate) async fn create_committee(
    pool: &Pool,
    committee: &Committee,
    actor: &Actor,
    at: &str,
) -> Result<Committee> {
    let mut tx = audit::begin(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO committees (date, incubator_slug, members, comment, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(committee.date)
    .bind(committee.incubator.as_str())
    .bind(json::encode(&committee.members))
    .bind(&committee.comment)
    .bind(actor.to_string())
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let created = committee_in(&mut tx, id).await?;
    let entry = change(
        AuditAction::Create,
        "committee",
        id.to_string(),
        None,
        Some(&created),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(created)
}

pub(crate) async fn committee(pool: &Pool, id: i64) -> Result<Committee> {
    committee_in(&mut *pool.acquire().await?, id).await
}

/// Committees, latest first, of one incubator or of all.
pub(crate) async fn committees(pool: &Pool, incubator: Option<&Slug>) -> Result<Vec<Committee>> {
    let rows = match incubator {
        Some(incubator) => {
            sqlx::query_as::<_, CommitteeRow>(&format!(
                "SELECT {COMMITTEE_COLUMNS} FROM committees WHERE incubator_slug = $1 ORDER BY date DESC, id DESC"
            ))
            .bind(incubator.as_str())
            .fetch_all(pool)
            .await?
        }
        None => {
            sqlx::query_as::<_, CommitteeRow>(&format!(
                "SELECT {COMMITTEE_COLUMNS} FROM committees ORDER BY date DESC, id DESC"
            ))
            .fetch_all(pool)
            .await?
        }
    };
    rows_into(rows)
}

/// Which decisions to read.
pub(crate) enum DecisionFilter<'a> {
    All,
    Product(&'a Slug),
    Committee(i64),
}

/// Decisions, latest first.
pub(crate) async fn decisions(pool: &Pool, filter: DecisionFilter<'_>) -> Result<Vec<Decision>> {
    let order = "ORDER BY date DESC, id DESC";
    let rows =
        match filter {
            DecisionFilter::All => {
                sqlx::query_as::<_, DecisionRow>(&format!(
                    "SELECT {DECISION_COLUMNS} FROM committee_decisions {order}"
                ))
                .fetch_all(pool)
                .await?
            }
            DecisionFilter::Product(slug) => sqlx::query_as::<_, DecisionRow>(&format!(
                "SELECT {DECISION_COLUMNS} FROM committee_decisions WHERE product_slug = $1 {order}"
            ))
            .bind(slug.as_str())
            .fetch_all(pool)
            .await?,
            DecisionFilter::Committee(id) => sqlx::query_as::<_, DecisionRow>(&format!(
                "SELECT {DECISION_COLUMNS} FROM committee_decisions WHERE committee_id = $1 {order}"
            ))
            .bind(id)
            .fetch_all(pool)
            .await?,
        };
    rows_into(rows)
}

/// Each product's latest committee day, over every decision (imported ones included).
pub(crate) async fn last_committees(pool: &Pool) -> Result<Vec<(String, NaiveDate)>> {
    Ok(sqlx::query_as::<_, (String, NaiveDate)>(
        "SELECT product_slug, MAX(date) FROM committee_decisions GROUP BY product_slug",
    )
    .fetch_all(pool)
    .await?)
}

async fn insert_decision(tx: &mut Tx<'_>, decision: &Decision) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO committee_decisions (committee_id, product_slug, date, kind, phase, amount_cents, comment, phase_before, phase_after, evidence, source, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(decision.committee)
    .bind(decision.product.as_str())
    .bind(decision.date)
    .bind(decision.kind.as_str())
    .bind(decision.phase.map(PhaseName::as_str))
    .bind(decision.amount_cents)
    .bind(&decision.comment)
    .bind(decision.phase_before.map(PhaseName::as_str))
    .bind(decision.phase_after.map(PhaseName::as_str))
    .bind(json::encode(&decision.evidence))
    .bind(decision.source.as_str())
    .bind(&decision.recorded_by)
    .bind(&decision.recorded_at)
    .fetch_one(&mut **tx)
    .await?)
}

/// Records a decision of an existing committee; when it sets `phase_after`, the product
/// moves to that phase on the committee's date, in the same transaction. The product's
/// phase before is read inside the transaction, so that it is the one replaced.
pub(crate) async fn record_decision(
    pool: &Pool,
    decision: &Decision,
    actor: &Actor,
) -> Result<Decision> {
    let mut tx = audit::begin(pool).await?;
    let committee_id = decision.committee.ok_or(StoreError::NotFound)?;
    let committee = committee_in(&mut tx, committee_id).await?;
    let product =
        super::portfolio::load_products(&mut tx, Some(std::slice::from_ref(&decision.product)))
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
    let mut decision = decision.clone();
    decision.date = committee.date;
    decision.phase_before = product.current_phase().map(|p| p.name);
    let mut entries = Vec::new();
    if let Some(next) = decision.phase_after {
        let mut moved = product.clone();
        moved.phases = phases_after(&product, next, committee.date);
        super::portfolio::save_products(&mut tx, std::slice::from_ref(&moved), WriteMode::Update)
            .await?;
        entries.extend(super::portfolio::product_change(&product, &moved)?);
    }
    let id = insert_decision(&mut tx, &decision).await?;
    let created = decision_in(&mut tx, id).await?;
    entries.insert(
        0,
        change(
            AuditAction::Create,
            "decision",
            id.to_string(),
            None,
            Some(&created),
        )?,
    );
    audit::append(&mut tx, actor, &entries).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(created)
}

/// Makes the imported decisions exactly `decisions` (one per product and day), inside the
/// caller's transaction: those already stored are left alone, the others are added or
/// removed. Returns the log entries to append.
pub(crate) async fn replace_imported_in(
    tx: &mut Tx<'_>,
    decisions: &[Decision],
) -> Result<Vec<Change>> {
    let existing: Vec<Decision> = rows_into(
        sqlx::query_as::<_, DecisionRow>(&format!(
            "SELECT {DECISION_COLUMNS} FROM committee_decisions WHERE source = $1 ORDER BY id"
        ))
        .bind(DecisionSource::Beta.as_str())
        .fetch_all(&mut **tx)
        .await?,
    )?;
    let key = |d: &Decision| (d.product.clone(), d.date);
    let same = |a: &Decision, b: &Decision| key(a) == key(b) && a.comment == b.comment;
    let mut entries = Vec::new();
    for old in &existing {
        if decisions.iter().any(|new| same(new, old)) {
            continue;
        }
        sqlx::query("DELETE FROM committee_decisions WHERE id = $1")
            .bind(old.id)
            .execute(&mut **tx)
            .await?;
        entries.push(change(
            AuditAction::Delete,
            "decision",
            old.id.to_string(),
            Some(old),
            None,
        )?);
    }
    for new in decisions {
        if existing.iter().any(|old| same(new, old)) {
            continue;
        }
        let id = insert_decision(tx, new).await?;
        let created = decision_in(tx, id).await?;
        entries.push(change(
            AuditAction::Create,
            "decision",
            id.to_string(),
            None,
            Some(&created),
        )?);
    }
    Ok(entries)
}
