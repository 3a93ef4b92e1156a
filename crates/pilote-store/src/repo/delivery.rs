//! Delivery's repository: the recommended team composition, one row per (phase, discipline).
//!
//! Compiled once per backend like `portfolio.rs`; every write goes to the audit log in the
//! same transaction and bumps the revision, so read models reload it.

use pilote_domain::audit::{Actor, AuditAction, Change};
use pilote_domain::delivery::{Discipline, RecommendedComposition};
use pilote_domain::portfolio::PhaseName;

use super::Db;
use super::audit;
use crate::{Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Conn = <Db as sqlx::Database>::Connection;

/// The audit log's kind and id of the one composition.
const KIND: &str = "recommended_composition";
const ID: &str = "phases";

fn corrupt(what: &str, reason: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

async fn load_in(conn: &mut Conn) -> Result<RecommendedComposition> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT phase, discipline FROM recommended_composition")
            .fetch_all(conn)
            .await?;
    let pairs = rows
        .iter()
        .map(|(phase, discipline)| {
            Ok((
                PhaseName::parse(phase).map_err(|e| corrupt("recommended phase", &e))?,
                Discipline::parse(discipline).map_err(|e| corrupt("recommended discipline", &e))?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(RecommendedComposition::from_pairs(pairs))
}

pub(crate) async fn recommended_composition(pool: &Pool) -> Result<RecommendedComposition> {
    let mut conn = pool.acquire().await?;
    load_in(&mut conn).await
}

pub(crate) async fn replace_recommended_composition(
    pool: &Pool,
    composition: &RecommendedComposition,
    actor: &Actor,
) -> Result<RecommendedComposition> {
    let mut tx = audit::begin(pool).await?;
    let before = load_in(&mut tx).await?;
    sqlx::query("DELETE FROM recommended_composition")
        .execute(&mut *tx)
        .await?;
    for (phase, discipline) in composition.pairs() {
        sqlx::query("INSERT INTO recommended_composition (phase, discipline) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(phase.as_str())
            .bind(discipline.as_str())
            .execute(&mut *tx)
            .await?;
    }
    let after = load_in(&mut tx).await?;
    if after != before {
        let json =
            |c: &RecommendedComposition| serde_json::to_value(c).map_err(|e| corrupt(KIND, &e));
        let entry = Change {
            action: AuditAction::Update,
            entity_kind: KIND.to_owned(),
            entity_id: ID.to_owned(),
            subject: None,
            before: Some(json(&before)?),
            after: Some(json(&after)?),
        };
        audit::append(&mut tx, actor, &[entry]).await?;
    }
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(after)
}
