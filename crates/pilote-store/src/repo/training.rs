//! Talent's repository: the catalogue of trainings and who attended them.
//!
//! Compiled once per backend like `portfolio.rs`. Each write is one transaction with its
//! audit entry and a new store revision.

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction};
use pilote_domain::talent::training::{Attendance, Training, TrainingFormat};
use sqlx::FromRow;

use super::Db;
use super::audit;
use super::impact::change;
use crate::{Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Conn = <Db as sqlx::Database>::Connection;

const COLUMNS: &str = "id, title, provider, start_date, end_date, format, audience";

#[derive(FromRow)]
struct TrainingRow {
    id: i64,
    title: String,
    provider: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    format: String,
    audience: String,
}

impl TryFrom<TrainingRow> for Training {
    type Error = StoreError;

    fn try_from(row: TrainingRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            title: row.title,
            provider: row.provider,
            start: row.start_date,
            end: row.end_date,
            format: TrainingFormat::parse(&row.format).map_err(|e| StoreError::Corrupt {
                what: "training format".to_owned(),
                reason: e.to_string(),
            })?,
            audience: row.audience,
        })
    }
}

async fn training_in(conn: &mut Conn, id: i64) -> Result<Training> {
    sqlx::query_as::<_, TrainingRow>(&format!("SELECT {COLUMNS} FROM trainings WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

pub(crate) async fn create_training(
    pool: &Pool,
    training: &Training,
    actor: &Actor,
    at: &str,
) -> Result<Training> {
    let mut tx = audit::begin(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO trainings (title, provider, start_date, end_date, format, audience, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&training.title)
    .bind(&training.provider)
    .bind(training.start)
    .bind(training.end)
    .bind(training.format.as_str())
    .bind(&training.audience)
    .bind(actor.to_string())
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let created = training_in(&mut tx, id).await?;
    let entry = change(
        AuditAction::Create,
        "training",
        id.to_string(),
        None,
        Some(&created),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(created)
}

pub(crate) async fn training(pool: &Pool, id: i64) -> Result<Training> {
    training_in(&mut *pool.acquire().await?, id).await
}

/// The catalogue, latest start first.
pub(crate) async fn trainings(pool: &Pool) -> Result<Vec<Training>> {
    sqlx::query_as::<_, TrainingRow>(&format!(
        "SELECT {COLUMNS} FROM trainings ORDER BY start_date DESC, id DESC"
    ))
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Training::try_from)
    .collect()
}

/// Records that a member attended; [`StoreError::NotFound`] without the training,
/// [`StoreError::Conflict`] when already recorded.
pub(crate) async fn record_attendance(
    pool: &Pool,
    attendance: &Attendance,
    actor: &Actor,
    at: &str,
) -> Result<Attendance> {
    let mut tx = audit::begin(pool).await?;
    training_in(&mut tx, attendance.training).await?;
    sqlx::query(
        "INSERT INTO training_attendees (training_id, member_slug, recorded_by, recorded_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(attendance.training)
    .bind(attendance.member.as_str())
    .bind(actor.to_string())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let entry = change(
        AuditAction::Create,
        "training_attendance",
        format!("{}/{}", attendance.training, attendance.member),
        None,
        Some(attendance),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(attendance.clone())
}

/// A training's attendees, by slug.
pub(crate) async fn attendees(pool: &Pool, training: i64) -> Result<Vec<Slug>> {
    let slugs: Vec<String> = sqlx::query_scalar(
        "SELECT member_slug FROM training_attendees WHERE training_id = $1 ORDER BY member_slug",
    )
    .bind(training)
    .fetch_all(pool)
    .await?;
    slugs
        .iter()
        .map(|s| {
            Slug::parse(s).map_err(|e| StoreError::Corrupt {
                what: "attendee".to_owned(),
                reason: e.to_string(),
            })
        })
        .collect()
}

/// The trainings a member attended, latest start first.
pub(crate) async fn trainings_of(pool: &Pool, member: &Slug) -> Result<Vec<Training>> {
    sqlx::query_as::<_, TrainingRow>(&format!(
        "SELECT {} FROM trainings t JOIN training_attendees a ON a.training_id = t.id WHERE a.member_slug = $1 ORDER BY t.start_date DESC, t.id DESC",
        COLUMNS
            .split(", ")
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(member.as_str())
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Training::try_from)
    .collect()
}
