//! APIs of the catalogue (api.gouv.fr).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AccessType, DataSource, bad_url};
use crate::{DomainError, Slug};

/// A public API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Api {
    /// Its stable identifier (the catalogue's file name: `api-adresse`).
    #[schema(value_type = String)]
    pub slug: Slug,
    /// Its name.
    pub title: String,
    /// What it does, in one sentence.
    #[serde(default)]
    pub tagline: String,
    /// Who publishes it.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub producer: Option<Slug>,
    /// How it may be reached (the catalogue's `is_open`).
    #[serde(default)]
    pub access: AccessType,
    /// Where to ask for access (an account page or a `DataPass` form).
    #[serde(default)]
    pub access_url: Option<String>,
    /// Its technical documentation.
    #[serde(default)]
    pub documentation_url: Option<String>,
    /// Its rate limits, as the producer words them (« 50 appels / seconde / IP »).
    #[serde(default)]
    pub rate_limits: Option<String>,
    /// Its status page.
    #[serde(default)]
    pub monitoring_url: Option<String>,
    /// Its availability over the last month, in percent.
    #[serde(default)]
    pub uptime: Option<f64>,
    /// Its themes (« Emploi », « Géographie »).
    #[serde(default)]
    pub themes: Vec<String>,
    /// Its co-producers, by name or producer identifier.
    #[serde(default)]
    pub partners: Vec<String>,
    /// How to reach its team (an e-mail address or a web page).
    #[serde(default)]
    pub contact: Option<String>,
    /// When the catalogue's entry was last updated.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub updated: Option<NaiveDate>,
    /// Where the record came from.
    #[serde(default)]
    pub source: DataSource,
}

impl Api {
    /// Checks what an API must say: a title, an uptime in percent, web addresses.
    pub fn validate(&self) -> Result<(), (&'static str, DomainError)> {
        if self.title.trim().is_empty() {
            return Err(("title", DomainError::Required));
        }
        if self.uptime.is_some_and(|u| !(0.0..=100.0).contains(&u)) {
            return Err((
                "uptime",
                DomainError::Inconsistent("la disponibilité est un pourcentage entre 0 et 100"),
            ));
        }
        bad_url([
            ("access_url", self.access_url.as_deref()),
            ("monitoring_url", self.monitoring_url.as_deref()),
        ])
        .map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Api {
        Api {
            slug: Slug::parse("api-adresse").unwrap(),
            title: "API Adresse".into(),
            tagline: "Cherchez une adresse".into(),
            producer: Some(Slug::parse("dinum").unwrap()),
            access: AccessType::Open,
            access_url: None,
            documentation_url: Some("/les-api/api-adresse/documentation".into()),
            rate_limits: Some("50 appels / seconde / IP".into()),
            monitoring_url: None,
            uptime: Some(99.9),
            themes: vec!["Géographie".into()],
            partners: vec![],
            contact: Some("adresse@data.gouv.fr".into()),
            updated: None,
            source: DataSource::Apigouv,
        }
    }

    #[test]
    fn api_rules() {
        assert_eq!(api().validate(), Ok(()));
        let field = |a: Api| a.validate().unwrap_err().0;
        assert_eq!(
            field(Api {
                title: " ".into(),
                ..api()
            }),
            "title"
        );
        assert_eq!(
            field(Api {
                uptime: Some(101.0),
                ..api()
            }),
            "uptime"
        );
        assert_eq!(
            field(Api {
                monitoring_url: Some("status".into()),
                ..api()
            }),
            "monitoring_url"
        );
    }
}
