//! Sending notifications: the outbox's e-mails over SMTP, and the data producers' webhooks
//! over HTTP, each attempt recorded with the end or the retry of its job.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use pilote_domain::notification::{
    DELIVERY_HEADER, EVENT_HEADER, Email, MAX_WEBHOOK_ATTEMPTS, SIGNATURE_HEADER,
    WARN_AFTER_FAILURES, WebhookSubscription, webhook_retry_seconds, webhook_signature,
};
use pilote_store::{Attempt, Job, Store, timestamp};

use crate::worker::Outcome;

/// How long a webhook receiver or a mail server may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Seconds before a failed e-mail's first retry; each next one waits twice as long, up to
/// an hour.
const EMAIL_RETRY_SECONDS: u64 = 60;

/// Attempts at an e-mail before it is given up.
const MAX_EMAIL_ATTEMPTS: i32 = 8;

/// Settings of the notifications a worker sends.
#[derive(Debug, Clone)]
pub struct NotifySettings {
    /// The mail server, such as `smtp://127.0.0.1:25` or `smtps://user:pass@host`; without
    /// one, e-mails wait in the outbox.
    pub smtp_url: Option<String>,
    /// The sender of the e-mails.
    pub mail_from: String,
    /// The site's address, before the links of the e-mails.
    pub public_url: String,
    /// Seconds before a failed webhook delivery's first retry.
    pub webhook_retry: u64,
}

/// What a worker sends notifications with.
pub struct Notifier {
    mailer: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    public_url: String,
    webhook_retry: u64,
    http: reqwest::Client,
}

