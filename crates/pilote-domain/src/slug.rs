//! Stable identifiers of the network's records.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::DomainError;

/// The stable identifier of a record: the source's file stem (`a-just`,
/// `demarches-simplifiees.fr`, `e-inspé`, `FabNum-MI`).
///
/// Letters of any script and case, digits, `.`, `-` and `_`; it starts with a letter
/// or a digit. Text is kept in Unicode NFC so that a name typed on any system matches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Longest slug accepted; the real network's longest is under 60 characters.
const MAX_LEN: usize = 120;

impl Slug {
    /// Parses a slug, normalising it to NFC.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let value: String = raw.trim().nfc().collect();
        let refuse = |reason| {
            Err(DomainError::InvalidSlug {
                value: raw.to_owned(),
                reason,
            })
        };
        let Some(first) = value.chars().next() else {
            return refuse("il est vide");
        };
        if value.chars().count() > MAX_LEN {
            return refuse("il dépasse 120 caractères");
        }
        if !first.is_alphanumeric() {
            return refuse("il doit commencer par une lettre ou un chiffre");
        }
        if !value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return refuse("seuls les lettres, chiffres, « . », « - » et « _ » sont permis");
        }
        Ok(Self(value))
    }

    /// The slug of a name: folded (no case, no accents), every run of other characters
    /// than letters and digits as one `-` (« Ministère de l'Intérieur » gives
    /// `ministere-de-l-interieur`).
    pub fn from_name(name: &str) -> Result<Self, DomainError> {
        let folded = crate::text::fold(name);
        let mut slug = String::with_capacity(folded.len());
        for c in folded.chars() {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        Self::parse(slug.trim_end_matches('-'))
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl utoipa::PartialSchema for Slug {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^[\p{L}\p{N}][\p{L}\p{N}._-]*$"))
            .max_length(Some(MAX_LEN))
            .examples(["demarches-simplifiees.fr"])
            .into()
    }
}

impl utoipa::ToSchema for Slug {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_real_shapes() {
        for s in [
            "a-just",
            "demarches-simplifiees.fr",
            "e-inspé",
            "FabNum-MI",
            "jean.dupont_2",
        ] {
            assert_eq!(Slug::parse(s).unwrap().as_str(), s);
        }
    }

    #[test]
    fn normalises_decomposed_accents() {
        let decomposed = "e-inspe\u{301}";
        assert_eq!(Slug::parse(decomposed).unwrap().as_str(), "e-inspé");
    }

    #[test]
    fn refuses_what_is_not_a_slug() {
        for s in [
            "",
            " ",
            "/organisations/igj",
            "a b",
            "-start",
            ".hidden",
            "x?y",
        ] {
            assert!(Slug::parse(s).is_err(), "{s:?} should be refused");
        }
    }

    proptest! {
        #[test]
        fn a_parsed_slug_parses_to_itself(raw in "\\PC{0,40}") {
            if let Ok(slug) = Slug::parse(&raw) {
                prop_assert_eq!(Slug::parse(slug.as_str()).unwrap(), slug);
            }
        }
    }
}
