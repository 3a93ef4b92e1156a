//! Releases read from a forge's API: GitHub's releases, GitLab's releases or else its tags.
//!
//! Pages are followed through the `Link` header (and GitLab's `x-next-page`), up to
//! [`MAX_PAGES`]. A forge that says its rate limit is spent is not asked again in the same
//! run: the caller learns when it resets.

use chrono::{DateTime, NaiveDate, Utc};
use pilote_domain::Slug;
use pilote_domain::delivery::{Forge, Release, ReleaseSource, Repository};
use reqwest::header::{HeaderMap, LINK};
use serde::Deserialize;

/// Pages read per repository (100 releases each): far more than six months of any team.
pub const MAX_PAGES: usize = 5;

/// Longest summary kept from release notes, in characters.
const SUMMARY_CHARS: usize = 280;

/// Where the forges' APIs answer.
#[derive(Debug, Clone)]
pub struct ForgeApis {
    /// GitHub's API root (`https://api.github.com`).
    pub github: String,
    /// One API root for every GitLab host (for a mirror or a test server); by default each
    /// host's own `https://HOST/api/v4`.
    pub gitlab: Option<String>,
}

impl Default for ForgeApis {
    fn default() -> Self {
        Self {
            github: "https://api.github.com".to_owned(),
            gitlab: None,
        }
    }
}

/// Why a repository's releases could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForgeError {
    /// The forge did not answer.
    #[error("forge injoignable ({host}) : {reason}")]
    Unreachable {
        /// The API's host.
        host: String,
        /// What failed.
        reason: String,
    },
    /// The forge refuses more requests until its limit resets.
    #[error("limite de requêtes atteinte sur {host}{}", .resets_at.map(|at| format!(" jusqu'à {at}")).unwrap_or_default())]
    RateLimited {
        /// The API's host.
        host: String,
        /// When the limit resets, when the forge says.
        resets_at: Option<DateTime<Utc>>,
    },
    /// No such public repository.
    #[error("dépôt introuvable ou privé : {0}")]
    NotFound(String),
    /// Any other answer.
    #[error("réponse inattendue de {url} : {detail}")]
    Unexpected {
        /// What was asked.
        url: String,
        /// The status or the reason the body could not be read.
        detail: String,
    },
}

#[derive(Deserialize)]
struct GithubRelease {
    tag_name: String,
    name: Option<String>,
    published_at: Option<DateTime<Utc>>,
    created_at: Option<DateTime<Utc>>,
    body: Option<String>,
    html_url: Option<String>,
    #[serde(default)]
    draft: bool,
}

#[derive(Deserialize)]
struct GitlabRelease {
    tag_name: String,
    name: Option<String>,
    released_at: Option<DateTime<Utc>>,
    created_at: Option<DateTime<Utc>>,
    description: Option<String>,
    #[serde(rename = "_links")]
    links: Option<GitlabLinks>,
}

#[derive(Deserialize)]
struct GitlabLinks {
    #[serde(rename = "self")]
    own: Option<String>,
}

#[derive(Deserialize)]
struct GitlabTag {
    name: String,
    message: Option<String>,
    commit: Option<GitlabCommit>,
}

#[derive(Deserialize)]
struct GitlabCommit {
    created_at: Option<DateTime<Utc>>,
}

/// A client of the forges' APIs.
pub struct ForgeClient {
    http: reqwest::Client,
    apis: ForgeApis,
}

