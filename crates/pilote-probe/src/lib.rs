//! Pilote's HTTP quality probes: is a service up, how fast does it answer, and what does its
//! page weigh and say.
//!
//! A [`Prober`] checks one address: it fetches the page (retrying with back-off), times the
//! answer, then analyses the HTML — elements, the subresources it references and their
//! transferred size, giving an `EcoIndex` — and looks for what the law and the State's
//! standards ask a page to show: the accessibility mention with its statement link, a
//! FranceConnect or ProConnect button, HTTPS and security headers. A site that fails never
//! stops the others: a failure is a [`Check`] too.

mod analysis;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use pilote_domain::Slug;
use pilote_domain::quality::service::ServiceCheck;
use pilote_domain::quality::{EcoIndex, PageMeasure};
use serde::Serialize;
use tokio::sync::Semaphore;
use url::Url;
use utoipa::ToSchema;

pub use analysis::{Analysis, analyse};

/// What can stop a probe from starting at all; a site's own failures are [`Availability::Down`].
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The address is not an `http(s)://` URL.
    #[error("adresse invalide « {0} » : attendu http:// ou https://")]
    InvalidUrl(String),
    /// The HTTP client could not be built.
    #[error("client HTTP : {0}")]
    Client(String),
}

/// How probes behave.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    /// The most time for one request.
    pub timeout: Duration,
    /// Attempts after a failed first one.
    pub retries: u32,
    /// Wait before the first retry; doubled before each next one.
    pub backoff: Duration,
    /// The user agent, so that sites know who calls.
    pub user_agent: String,
    /// The most subresources fetched per page.
    pub max_subresources: usize,
    /// The most requests at once for one page's subresources.
    pub subresource_concurrency: usize,
    /// The most checks at once of addresses on one host, so that a worker checking many
    /// products of one host does not load it.
    pub per_host: usize,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_millis(500),
            user_agent: concat!(
                "Pilote-probe/",
                env!("CARGO_PKG_VERSION"),
                " (observatoire de la qualité des services publics numériques)"
            )
            .to_owned(),
            max_subresources: 200,
            subresource_concurrency: 6,
            per_host: 2,
        }
    }
}

/// Whether the service answered.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Availability {
    /// It answered with a success status.
    Up {
        /// The HTTP status.
        status: u16,
        /// Time to the whole page, in milliseconds.
        response_ms: u64,
    },
    /// It did not, or with an error status.
    Down {
        /// Why, in French.
        reason: String,
    },
}

/// One check of one address.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Check {
    /// The address checked.
    pub url: String,
    /// When the check started, RFC 3339.
    pub checked_at: String,
    /// Attempts made (1 when the first answered).
    pub attempts: u32,
    /// Up or down.
    pub availability: Availability,
    /// Whether the final address is HTTPS.
    pub https: bool,
    /// The security headers the answer carries, among those looked for.
    pub security_headers: Vec<String>,
    /// The page's analysis, when it answered with HTML.
    pub page: Option<PageReport>,
}

impl Check {
    /// The check as kept for `product`.
    pub fn service_check(&self, product: Slug) -> ServiceCheck {
        let (up, status, response_ms, reason) = match &self.availability {
            Availability::Up {
                status,
                response_ms,
            } => (true, Some(*status), Some(*response_ms), None),
            Availability::Down { reason } => (false, None, None, Some(reason.clone())),
        };
        let ecoindex = self.page.as_ref().and_then(|page| page.ecoindex);
        ServiceCheck {
            product,
            url: self.url.clone(),
            checked_at: self.checked_at.clone(),
            up,
            status,
            response_ms,
            reason,
            ecoindex_score: ecoindex.map(|e| e.score),
            ecoindex_grade: ecoindex.map(|e| e.grade),
            detail: serde_json::to_value(self).unwrap_or_default(),
        }
    }
}

/// The security headers looked for.
pub const SECURITY_HEADERS: [&str; 5] = [
    "strict-transport-security",
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
];

/// What a page weighs and says.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PageReport {
    /// The analysis of its HTML.
    #[serde(flatten)]
    pub analysis: Analysis,
    /// Subresources fetched, and those that failed.
    pub subresources_fetched: usize,
    /// Subresources that could not be fetched.
    pub subresources_failed: usize,
    /// Bytes transferred: the page and its subresources.
    pub transferred_bytes: u64,
    /// The `EcoIndex` of the page (requests = the page and its subresources).
    pub ecoindex: Option<EcoIndex>,
}

