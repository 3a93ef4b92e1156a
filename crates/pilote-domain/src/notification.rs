//! Notifications: the e-mails the worker sends through the outbox, and the webhooks of the
//! data producers, signed so that a receiver can tell they come from Pilote.
//!
//! A write that notifies queues its e-mails and webhook deliveries in its own transaction;
//! the worker sends them later and retries with back-off. This module holds what is pure:
//! the messages, the signature and the retry rules.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

/// The job kind of an e-mail waiting in the outbox (its key is the e-mail's number).
pub const EMAIL_JOB: &str = "email";

/// The job kind of a webhook delivery (its key is the delivery's number).
pub const WEBHOOK_JOB: &str = "webhook";

/// The header carrying a webhook's signature.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// The header naming a webhook's event.
pub const EVENT_HEADER: &str = "X-Pilote-Event";

/// The header carrying a webhook delivery's number, the same on each attempt.
pub const DELIVERY_HEADER: &str = "X-Pilote-Delivery";

/// Attempts of a webhook delivery before it is abandoned.
pub const MAX_WEBHOOK_ATTEMPTS: i32 = 8;

/// Consecutive failed attempts of a subscription after which its producer is warned.
pub const WARN_AFTER_FAILURES: i32 = 5;

/// An e-mail to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The recipients' addresses.
    pub to: Vec<String>,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// A page of the site (such as `/accompagnement/12`), made absolute when sent.
    pub link: Option<String>,
}

impl Email {
    /// The body as sent: the text, then the page's absolute address when there is one.
    pub fn text(&self, public_url: &str) -> String {
        match &self.link {
            Some(link) => format!(
                "{}\n\n{}{link}\n",
                self.body.trim_end(),
                public_url.trim_end_matches('/')
            ),
            None => format!("{}\n", self.body.trim_end()),
        }
    }
}

/// The signature of a webhook body: `sha256=` and the lowercase hex HMAC-SHA256 of the exact
/// bytes sent, keyed with the subscription's secret.
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut signature = String::with_capacity(7 + 2 * digest.len());
    signature.push_str("sha256=");
    for byte in digest {
        signature.push(char::from(HEX[usize::from(byte >> 4)]));
        signature.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    signature
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Seconds to wait before attempt `attempts + 1` of a webhook delivery: `base × 2^(attempts−1)`.
pub fn webhook_retry_seconds(base: u64, attempts: i32) -> u64 {
    let doublings = u32::try_from(attempts.max(1) - 1).unwrap_or(0).min(30);
    base.saturating_mul(1 << doublings)
}

/// A data producer's webhook subscription, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WebhookSubscription {
    /// The store's number.
    pub id: i64,
    /// The data producer's slug.
    pub producer: String,
    /// Where deliveries are posted.
    pub url: String,
    /// Whether deliveries are still queued for it.
    pub active: bool,
    /// Failed attempts since the last success.
    pub consecutive_failures: i32,
    /// When the producer was last warned of failures, RFC 3339.
    pub warned_at: Option<String>,
    /// Creation time, RFC 3339.
    pub created_at: String,
}

/// One event sent to one subscription, and how its attempts went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WebhookDelivery {
    /// The store's number, sent in the delivery header.
    pub id: i64,
    /// The subscription.
    pub subscription: i64,
    /// The event's name.
    pub event: String,
    /// The JSON body.
    pub payload: serde_json::Value,
    /// When it was queued, RFC 3339.
    pub created_at: String,
    /// When a receiver accepted it.
    pub delivered_at: Option<String>,
    /// When it was given up after too many attempts.
    pub abandoned_at: Option<String>,
    /// Attempts so far.
    pub attempts: i32,
    /// The HTTP status of the last attempt, when one answered.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_documented_example() {
        assert_eq!(
            webhook_signature("It's a Secret to Everybody", b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    #[test]
    fn retries_double_from_the_base() {
        let waits: Vec<u64> = (1..=4).map(|n| webhook_retry_seconds(60, n)).collect();
        assert_eq!(waits, [60, 120, 240, 480]);
        assert_eq!(webhook_retry_seconds(1, 0), 1);
        assert_eq!(webhook_retry_seconds(u64::MAX, 40), u64::MAX);
    }

    #[test]
    fn the_link_is_made_absolute() {
        let email = Email {
            to: vec!["a@example.org".into()],
            subject: "S".into(),
            body: "Bonjour.\n".into(),
            link: Some("/accompagnement/12".into()),
        };
        assert_eq!(
            email.text("https://pilote.example/"),
            "Bonjour.\n\nhttps://pilote.example/accompagnement/12\n"
        );
    }
}