impl ForgeClient {
    /// A client of `apis` that waits at most `timeout` for each answer.
    pub fn new(apis: ForgeApis, timeout: std::time::Duration) -> Result<Self, ForgeError> {
        let http = reqwest::Client::builder()
            // GitHub refuses requests without a user agent.
            .user_agent(concat!("pilote/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .build()
            .map_err(|error| ForgeError::Unexpected {
                url: apis.github.clone(),
                detail: error.to_string(),
            })?;
        Ok(Self { http, apis })
    }

    /// The releases of `product` found in `repository`, newest first as the forge lists them.
    pub async fn releases(
        &self,
        product: &Slug,
        repository: &Repository,
    ) -> Result<Vec<Release>, ForgeError> {
        match repository.forge {
            Forge::Github => self.github(product, repository).await,
            Forge::Gitlab => self.gitlab(product, repository).await,
        }
    }

    async fn github(
        &self,
        product: &Slug,
        repository: &Repository,
    ) -> Result<Vec<Release>, ForgeError> {
        let root = self.apis.github.trim_end_matches('/');
        let first = format!("{root}/repos/{}/releases?per_page=100", repository.path);
        let pages: Vec<Vec<GithubRelease>> = self.pages(first, repository).await?;
        Ok(pages
            .into_iter()
            .flatten()
            .filter(|release| !release.draft)
            .filter_map(|release| {
                let at = release.published_at.or(release.created_at)?;
                Some(forge_release(
                    product,
                    release
                        .name
                        .as_deref()
                        .filter(|name| !name.trim().is_empty())
                        .unwrap_or(&release.tag_name),
                    at.date_naive(),
                    release.body.as_deref(),
                    release.html_url,
                ))
            })
            .collect())
    }

    async fn gitlab(
        &self,
        product: &Slug,
        repository: &Repository,
    ) -> Result<Vec<Release>, ForgeError> {
        let root = self
            .apis
            .gitlab
            .clone()
            .unwrap_or_else(|| format!("https://{}/api/v4", repository.host));
        let root = root.trim_end_matches('/');
        // GitLab names a project by its whole path, encoded as one segment.
        let project = repository.path.replace('/', "%2F");
        let first = format!("{root}/projects/{project}/releases?per_page=100");
        let releases: Vec<Vec<GitlabRelease>> = self.pages(first, repository).await?;
        let releases: Vec<Release> = releases
            .into_iter()
            .flatten()
            .filter_map(|release| {
                let at = release.released_at.or(release.created_at)?;
                Some(forge_release(
                    product,
                    release
                        .name
                        .as_deref()
                        .filter(|name| !name.trim().is_empty())
                        .unwrap_or(&release.tag_name),
                    at.date_naive(),
                    release.description.as_deref(),
                    release.links.and_then(|links| links.own),
                ))
            })
            .collect();
        if !releases.is_empty() {
            return Ok(releases);
        }
        // Many teams only tag; GitLab's tags carry their commit's date.
        let first = format!("{root}/projects/{project}/repository/tags?per_page=100");
        let tags: Vec<Vec<GitlabTag>> = self.pages(first, repository).await?;
        Ok(tags
            .into_iter()
            .flatten()
            .filter_map(|tag| {
                let at = tag.commit.and_then(|commit| commit.created_at)?;
                Some(forge_release(
                    product,
                    &tag.name,
                    at.date_naive(),
                    tag.message.as_deref(),
                    None,
                ))
            })
            .collect())
    }

    /// Every page of a listing, from `first` on.
    async fn pages<T: serde::de::DeserializeOwned>(
        &self,
        first: String,
        repository: &Repository,
    ) -> Result<Vec<T>, ForgeError> {
        let mut pages = Vec::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            if pages.len() == MAX_PAGES {
                break;
            }
            let response = self
                .http
                .get(&url)
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|error| ForgeError::Unreachable {
                    host: host_of(&url),
                    reason: without_url(&error),
                })?;
            let status = response.status();
            let headers = response.headers().clone();
            if let Some(limited) = rate_limited(status, &headers, &url) {
                return Err(limited);
            }
            if status == reqwest::StatusCode::NOT_FOUND {
                return Err(ForgeError::NotFound(format!(
                    "{}/{}",
                    repository.host, repository.path
                )));
            }
            if !status.is_success() {
                return Err(ForgeError::Unexpected {
                    url,
                    detail: status.to_string(),
                });
            }
            let page: T = response
                .json()
                .await
                .map_err(|error| ForgeError::Unexpected {
                    url: url.clone(),
                    detail: without_url(&error),
                })?;
            pages.push(page);
            next = next_page(&headers, &url);
        }
        Ok(pages)
    }
}

/// A release read from a forge, its summary the first lines of its notes.
fn forge_release(
    product: &Slug,
    name: &str,
    date: NaiveDate,
    notes: Option<&str>,
    notes_url: Option<String>,
) -> Release {
    let summary: String = notes
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(SUMMARY_CHARS)
        .collect();
    Release {
        id: 0,
        product: product.clone(),
        name: name.trim().to_owned(),
        date,
        summary,
        notes_url: notes_url
            .filter(|url| url.starts_with("http://") || url.starts_with("https://")),
        size: None,
        source: ReleaseSource::Forge,
    }
}