impl Notifier {
    /// Checks the settings and prepares the SMTP transport and the HTTP client.
    pub fn new(settings: &NotifySettings) -> anyhow::Result<Self> {
        let mailer = match settings.smtp_url.as_deref().filter(|url| !url.is_empty()) {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("--smtp-url : adresse du serveur SMTP invalide")?
                    .timeout(Some(TIMEOUT))
                    .build();
                let from: Mailbox = settings
                    .mail_from
                    .parse()
                    .context("--mail-from : adresse d'expéditeur invalide")?;
                Some((transport, from))
            }
            None => None,
        };
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            // A receiver answers itself: a redirection is a failure, not a new target.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Pilote-Webhook/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            mailer,
            public_url: settings.public_url.clone(),
            webhook_retry: settings.webhook_retry.max(1),
            http,
        })
    }

    /// Whether a mail server is configured.
    pub fn sends_email(&self) -> bool {
        self.mailer.is_some()
    }

    /// Sends the outbox's e-mail that `job` names.
    pub async fn send_email(&self, store: &Store, job: &Job) -> anyhow::Result<Outcome> {
        let Some((transport, from)) = &self.mailer else {
            // Claimed by mistake: back in the queue, untouched.
            store
                .fail_job(
                    &job.lease,
                    "no SMTP server configured",
                    &timestamp(Utc::now()),
                )
                .await?;
            return Ok(Outcome::Gone);
        };
        let outbox = match job.key.parse() {
            Ok(id) => store.outbox_email(id).await?,
            Err(_) => None,
        };
        let Some(outbox) = outbox.filter(|outbox| outbox.sent_at.is_none()) else {
            store.finish_job(&job.lease, &timestamp(Utc::now())).await?;
            return Ok(Outcome::Gone);
        };
        let sent = match message(&outbox.email, from, &self.public_url) {
            Ok(message) => transport.send(message).await.map(drop).map_err(|e| {
                let mut reason = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    reason = format!("{reason}: {cause}");
                    source = cause.source();
                }
                reason
            }),
            Err(error) => Err(format!("{error:#}")),
        };
        let now = Utc::now();
        match sent {
            Ok(()) => {
                let held = store
                    .record_email_sent(&job.lease, outbox.id, &timestamp(now))
                    .await?;
                Ok(if held { Outcome::Sent } else { Outcome::Lost })
            }
            Err(error) => {
                let attempt = outbox.attempts + 1;
                tracing::warn!(email = outbox.id, attempt, %error, "e-mail not sent");
                let retry = (attempt < MAX_EMAIL_ATTEMPTS).then(|| {
                    let wait = webhook_retry_seconds(EMAIL_RETRY_SECONDS, attempt).min(3600);
                    timestamp(now + chrono::Duration::seconds(i64::try_from(wait).unwrap_or(3600)))
                });
                let held = store
                    .record_email_failed(&job.lease, outbox.id, &error, retry.as_deref())
                    .await?;
                Ok(if held { Outcome::Failed } else { Outcome::Lost })
            }
        }
    }

    /// Posts the webhook delivery that `job` names, signed with its subscription's secret.
    pub async fn deliver_webhook(&self, store: &Store, job: &Job) -> anyhow::Result<Outcome> {
        let pending = match job.key.parse() {
            Ok(id) => store.pending_webhook_delivery(id).await?,
            Err(_) => None,
        };
        let Some(pending) = pending.filter(|p| {
            p.active && p.delivery.delivered_at.is_none() && p.delivery.abandoned_at.is_none()
        }) else {
            // Delivered, given up, or its subscription ended: nothing to send.
            store.finish_job(&job.lease, &timestamp(Utc::now())).await?;
            return Ok(Outcome::Gone);
        };
        let id = pending.delivery.id;
        let response = self
            .http
            .post(&pending.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(
                SIGNATURE_HEADER,
                webhook_signature(&pending.secret, pending.body.as_bytes()),
            )
            .header(EVENT_HEADER, &pending.delivery.event)
            .header(DELIVERY_HEADER, id.to_string())
            .body(pending.body.clone())
            .send()
            .await;
        let (status, error) = match response {
            Ok(response) if response.status().is_success() => {
                (Some(i32::from(response.status().as_u16())), None)
            }
            Ok(response) => (
                Some(i32::from(response.status().as_u16())),
                Some(format!("statut HTTP {}", response.status().as_u16())),
            ),
            Err(e) => {
                let mut reason = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    reason = format!("{reason}: {cause}");
                    source = cause.source();
                }
                (None, Some(reason))
            }
        };
        let attempt = pending.delivery.attempts + 1;
        let now = Utc::now();
        let retry = (error.is_some() && attempt < MAX_WEBHOOK_ATTEMPTS).then(|| {
            let wait = webhook_retry_seconds(self.webhook_retry, attempt);
            timestamp(now + chrono::Duration::seconds(i64::try_from(wait).unwrap_or(i64::MAX)))
        });
        if let Some(error) = &error {
            tracing::warn!(delivery = id, attempt, url = %pending.url, %error, "webhook not delivered");
        }
        let held = store
            .record_webhook_attempt(
                &job.lease,
                id,
                &Attempt {
                    status,
                    error: error.as_deref(),
                    retry_at: retry.as_deref(),
                },
                warning,
                &timestamp(now),
            )
            .await?;
        Ok(match (held, error) {
            (false, _) => Outcome::Lost,
            (true, None) => Outcome::Sent,
            (true, Some(_)) => Outcome::Failed,
        })
    }
}

/// The e-mail `email` as sent from `from`, its link made absolute with `public_url`.
fn message(email: &Email, from: &Mailbox, public_url: &str) -> anyhow::Result<Message> {
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(&email.subject);
    for address in &email.to {
        let to: Mailbox = address
            .parse()
            .with_context(|| format!("adresse de destinataire invalide : {address}"))?;
        builder = builder.to(to);
    }
    Ok(builder
        .header(ContentType::TEXT_PLAIN)
        .body(email.text(public_url))?)
}

/// The e-mail that warns a producer's managers of a webhook failing again and again.
fn warning(subscription: &WebhookSubscription) -> Email {
    Email {
        to: Vec::new(),
        subject: format!(
            "Webhook en échec : {} ({})",
            subscription.url, subscription.producer
        ),
        body: format!(
            "Bonjour,\n\nLes {WARN_AFTER_FAILURES} derniers envois de Pilote vers le webhook {} du producteur de données « {} » ont échoué.\nPilote réessaie chaque envoi, en espaçant les tentatives, jusqu'à {MAX_WEBHOOK_ATTEMPTS} fois. Vérifiez que l'adresse répond (statut 2xx) et que la signature X-Hub-Signature-256 est contrôlée avec le bon secret.\n\nCe message n'est pas renvoyé avant un envoi réussi.",
            subscription.url, subscription.producer
        ),
        link: Some(format!(
            "/api/v1/data-producers/{}/webhooks/{}/deliveries",
            subscription.producer, subscription.id
        )),
    }
}
