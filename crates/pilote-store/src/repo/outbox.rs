//! The notifications' repository: the e-mail outbox, the data producers' webhook
//! subscriptions and their deliveries.
//!
//! Compiled once per backend like `portfolio.rs`. A write that notifies calls
//! [`enqueue_email`] or [`enqueue_webhooks`] inside its own transaction, so that the message
//! is sent if and only if the write happened; each row comes with a one-off job that a
//! worker leases. The worker's results end the job in the same transaction, checked
//! against its lease, so a message is recorded sent once.

use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction};
use pilote_domain::notification::{
    EMAIL_JOB, Email, WARN_AFTER_FAILURES, WEBHOOK_JOB, WebhookDelivery, WebhookSubscription,
};
use sqlx::FromRow;

use super::Db;
use super::audit;
use super::impact::change;
use super::jobs;
use crate::{Attempt, JobLease, OutboxEmail, PendingDelivery, Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Conn = <Db as sqlx::Database>::Connection;

fn corrupt(what: &str, reason: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

/// Adds a one-off job of `kind` for row `id`, due at `at`.
async fn add_job(conn: &mut Conn, kind: &str, id: i64, at: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3) ON CONFLICT (kind, key) DO UPDATE SET run_at = excluded.run_at",
    )
    .bind(kind)
    .bind(id.to_string())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Queues `email` for the workers, inside the caller's transaction; an e-mail to nobody is
/// not queued.
pub(crate) async fn enqueue_email(conn: &mut Conn, email: &Email, at: &str) -> Result<()> {
    let mut to: Vec<&str> = email
        .to
        .iter()
        .map(|address| address.trim())
        .filter(|address| !address.is_empty())
        .collect();
    to.sort_unstable();
    to.dedup();
    if to.is_empty() {
        return Ok(());
    }
    let recipients = serde_json::to_string(&to).map_err(|e| corrupt("e-mail recipients", &e))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox_emails (recipients, subject, body, link, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(recipients)
    .bind(&email.subject)
    .bind(&email.body)
    .bind(email.link.as_deref())
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    add_job(conn, EMAIL_JOB, id, at).await
}

/// Queues one delivery of `event` per active webhook subscription of `provider` (a data
/// producer), inside the caller's transaction.
pub(crate) async fn enqueue_webhooks(
    conn: &mut Conn,
    provider: &Slug,
    event: &str,
    payload: &serde_json::Value,
    at: &str,
) -> Result<()> {
    let subscriptions: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM webhook_subscriptions WHERE producer_slug = $1 AND active ORDER BY id",
    )
    .bind(provider.as_str())
    .fetch_all(&mut *conn)
    .await?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let body = serde_json::to_string(payload).map_err(|e| corrupt("webhook payload", &e))?;
    for subscription in subscriptions {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_deliveries (subscription_id, event, payload, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(subscription)
        .bind(event)
        .bind(&body)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?;
        add_job(conn, WEBHOOK_JOB, id, at).await?;
    }
    Ok(())
}

#[derive(FromRow)]
struct EmailRow {
    id: i64,
    recipients: String,
    subject: String,
    body: String,
    link: Option<String>,
    created_at: String,
    sent_at: Option<String>,
    attempts: i32,
    last_error: Option<String>,
}

impl TryFrom<EmailRow> for OutboxEmail {
    type Error = StoreError;

    fn try_from(row: EmailRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            email: Email {
                to: serde_json::from_str(&row.recipients)
                    .map_err(|e| corrupt("e-mail recipients", &e))?,
                subject: row.subject,
                body: row.body,
                link: row.link,
            },
            created_at: row.created_at,
            sent_at: row.sent_at,
            attempts: row.attempts,
            last_error: row.last_error,
        })
    }
}

const EMAIL_COLUMNS: &str =
    "id, recipients, subject, body, link, created_at, sent_at, attempts, last_error";

