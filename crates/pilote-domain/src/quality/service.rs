//! What the probes saw of a product's service: each check as kept, and its health over a
//! period (the observatory's uptime and mean load time).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ecoindex::Grade;
use crate::Slug;

/// Days over which uptime and mean load time are measured (three months).
pub const HEALTH_DAYS: i64 = 91;

/// One probe of a product's public address, as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceCheck {
    /// The product checked.
    #[schema(value_type = String)]
    pub product: Slug,
    /// The address checked.
    pub url: String,
    /// When, RFC 3339 UTC.
    pub checked_at: String,
    /// Whether it answered with a success status.
    pub up: bool,
    /// The HTTP status, when it answered.
    pub status: Option<u16>,
    /// Time to the whole page, in milliseconds, when up.
    pub response_ms: Option<u64>,
    /// Why it was down, in French.
    pub reason: Option<String>,
    /// The page's `EcoIndex` score, when analysed.
    pub ecoindex_score: Option<u8>,
    /// The page's `EcoIndex` grade, when analysed.
    pub ecoindex_grade: Option<Grade>,
    /// Everything the probe measured (page weight, elements, detections, headers).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// A service's availability and speed over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceHealth {
    /// The product.
    #[schema(value_type = String)]
    pub product: Slug,
    /// Checks made since `since`.
    pub checks: u64,
    /// Of which answered.
    pub up: u64,
    /// Mean time to the whole page of the checks that answered, in milliseconds.
    pub mean_ms: Option<f64>,
    /// The start of the period, RFC 3339 UTC.
    pub since: String,
    /// The last check's time.
    pub last_checked_at: Option<String>,
}

impl ServiceHealth {
    /// Share of checks that answered, in % (2 decimals); `None` before any check.
    pub fn uptime(&self) -> Option<f64> {
        (self.checks > 0).then(|| {
            #[allow(
                clippy::cast_precision_loss,
                reason = "check counts stay far below 2^52"
            )]
            let percent = self.up as f64 * 100.0 / self.checks as f64;
            (percent * 100.0).round() / 100.0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(checks: u64, up: u64) -> ServiceHealth {
        ServiceHealth {
            product: Slug::parse("p").expect("slug"),
            checks,
            up,
            mean_ms: None,
            since: String::new(),
            last_checked_at: None,
        }
    }

    #[test]
    fn uptime_is_the_share_of_checks_that_answered() {
        assert_eq!(health(0, 0).uptime(), None);
        assert_eq!(health(3, 2).uptime(), Some(66.67));
        assert_eq!(health(1000, 999).uptime(), Some(99.9));
        assert_eq!(health(4, 4).uptime(), Some(100.0));
    }
}
