//! Releases of a product and the cadence they show.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use url::Url;
use utoipa::ToSchema;

use crate::{DomainError, Slug, is_http_url};

/// Days looked back for a cadence: six months.
pub const CADENCE_WINDOW_DAYS: i64 = 183;

/// Longest median gap, in days, of a product that delivers at least monthly.
pub const MONTHLY_DAYS: i32 = 31;

/// How much a release changes, as its team sizes it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseSize {
    /// A fix or a small improvement.
    Small,
    /// A feature.
    Medium,
    /// A new part of the service or a redesign.
    Large,
}

impl ReleaseSize {
    /// Every size.
    pub const ALL: [Self; 3] = [Self::Small, Self::Medium, Self::Large];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Large => "large",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Small => "Petite",
            Self::Medium => "Moyenne",
            Self::Large => "Grande",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|size| size.as_str() == name)
            .ok_or_else(|| DomainError::UnknownReleaseSize(name.to_owned()))
    }
}

/// Where a release record comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseSource {
    /// Declared by the team.
    Declared,
    /// Read from the product's repository on its forge; replaced at each import.
    Forge,
}

impl ReleaseSource {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Declared => "declared",
            Self::Forge => "forge",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        [Self::Declared, Self::Forge]
            .into_iter()
            .find(|source| source.as_str() == name)
            .ok_or_else(|| DomainError::UnknownReleaseSource(name.to_owned()))
    }
}

/// One release of a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Release {
    /// Its number (0 before it is stored).
    #[serde(default)]
    pub id: i64,
    /// The product released.
    #[schema(value_type = String)]
    pub product: Slug,
    /// Its version or name (« v2.3.0 », « Nouveau parcours »).
    pub name: String,
    /// When it reached users.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// What changed.
    #[serde(default)]
    pub summary: String,
    /// Its release notes.
    #[serde(default)]
    pub notes_url: Option<String>,
    /// How much it changes; unknown for releases read from a forge.
    #[serde(default)]
    pub size: Option<ReleaseSize>,
    /// Where the record comes from.
    #[serde(default = "declared")]
    pub source: ReleaseSource,
}

const fn declared() -> ReleaseSource {
    ReleaseSource::Declared
}

impl Release {
    /// Checks the fields a person types: a name, and notes at an http(s) address.
    pub fn validate(&self) -> Result<(), (&'static str, DomainError)> {
        if self.name.trim().is_empty() {
            return Err(("name", DomainError::Required));
        }
        if let Some(url) = self.notes_url.as_deref().filter(|url| !is_http_url(url)) {
            return Err(("notes_url", DomainError::NotAWebAddress(url.to_owned())));
        }
        Ok(())
    }
}

/// The median number of days between consecutive releases dated within the
/// [`CADENCE_WINDOW_DAYS`] up to `today`; `None` with fewer than two such releases.
///
/// Releases on the same day count once: a day's several tags are one delivery.
pub fn cadence(dates: &[NaiveDate], today: NaiveDate) -> Option<f64> {
    let since = today - chrono::Duration::days(CADENCE_WINDOW_DAYS);
    let mut days: Vec<NaiveDate> = dates
        .iter()
        .copied()
        .filter(|date| *date > since && *date <= today)
        .collect();
    days.sort_unstable();
    days.dedup();
    #[expect(
        clippy::cast_precision_loss,
        reason = "gaps are a few thousand days at most"
    )]
    let gaps: Vec<f64> = days
        .windows(2)
        .map(|w| (w[1] - w[0]).num_days() as f64)
        .collect();
    median(&gaps)
}

/// The median of `values`: the middle one, or the mean of the two middle ones; `None`
/// when there is none.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n.is_multiple_of(2) => Some(f64::midpoint(sorted[middle - 1], sorted[middle])),
        _ => Some(sorted[middle]),
    }
}

/// Whether a product delivers at least monthly: its [`cadence`] is at most [`MONTHLY_DAYS`]
/// and its last release is no older than that, so that a team that stopped does not count.
pub fn delivers_monthly(dates: &[NaiveDate], today: NaiveDate) -> bool {
    let recent = dates
        .iter()
        .filter(|date| **date <= today)
        .max()
        .is_some_and(|last| (today - *last).num_days() <= i64::from(MONTHLY_DAYS));
    recent && cadence(dates, today).is_some_and(|median| median <= f64::from(MONTHLY_DAYS))
}

/// A forge whose API lists a repository's releases and tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Forge {
    /// github.com.
    Github,
    /// gitlab.com or a GitLab instance.
    Gitlab,
}

/// A public repository on a forge with an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// The forge.
    pub forge: Forge,
    /// The forge's host (`github.com`, `gitlab.com`, `gitlab.mim-libre.fr`).
    pub host: String,
    /// The repository's path: `owner/name` on GitHub, `group/subgroup/project` on GitLab.
    pub path: String,
}