/// An e-mail of the outbox by number.
pub(crate) async fn email(pool: &Pool, id: i64) -> Result<Option<OutboxEmail>> {
    sqlx::query_as::<_, EmailRow>(&format!(
        "SELECT {EMAIL_COLUMNS} FROM outbox_emails WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .map(OutboxEmail::try_from)
    .transpose()
}

/// The outbox, latest first.
pub(crate) async fn emails(pool: &Pool, limit: i64) -> Result<Vec<OutboxEmail>> {
    sqlx::query_as::<_, EmailRow>(&format!(
        "SELECT {EMAIL_COLUMNS} FROM outbox_emails ORDER BY id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(OutboxEmail::try_from)
    .collect()
}

/// Records e-mail `id` sent at `at` and ends its job, if `lease` still holds it.
pub(crate) async fn email_sent(pool: &Pool, lease: &JobLease, id: i64, at: &str) -> Result<bool> {
    let mut tx = pool.begin().await?;
    if !jobs::finish(&mut tx, lease, at).await? {
        // Now, not when the connection is next used: the write lock is released at once.
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query(
        "UPDATE outbox_emails SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1",
    )
    .bind(id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Records a failed attempt at e-mail `id` made at `at`; its job is due again at
/// `retry_at`, or ended when `None` (the e-mail is given up, its error kept).
pub(crate) async fn email_failed(
    pool: &Pool,
    lease: &JobLease,
    id: i64,
    error: &str,
    retry_at: Option<&str>,
    at: &str,
) -> Result<bool> {
    let mut tx = pool.begin().await?;
    let held = match retry_at {
        Some(retry_at) => jobs::fail_in(&mut tx, lease, error, retry_at).await?,
        None => jobs::finish(&mut tx, lease, at).await?,
    };
    if !held {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("UPDATE outbox_emails SET attempts = attempts + 1, last_error = $2 WHERE id = $1")
        .bind(id)
        .bind(error)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

const SUBSCRIPTION_COLUMNS: &str =
    "id, producer_slug, url, active, consecutive_failures, warned_at, created_at";

#[derive(FromRow)]
struct SubscriptionRow {
    id: i64,
    producer_slug: String,
    url: String,
    active: bool,
    consecutive_failures: i32,
    warned_at: Option<String>,
    created_at: String,
}

impl From<SubscriptionRow> for WebhookSubscription {
    fn from(row: SubscriptionRow) -> Self {
        Self {
            id: row.id,
            producer: row.producer_slug,
            url: row.url,
            active: row.active,
            consecutive_failures: row.consecutive_failures,
            warned_at: row.warned_at,
            created_at: row.created_at,
        }
    }
}

async fn subscription_in(conn: &mut Conn, producer: &Slug, id: i64) -> Result<WebhookSubscription> {
    sqlx::query_as::<_, SubscriptionRow>(&format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1 AND producer_slug = $2 AND active"
    ))
    .bind(id)
    .bind(producer.as_str())
    .fetch_optional(conn)
    .await?
    .map(WebhookSubscription::from)
    .ok_or(StoreError::NotFound)
}

async fn producer_exists(conn: &mut Conn, producer: &Slug) -> Result<()> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT slug FROM data_producers WHERE slug = $1")
            .bind(producer.as_str())
            .fetch_optional(conn)
            .await?;
    found.map(drop).ok_or(StoreError::NotFound)
}

/// A producer's active subscriptions, oldest first; [`StoreError::NotFound`] when the
/// producer is unknown.
pub(crate) async fn subscriptions(
    pool: &Pool,
    producer: &Slug,
) -> Result<Vec<WebhookSubscription>> {
    let mut conn = pool.acquire().await?;
    producer_exists(&mut conn, producer).await?;
    Ok(sqlx::query_as::<_, SubscriptionRow>(&format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE producer_slug = $1 AND active ORDER BY id"
    ))
    .bind(producer.as_str())
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(WebhookSubscription::from)
    .collect())
}

/// Subscribes `url` to the events of `producer`, signed with `secret`.
pub(crate) async fn subscribe(
    pool: &Pool,
    producer: &Slug,
    url: &str,
    secret: &str,
    actor: &Actor,
    at: &str,
) -> Result<WebhookSubscription> {
    let mut tx = audit::begin(pool).await?;
    producer_exists(&mut tx, producer).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_subscriptions (producer_slug, url, secret, active, consecutive_failures, created_at) VALUES ($1, $2, $3, TRUE, 0, $4) RETURNING id",
    )
    .bind(producer.as_str())
    .bind(url)
    .bind(secret)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let subscription = subscription_in(&mut tx, producer, id).await?;
    // The log keeps the subscription without its secret.
    let entry = change(
        AuditAction::Create,
        "webhook_subscription",
        id.to_string(),
        None,
        Some(&subscription),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    tx.commit().await?;
    Ok(subscription)
}

/// Ends subscription `id` of `producer` at `at`: no delivery is queued for it any more, and
/// those pending are given up (their jobs end unsent when their turn comes).
pub(crate) async fn unsubscribe(
    pool: &Pool,
    producer: &Slug,
    id: i64,
    actor: &Actor,
    at: &str,
) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before = subscription_in(&mut tx, producer, id).await?;
    sqlx::query("UPDATE webhook_subscriptions SET active = FALSE WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE webhook_deliveries SET abandoned_at = $2, last_error = $3 WHERE subscription_id = $1 AND delivered_at IS NULL AND abandoned_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind("abonnement supprimé")
    .execute(&mut *tx)
    .await?;
    let entry = change(
        AuditAction::Delete,
        "webhook_subscription",
        id.to_string(),
        Some(&before),
        None,
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    tx.commit().await?;
    Ok(())
}

const DELIVERY_COLUMNS: &str = "id, subscription_id, event, payload, created_at, delivered_at, abandoned_at, attempts, last_status, last_error";

#[derive(FromRow)]
struct DeliveryRow {
    id: i64,
    subscription_id: i64,
    event: String,
    payload: String,
    created_at: String,
    delivered_at: Option<String>,
    abandoned_at: Option<String>,
    attempts: i32,
    last_status: Option<i32>,
    last_error: Option<String>,
}

impl TryFrom<DeliveryRow> for WebhookDelivery {
    type Error = StoreError;

    fn try_from(row: DeliveryRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            subscription: row.subscription_id,
            event: row.event,
            payload: serde_json::from_str(&row.payload)
                .map_err(|e| corrupt("webhook payload", &e))?,
            created_at: row.created_at,
            delivered_at: row.delivered_at,
            abandoned_at: row.abandoned_at,
            attempts: row.attempts,
            last_status: row.last_status,
            last_error: row.last_error,
        })
    }
}

/// The latest deliveries of subscription `id` of `producer`, latest first.
pub(crate) async fn deliveries(
    pool: &Pool,
    producer: &Slug,
    id: i64,
    limit: i64,
) -> Result<Vec<WebhookDelivery>> {
    let mut conn = pool.acquire().await?;
    subscription_in(&mut conn, producer, id).await?;
    sqlx::query_as::<_, DeliveryRow>(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(WebhookDelivery::try_from)
    .collect()
}

/// Delivery `id` with what sending it needs.
pub(crate) async fn pending_delivery(pool: &Pool, id: i64) -> Result<Option<PendingDelivery>> {
    let mut conn = pool.acquire().await?;
    let Some(row) = sqlx::query_as::<_, DeliveryRow>(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let (url, secret, active): (String, String, bool) =
        sqlx::query_as("SELECT url, secret, active FROM webhook_subscriptions WHERE id = $1")
            .bind(row.subscription_id)
            .fetch_one(&mut *conn)
            .await?;
    let body = row.payload.clone();
    Ok(Some(PendingDelivery {
        delivery: row.try_into()?,
        body,
        url,
        secret,
        active,
    }))
}

/// Records an attempt at delivery `id` made at `at` and ends or reschedules its job, if
/// `lease` still holds it. A success resets its subscription's failures; a failure counts
/// one more, and the [`WARN_AFTER_FAILURES`]th in a row queues `warning` to the producer's
/// data managers (the administrators when it has none), once until a success.
pub(crate) async fn delivery_attempted(
    pool: &Pool,
    lease: &JobLease,
    id: i64,
    attempt: &Attempt<'_>,
    warning: impl FnOnce(&WebhookSubscription) -> Email,
    at: &str,
) -> Result<bool> {
    let mut tx = pool.begin().await?;
    let held = match (attempt.error, attempt.retry_at) {
        (Some(error), Some(retry_at)) => jobs::fail_in(&mut tx, lease, error, retry_at).await?,
        _ => jobs::finish(&mut tx, lease, at).await?,
    };
    if !held {
        tx.rollback().await?;
        return Ok(false);
    }
    let subscription: Option<i64> =
        sqlx::query_scalar("SELECT subscription_id FROM webhook_deliveries WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(subscription) = subscription else {
        tx.commit().await?;
        return Ok(true);
    };
    if attempt.error.is_none() {
        sqlx::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = $2, last_status = $3, last_error = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(at)
        .bind(attempt.status)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE webhook_subscriptions SET consecutive_failures = 0, warned_at = NULL WHERE id = $1",
        )
        .bind(subscription)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(true);
    }
    sqlx::query(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3, abandoned_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(attempt.status)
    .bind(attempt.error)
    .bind(attempt.retry_at.is_none().then_some(at))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1 WHERE id = $1",
    )
    .bind(subscription)
    .execute(&mut *tx)
    .await?;
    // Warned once: the update claims the warning, and a success clears it.
    let warned = sqlx::query(
        "UPDATE webhook_subscriptions SET warned_at = $2 WHERE id = $1 AND warned_at IS NULL AND consecutive_failures >= $3",
    )
    .bind(subscription)
    .bind(at)
    .bind(WARN_AFTER_FAILURES)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if warned {
        let row = sqlx::query_as::<_, SubscriptionRow>(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1"
        ))
        .bind(subscription)
        .fetch_one(&mut *tx)
        .await?;
        let subscription = WebhookSubscription::from(row);
        let mut email = warning(&subscription);
        email.to = producer_managers(&mut tx, &subscription.producer).await?;
        enqueue_email(&mut tx, &email, at).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The role of the accounts that manage a data producer's access requests, scoped to its
/// slug.
const DATA_MANAGER: &str = "data_manager";

/// The addresses of a producer's data managers, or of the administrators when it has none.
async fn producer_managers(conn: &mut Conn, producer: &str) -> Result<Vec<String>> {
    let managers: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT a.email FROM accounts a JOIN role_grants g ON g.account_id = a.id WHERE g.role = $1 AND g.scope = $2 ORDER BY a.email",
    )
    .bind(DATA_MANAGER)
    .bind(producer)
    .fetch_all(&mut *conn)
    .await?;
    if !managers.is_empty() {
        return Ok(managers);
    }
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT a.email FROM accounts a JOIN role_grants g ON g.account_id = a.id WHERE g.role = $1 ORDER BY a.email",
    )
    .bind(pilote_domain::identity::Role::Administrator.as_str())
    .fetch_all(&mut *conn)
    .await?)
}