/// Checks addresses with one HTTP client and one configuration.
#[derive(Debug, Clone)]
pub struct Prober {
    client: reqwest::Client,
    config: ProbeConfig,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

struct Fetched {
    status: u16,
    final_url: Url,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Prober {
    /// A prober with `config`.
    pub fn new(config: ProbeConfig) -> Result<Self, ProbeError> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .build()
            .map_err(|e| ProbeError::Client(e.to_string()))?;
        Ok(Self {
            client,
            config,
            hosts: Arc::default(),
        })
    }

    async fn fetch(&self, url: &Url) -> Result<Fetched, String> {
        let response = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = response.status().as_u16();
        let final_url = response.url().clone();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| describe(&e))?.to_vec();
        Ok(Fetched {
            status,
            final_url,
            headers,
            body,
        })
    }

    /// Checks `address`: availability with retries, then the page's analysis.
    pub async fn check(&self, address: &str) -> Result<Check, ProbeError> {
        let url = Url::parse(address)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| ProbeError::InvalidUrl(address.to_owned()))?;
        let host = Arc::clone(
            self.hosts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .entry(url.host_str().unwrap_or_default().to_owned())
                .or_insert_with(|| Arc::new(Semaphore::new(self.config.per_host.max(1)))),
        );
        // Never closed, so acquiring only waits.
        let _turn = host.acquire_owned().await.ok();
        let checked_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let mut attempts = 0;
        let mut wait = self.config.backoff;
        let outcome = loop {
            attempts += 1;
            let started = Instant::now();
            let result = self.fetch(&url).await;
            let elapsed = started.elapsed();
            let failed = match &result {
                Ok(fetched) => fetched.status >= 500,
                Err(_) => true,
            };
            if !failed || attempts > self.config.retries {
                break result.map(|fetched| (fetched, elapsed));
            }
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        };
        let mut check = Check {
            url: url.to_string(),
            checked_at,
            attempts,
            availability: Availability::Down {
                reason: String::new(),
            },
            https: url.scheme() == "https",
            security_headers: Vec::new(),
            page: None,
        };
        let (fetched, elapsed) = match outcome {
            Ok(ok) => ok,
            Err(reason) => {
                check.availability = Availability::Down { reason };
                return Ok(check);
            }
        };
        check.https = fetched.final_url.scheme() == "https";
        check.security_headers = SECURITY_HEADERS
            .iter()
            .filter(|name| fetched.headers.contains_key(**name))
            .map(|name| (*name).to_owned())
            .collect();
        if !(200..400).contains(&fetched.status) {
            check.availability = Availability::Down {
                reason: format!("statut HTTP {}", fetched.status),
            };
            return Ok(check);
        }
        check.availability = Availability::Up {
            status: fetched.status,
            response_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        };
        let is_html = fetched
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.contains("html"));
        if is_html {
            check.page = Some(self.report(&fetched).await);
        }
        Ok(check)
    }

    /// Analyses a page and fetches its subresources, a few at a time.
    async fn report(&self, page: &Fetched) -> PageReport {
        let html = String::from_utf8_lossy(&page.body);
        let analysis = analyse(&html, &page.final_url);
        let limit = Arc::new(Semaphore::new(self.config.subresource_concurrency.max(1)));
        let sizes: Vec<Option<u64>> = futures_util::stream::iter(
            analysis
                .subresources
                .iter()
                .take(self.config.max_subresources)
                .cloned(),
        )
        .map(|address| {
            let limit = Arc::clone(&limit);
            async move {
                let _permit = limit.acquire().await.ok()?;
                let url = Url::parse(&address).ok()?;
                let fetched = self.fetch(&url).await.ok()?;
                (fetched.status < 400).then_some(fetched.body.len() as u64)
            }
        })
        .buffer_unordered(self.config.subresource_concurrency.max(1))
        .collect()
        .await;
        let fetched = sizes.iter().flatten().count();
        let transferred_bytes = page.body.len() as u64 + sizes.iter().flatten().sum::<u64>();
        #[expect(clippy::cast_precision_loss, reason = "page sizes fit an f64")]
        let measure = PageMeasure {
            dom_elements: analysis.dom_elements,
            requests: u32::try_from(1 + sizes.len()).unwrap_or(u32::MAX),
            size_kb: transferred_bytes as f64 / 1024.0,
        };
        PageReport {
            subresources_fetched: fetched,
            subresources_failed: sizes.len() - fetched,
            transferred_bytes,
            ecoindex: EcoIndex::from_measure(&measure).ok(),
            analysis,
        }
    }
}

/// A client error in French.
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "délai dépassé".to_owned()
    } else if error.is_connect() {
        "connexion impossible".to_owned()
    } else {
        format!("erreur HTTP : {error}")
    }
}
