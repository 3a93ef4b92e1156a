//! Producers: the organisations that publish datasets and APIs.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DataSource, bad_url};
use crate::{DomainError, Slug};

/// An organisation that publishes data (« producteur »).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Producer {
    /// Its stable identifier (`insee`, `ministere-de-l-interieur`).
    #[schema(value_type = String)]
    pub slug: Slug,
    /// Its name.
    pub name: String,
    /// Its acronym (« DINUM »).
    #[serde(default)]
    pub acronym: Option<String>,
    /// Its website.
    #[serde(default)]
    pub url: Option<String>,
    /// The source that first described it.
    #[serde(default)]
    pub source: DataSource,
}

impl Producer {
    /// Checks what a producer must say: a name and a web address.
    pub fn validate(&self) -> Result<(), (&'static str, DomainError)> {
        if self.name.trim().is_empty() {
            return Err(("name", DomainError::Required));
        }
        bad_url([("url", self.url.as_deref())]).map_or(Ok(()), Err)
    }

    /// Completes this producer with what `other` knows and it does not: when two sources
    /// describe the same producer, the first one's fields stay and only the missing ones
    /// are filled. Returns whether anything was added.
    pub fn fill_from(&mut self, other: &Self) -> bool {
        let mut filled = false;
        for (mine, theirs) in [
            (&mut self.acronym, &other.acronym),
            (&mut self.url, &other.url),
        ] {
            if mine.is_none() && theirs.is_some() {
                mine.clone_from(theirs);
                filled = true;
            }
        }
        filled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insee() -> Producer {
        Producer {
            slug: Slug::parse("insee").unwrap(),
            name: "Insee".into(),
            acronym: None,
            url: Some("https://www.insee.fr".into()),
            source: DataSource::Apigouv,
        }
    }

    #[test]
    fn the_first_source_wins_and_gaps_are_filled() {
        let mut first = insee();
        let second = Producer {
            name: "Institut national de la statistique".into(),
            acronym: Some("INSEE".into()),
            url: Some("https://insee.example".into()),
            source: DataSource::Udata,
            ..insee()
        };
        assert!(first.fill_from(&second));
        assert_eq!(first.name, "Insee");
        assert_eq!(first.url.as_deref(), Some("https://www.insee.fr"));
        assert_eq!(first.acronym.as_deref(), Some("INSEE"));
        assert_eq!(first.source, DataSource::Apigouv);
        assert!(!first.fill_from(&second), "nothing left to fill");
    }

    #[test]
    fn producer_rules() {
        assert_eq!(insee().validate(), Ok(()));
        let nameless = Producer {
            name: " ".into(),
            ..insee()
        };
        assert_eq!(nameless.validate().unwrap_err().0, "name");
        let ftp = Producer {
            url: Some("ftp://insee.fr".into()),
            ..insee()
        };
        assert_eq!(ftp.validate().unwrap_err().0, "url");
    }
}
