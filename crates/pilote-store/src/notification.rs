//! Notifications through the [`Store`]: the e-mail outbox and the data producers' webhooks.

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::notification::{Email, WebhookDelivery, WebhookSubscription};

use crate::{JobLease, Result, Store};

/// An e-mail of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    /// The outbox's number.
    pub id: i64,
    /// The message.
    pub email: Email,
    /// When it was queued.
    pub created_at: String,
    /// When a server accepted it.
    pub sent_at: Option<String>,
    /// Attempts so far.
    pub attempts: i32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// A delivery to attempt: the delivery, its body as sent, and its subscription's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDelivery {
    /// The delivery.
    pub delivery: WebhookDelivery,
    /// The exact body to post (the stored JSON text).
    pub body: String,
    /// The receiver's address.
    pub url: String,
    /// The secret to sign with.
    pub secret: String,
    /// Whether the subscription still stands.
    pub active: bool,
}

/// How an attempt at a delivery went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// The receiver's HTTP status, when it answered.
    pub status: Option<i32>,
    /// Why it failed; `None` for a success.
    pub error: Option<&'a str>,
    /// When a failed delivery is due again; `None` to abandon it.
    pub retry_at: Option<&'a str>,
}

impl Store {
    /// Queues an e-mail in a transaction of its own (writes that notify queue theirs in
    /// their own transaction); an e-mail to nobody is not queued.
    pub async fn queue_email(&self, email: &Email, at: &str) -> Result<()> {
        // Locked first, as the writes that notify are: on SQLite, a transaction that reads
        // before it writes may find its snapshot stale.
        dispatch!(self, pool => {
            let mut tx = backend::audit::begin(pool).await?;
            backend::outbox::enqueue_email(&mut tx, email, at).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Queues `event` for each active webhook subscription of data producer `provider`.
    pub async fn queue_webhooks(
        &self,
        provider: &Slug,
        event: &str,
        payload: &serde_json::Value,
        at: &str,
    ) -> Result<()> {
        dispatch!(self, pool => {
            let mut tx = backend::audit::begin(pool).await?;
            backend::outbox::enqueue_webhooks(&mut tx, provider, event, payload, at).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// An e-mail of the outbox by number.
    pub async fn outbox_email(&self, id: i64) -> Result<Option<OutboxEmail>> {
        dispatch!(self, pool => backend::outbox::email(pool, id).await)
    }

    /// The latest `limit` e-mails of the outbox, latest first.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxEmail>> {
        dispatch!(self, pool => backend::outbox::emails(pool, limit).await)
    }

    /// Records e-mail `id` sent and ends its job; returns whether the lease held.
    pub async fn record_email_sent(&self, lease: &JobLease, id: i64, at: &str) -> Result<bool> {
        dispatch!(self, pool => backend::outbox::email_sent(pool, lease, id, at).await)
    }

    /// Records a failed attempt at e-mail `id`, due again at `retry_at` or given up when
    /// `None`; returns whether the lease held.
    pub async fn record_email_failed(
        &self,
        lease: &JobLease,
        id: i64,
        error: &str,
        retry_at: Option<&str>,
    ) -> Result<bool> {
        let at = crate::timestamp(chrono::Utc::now());
        dispatch!(self, pool => backend::outbox::email_failed(pool, lease, id, error, retry_at, &at).await)
    }

    /// The active webhook subscriptions of a data producer; [`crate::StoreError::NotFound`]
    /// when the producer is unknown.
    pub async fn webhook_subscriptions(&self, producer: &Slug) -> Result<Vec<WebhookSubscription>> {
        dispatch!(self, pool => backend::outbox::subscriptions(pool, producer).await)
    }

    /// Subscribes `url` to a data producer's events, signed with `secret`.
    pub async fn subscribe_webhook(
        &self,
        producer: &Slug,
        url: &str,
        secret: &str,
        actor: &Actor,
    ) -> Result<WebhookSubscription> {
        let at = crate::timestamp(chrono::Utc::now());
        dispatch!(self, pool => backend::outbox::subscribe(pool, producer, url, secret, actor, &at).await)
    }

    /// Ends a data producer's subscription, giving up its pending deliveries;
    /// [`crate::StoreError::NotFound`] when it has no such active subscription.
    pub async fn unsubscribe_webhook(&self, producer: &Slug, id: i64, actor: &Actor) -> Result<()> {
        let at = crate::timestamp(chrono::Utc::now());
        dispatch!(self, pool => backend::outbox::unsubscribe(pool, producer, id, actor, &at).await)
    }

    /// The latest `limit` deliveries of a subscription, latest first.
    pub async fn webhook_deliveries(
        &self,
        producer: &Slug,
        id: i64,
        limit: i64,
    ) -> Result<Vec<WebhookDelivery>> {
        dispatch!(self, pool => backend::outbox::deliveries(pool, producer, id, limit).await)
    }

    /// Delivery `id` with its subscription's address and secret, for a worker to send.
    pub async fn pending_webhook_delivery(&self, id: i64) -> Result<Option<PendingDelivery>> {
        dispatch!(self, pool => backend::outbox::pending_delivery(pool, id).await)
    }

    /// Records an attempt at delivery `id` and ends or reschedules its job; the
    /// subscription's producer is warned with the e-mail `warning` makes (its recipients
    /// are filled in) when it fails too often. Returns whether the lease held.
    pub async fn record_webhook_attempt(
        &self,
        lease: &JobLease,
        id: i64,
        attempt: &Attempt<'_>,
        warning: impl FnOnce(&WebhookSubscription) -> Email,
        at: &str,
    ) -> Result<bool> {
        dispatch!(self, pool => backend::outbox::delivery_attempted(pool, lease, id, attempt, warning, at).await)
    }
}