/// The forge's refusal for its rate limit: GitHub's 403 or 429 with no request left, or
/// any answer asking to retry later.
fn rate_limited(status: reqwest::StatusCode, headers: &HeaderMap, url: &str) -> Option<ForgeError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let spent =
        header("x-ratelimit-remaining") == Some("0") || header("ratelimit-remaining") == Some("0");
    let refused = status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || (status == reqwest::StatusCode::FORBIDDEN && (spent || header("retry-after").is_some()));
    if !refused {
        return None;
    }
    let resets_at = header("x-ratelimit-reset")
        .or_else(|| header("ratelimit-reset"))
        .and_then(|seconds| seconds.parse::<i64>().ok())
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0));
    Some(ForgeError::RateLimited {
        host: host_of(url),
        resets_at,
    })
}

/// The next page's address: the `Link` header's `rel="next"`, else GitLab's `x-next-page`.
fn next_page(headers: &HeaderMap, url: &str) -> Option<String> {
    let link = headers.get(LINK).and_then(|value| value.to_str().ok());
    if let Some(next) = link.and_then(|link| {
        link.split(',').find_map(|part| {
            let (target, params) = part.split_once(';')?;
            params
                .split(';')
                .any(|param| param.trim().trim_start_matches("rel=").trim_matches('"') == "next")
                .then(|| {
                    target
                        .trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_owned()
                })
        })
    }) {
        return Some(next);
    }
    let page = headers.get("x-next-page")?.to_str().ok()?.trim();
    if page.is_empty() {
        return None;
    }
    let mut next = reqwest::Url::parse(url).ok()?;
    let others: Vec<(String, String)> = next
        .query_pairs()
        .filter(|(key, _)| key != "page")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    next.query_pairs_mut()
        .clear()
        .extend_pairs(others)
        .append_pair("page", page);
    Some(next.to_string())
}

fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A client error's reason without the address, which the message names already.
fn without_url(error: &reqwest::Error) -> String {
    let mut reason = error.to_string();
    if let Some(url) = error.url() {
        reason = reason.replace(&format!(" for url ({url})"), "");
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_link_headers_and_gitlab_next_pages() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            r#"<https://api.github.com/repos/a/b/releases?per_page=100&page=2>; rel="next", <https://api.github.com/repos/a/b/releases?per_page=100&page=4>; rel="last""#
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_page(
                &headers,
                "https://api.github.com/repos/a/b/releases?per_page=100"
            )
            .as_deref(),
            Some("https://api.github.com/repos/a/b/releases?per_page=100&page=2")
        );
        let mut headers = HeaderMap::new();
        headers.insert("x-next-page", "3".parse().unwrap());
        assert_eq!(
            next_page(
                &headers,
                "http://127.0.0.1:9/api/v4/projects/a%2Fb/releases?per_page=100&page=2"
            )
            .as_deref(),
            Some("http://127.0.0.1:9/api/v4/projects/a%2Fb/releases?per_page=100&page=3")
        );
        headers.insert("x-next-page", "".parse().unwrap());
        assert_eq!(next_page(&headers, "http://127.0.0.1:9/x"), None);
    }

    #[test]
    fn tells_a_spent_rate_limit_from_a_refusal() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        headers.insert("x-ratelimit-reset", "1798675200".parse().unwrap());
        let limited = rate_limited(
            reqwest::StatusCode::FORBIDDEN,
            &headers,
            "https://api.github.com/x",
        )
        .unwrap();
        assert_eq!(
            limited.to_string(),
            "limite de requêtes atteinte sur api.github.com jusqu'à 2026-12-31 00:00:00 UTC"
        );
        assert_eq!(
            rate_limited(
                reqwest::StatusCode::FORBIDDEN,
                &HeaderMap::new(),
                "https://x/y"
            ),
            None
        );
        assert!(
            rate_limited(
                reqwest::StatusCode::TOO_MANY_REQUESTS,
                &HeaderMap::new(),
                "https://x/y"
            )
            .is_some()
        );
    }
}
