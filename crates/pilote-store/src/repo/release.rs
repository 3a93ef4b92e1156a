//! Delivery's releases repository. Compiled once per backend like `impact.rs`; every write
//! goes to the audit log in the same transaction.

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction};
use pilote_domain::delivery::{Release, ReleaseSize, ReleaseSource};
use sqlx::FromRow;

use super::Db;
use super::audit;
use super::impact::change;
use crate::{Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Conn = <Db as sqlx::Database>::Connection;

const COLUMNS: &str = "id, product_slug, name, date, summary, notes_url, size, source";

#[derive(FromRow)]
struct ReleaseRow {
    id: i64,
    product_slug: String,
    name: String,
    date: NaiveDate,
    summary: String,
    notes_url: Option<String>,
    size: Option<String>,
    source: String,
}

impl TryFrom<ReleaseRow> for Release {
    type Error = StoreError;

    fn try_from(row: ReleaseRow) -> Result<Self> {
        let corrupt = |reason: &dyn std::fmt::Display| StoreError::Corrupt {
            what: format!("release {}", row.id),
            reason: reason.to_string(),
        };
        Ok(Self {
            id: row.id,
            product: Slug::parse(&row.product_slug).map_err(|e| corrupt(&e))?,
            name: row.name.clone(),
            date: row.date,
            summary: row.summary.clone(),
            notes_url: row.notes_url.clone(),
            size: row
                .size
                .as_deref()
                .map(ReleaseSize::parse)
                .transpose()
                .map_err(|e| corrupt(&e))?,
            source: ReleaseSource::parse(&row.source).map_err(|e| corrupt(&e))?,
        })
    }
}

fn rows_into(rows: Vec<ReleaseRow>) -> Result<Vec<Release>> {
    rows.into_iter().map(Release::try_from).collect()
}

pub(crate) async fn load(pool: &Pool) -> Result<Vec<Release>> {
    rows_into(
        sqlx::query_as::<_, ReleaseRow>(&format!(
            "SELECT {COLUMNS} FROM releases ORDER BY product_slug, date DESC, id DESC"
        ))
        .fetch_all(pool)
        .await?,
    )
}

async fn release_in(conn: &mut Conn, id: i64) -> Result<Release> {
    sqlx::query_as::<_, ReleaseRow>(&format!("SELECT {COLUMNS} FROM releases WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

async fn insert(conn: &mut Conn, release: &Release) -> Result<Release> {
    let row = sqlx::query(
        "INSERT INTO releases (product_slug, name, date, summary, notes_url, size, source) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(release.product.as_str())
    .bind(&release.name)
    .bind(release.date)
    .bind(&release.summary)
    .bind(release.notes_url.as_deref())
    .bind(release.size.map(ReleaseSize::as_str))
    .bind(release.source.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = sqlx::Row::try_get(&row, 0)?;
    release_in(conn, id).await
}

pub(crate) async fn create(pool: &Pool, release: &Release, actor: &Actor) -> Result<Release> {
    let mut tx = audit::begin(pool).await?;
    // A release of the same product, source and name is a conflict (unique key).
    let created = insert(&mut tx, release).await?;
    let entry = change(
        AuditAction::Create,
        "release",
        created.id.to_string(),
        None,
        Some(&created),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(created)
}

pub(crate) async fn delete(pool: &Pool, id: i64, actor: &Actor) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before = release_in(&mut tx, id).await?;
    sqlx::query("DELETE FROM releases WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let entry = change(
        AuditAction::Delete,
        "release",
        id.to_string(),
        Some(&before),
        None,
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Makes the product's forge releases exactly `releases` (by name), writing and logging
/// only what changes; returns how many releases changed.
pub(crate) async fn replace_forge(
    pool: &Pool,
    product: &Slug,
    releases: &[Release],
    actor: &Actor,
) -> Result<usize> {
    let mut tx = audit::begin(pool).await?;
    let stored = rows_into(
        sqlx::query_as::<_, ReleaseRow>(&format!(
            "SELECT {COLUMNS} FROM releases WHERE product_slug = $1 AND source = $2 ORDER BY id"
        ))
        .bind(product.as_str())
        .bind(ReleaseSource::Forge.as_str())
        .fetch_all(&mut *tx)
        .await?,
    )?;
    let mut entries = Vec::new();
    let same =
        |a: &Release, b: &Release| Release { id: 0, ..a.clone() } == Release { id: 0, ..b.clone() };
    for old in &stored {
        match releases.iter().find(|new| new.name == old.name) {
            Some(new) if same(old, new) => {}
            found => {
                sqlx::query("DELETE FROM releases WHERE id = $1")
                    .bind(old.id)
                    .execute(&mut *tx)
                    .await?;
                let after = match found {
                    Some(new) => Some(insert(&mut tx, new).await?),
                    None => None,
                };
                let action = if after.is_some() {
                    AuditAction::Update
                } else {
                    AuditAction::Delete
                };
                entries.push(change(
                    action,
                    "release",
                    old.id.to_string(),
                    Some(old),
                    after.as_ref(),
                )?);
            }
        }
    }
    for new in releases {
        if stored.iter().any(|old| old.name == new.name) {
            continue;
        }
        let created = insert(&mut tx, new).await?;
        entries.push(change(
            AuditAction::Create,
            "release",
            created.id.to_string(),
            None,
            Some(&created),
        )?);
    }
    if entries.is_empty() {
        return Ok(0);
    }
    audit::append(&mut tx, actor, &entries).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(entries.len())
}