impl Repository {
    /// Reads a repository address as products record it (`https://github.com/betagouv/x/`,
    /// `github.com/betagouv/x.git`, a GitLab project's page). `None` for anything that is not
    /// a repository on GitHub or on a host whose name says GitLab (a documentation site, an
    /// organisation's page, another forge).
    pub fn parse(address: &str) -> Option<Self> {
        let trimmed = address.trim().trim_matches('\'');
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).ok()?;
        let host = url.host_str()?.to_ascii_lowercase();
        let segments: Vec<&str> = url
            .path_segments()?
            .filter(|segment| !segment.is_empty())
            .collect();
        // GitLab pages of a project continue after « /-/ » (« /-/tree/main »).
        let segments: Vec<&str> = segments.into_iter().take_while(|s| *s != "-").collect();
        let forge = if host == "github.com" || host == "www.github.com" {
            Forge::Github
        } else if host.split('.').any(|label| label.starts_with("gitlab")) {
            Forge::Gitlab
        } else {
            return None;
        };
        let segments: Vec<&str> = match forge {
            // owner/name, whatever follows (« tree/main »).
            Forge::Github => segments.into_iter().take(2).collect(),
            Forge::Gitlab => segments,
        };
        if segments.len() < 2 {
            return None;
        }
        let mut path = segments.join("/");
        if let Some(stripped) = path.strip_suffix(".git") {
            path = stripped.to_owned();
        }
        Some(Self {
            forge,
            host: if forge == Forge::Github {
                "github.com".to_owned()
            } else {
                host
            },
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn cadence_is_the_median_gap_over_six_months() {
        let today = day("2026-06-30");
        // Gaps 10, 20 and 40 days; the 2025 release is outside the window.
        let dates = [
            day("2025-06-01"),
            day("2026-03-01"),
            day("2026-03-11"),
            day("2026-03-31"),
            day("2026-05-10"),
            day("2026-05-10"),
        ];
        assert_eq!(cadence(&dates, today), Some(20.0));
        assert_eq!(cadence(&dates[..3], today), Some(10.0));
        assert_eq!(cadence(&dates[..2], today), None);
        // Two gaps, 10 and 20: their mean.
        assert_eq!(cadence(&dates[..4], today), Some(15.0));
        // The last release was 51 days ago: a team that stopped.
        assert!(!delivers_monthly(&dates, today));
        assert!(delivers_monthly(&dates, day("2026-05-20")));
    }

    #[test]
    fn repositories_on_forges_with_an_api() {
        let github = Repository::parse("https://github.com/betagouv/monstagedeseconde/").unwrap();
        assert_eq!(
            (github.forge, github.path.as_str()),
            (Forge::Github, "betagouv/monstagedeseconde")
        );
        let github = Repository::parse("'github.com/MTES-MCT/trackdechets.git").unwrap();
        assert_eq!(github.path, "MTES-MCT/trackdechets");
        assert_eq!(
            Repository::parse("https://github.com/betagouv/rdv-service-public/tree/main")
                .unwrap()
                .path,
            "betagouv/rdv-service-public"
        );
        let gitlab =
            Repository::parse("https://gitlab.mim-libre.fr/equipe/sous-groupe/projet/-/tree/main")
                .unwrap();
        assert_eq!(
            (gitlab.forge, gitlab.host.as_str(), gitlab.path.as_str()),
            (
                Forge::Gitlab,
                "gitlab.mim-libre.fr",
                "equipe/sous-groupe/projet"
            )
        );
        assert_eq!(Repository::parse("https://github.com/betagouv"), None);
        assert_eq!(
            Repository::parse("https://pass-culture.gitbook.io/documentation"),
            None
        );
        assert_eq!(
            Repository::parse("https://git.beta.francetravail.fr/a/b"),
            None
        );
    }

    #[test]
    fn releases_need_a_name_and_web_notes() {
        let release = Release {
            id: 0,
            product: Slug::parse("a-just").unwrap(),
            name: "v1.2".into(),
            date: day("2026-01-10"),
            summary: String::new(),
            notes_url: Some("https://example.org/notes".into()),
            size: Some(ReleaseSize::Small),
            source: ReleaseSource::Declared,
        };
        assert_eq!(release.validate(), Ok(()));
        let unnamed = Release {
            name: " ".into(),
            ..release.clone()
        };
        assert_eq!(unnamed.validate(), Err(("name", DomainError::Required)));
        let ftp = Release {
            notes_url: Some("ftp://example.org".into()),
            ..release
        };
        assert_eq!(ftp.validate().unwrap_err().0, "notes_url");
    }

    proptest! {
        /// The median lies between the smallest and the largest gap, and adding releases
        /// older than the window changes nothing.
        #[test]
        fn cadence_stays_within_the_gaps(
            offsets in prop::collection::vec(0..180i64, 0..30),
            old in prop::collection::vec(200..2000i64, 0..5),
        ) {
            let today = day("2026-06-30");
            let dates: Vec<NaiveDate> = offsets.iter().map(|d| today - chrono::Duration::days(*d)).collect();
            let mut days = dates.clone();
            days.sort_unstable();
            days.dedup();
            let gaps: Vec<i64> = days.windows(2).map(|w| (w[1] - w[0]).num_days()).collect();
            let median = cadence(&dates, today);
            prop_assert_eq!(median.is_some(), !gaps.is_empty());
            if let Some(median) = median {
                prop_assert!(median >= f64::from(i32::try_from(*gaps.iter().min().unwrap()).unwrap()));
                prop_assert!(median <= f64::from(i32::try_from(*gaps.iter().max().unwrap()).unwrap()));
            }
            let mut with_old = dates.clone();
            with_old.extend(old.iter().map(|d| today - chrono::Duration::days(*d)));
            prop_assert_eq!(cadence(&with_old, today), median);
        }
    }
}
