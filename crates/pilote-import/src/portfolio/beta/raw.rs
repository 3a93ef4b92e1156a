//! The shapes of the beta.gouv.fr front matter, as the real content writes them.
//!
//! Lenient where real files vary (dates quoted or not, empty values, numbers where text
//! is expected, a list left empty); strict where a value cannot mean anything.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

/// Text, also when the source wrote a number or a boolean.
#[derive(Debug, Clone, Default)]
pub(crate) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_yaml_ng::Value::deserialize(deserializer)? {
            serde_yaml_ng::Value::String(text) => Ok(Self(text)),
            serde_yaml_ng::Value::Number(number) => Ok(Self(number.to_string())),
            serde_yaml_ng::Value::Bool(flag) => Ok(Self(flag.to_string())),
            serde_yaml_ng::Value::Null => Ok(Self(String::new())),
            _ => Err(serde::de::Error::custom("texte attendu")),
        }
    }
}

/// Optional text: absent, null and empty all mean none.
pub(crate) fn optional_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = Option::<Text>::deserialize(d)?;
    Ok(text
        .map(|Text(text)| text.trim().to_owned())
        .filter(|text| !text.is_empty()))
}

/// A list that the source may leave empty (`sponsors:` with nothing after it).
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A calendar date, written `2021-02-01`, quoted or not, possibly followed by a time.
#[derive(Debug, Clone, Copy)]
pub(super) struct SourceDate(pub NaiveDate);

impl<'de> Deserialize<'de> for SourceDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Text(text) = Text::deserialize(deserializer)?;
        parse_date(&text)
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom(pilote_domain::DomainError::InvalidDate(text)))
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let day = match text.char_indices().nth(10) {
        Some((at, 'T' | ' ')) => &text[..at],
        Some(_) => return None,
        None => text,
    };
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// An optional date: absent, null and empty all mean none.
pub(crate) fn optional_date<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<NaiveDate>, D::Error> {
    match optional_text(d)? {
        None => Ok(None),
        Some(text) => parse_date(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(pilote_domain::DomainError::InvalidDate(text))),
    }
}

/// Fields the model does not name, kept verbatim.
pub(super) type Rest = BTreeMap<String, serde_yaml_ng::Value>;

#[derive(Deserialize)]
pub(super) struct RawOrganisation {
    pub name: Text,
    #[serde(default, deserialize_with = "optional_text")]
    pub acronym: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Text,
    #[serde(default)]
    pub domaine_ministeriel: Text,
    #[serde(flatten)]
    pub rest: Rest,
}

#[derive(Deserialize)]
pub(super) struct RawIncubator {
    pub title: Text,
    #[serde(default, deserialize_with = "optional_text")]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub contact: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub website: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub github: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub short_description: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub highlighted_startups: Vec<Text>,
    #[serde(flatten)]
    pub rest: Rest,
}

#[derive(Deserialize)]
pub(super) struct RawTeam {
    pub name: Text,
    #[serde(default)]
    pub mission: Text,
    pub incubator: Text,
}

#[derive(Deserialize)]
pub(super) struct RawPhase {
    pub name: Text,
    pub start: SourceDate,
    #[serde(default, deserialize_with = "optional_date")]
    pub end: Option<NaiveDate>,
    #[serde(default, deserialize_with = "optional_text")]
    pub comment: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawEvent {
    pub name: Text,
    pub date: SourceDate,
    #[serde(default, deserialize_with = "optional_text")]
    pub comment: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawFast {
    pub promotion: u16,
    pub montant: f64,
}

#[derive(Deserialize)]
pub(super) struct RawProduct {
    pub title: Text,
    #[serde(default)]
    pub mission: Text,
    pub incubator: Text,
    #[serde(default, deserialize_with = "list")]
    pub incubators: Vec<Text>,
    #[serde(default, deserialize_with = "list")]
    pub sponsors: Vec<Text>,
    #[serde(default, deserialize_with = "list")]
    pub phases: Vec<RawPhase>,
    #[serde(default, deserialize_with = "list")]
    pub events: Vec<RawEvent>,
    #[serde(default, deserialize_with = "list")]
    pub usertypes: Vec<Text>,
    #[serde(default, deserialize_with = "list")]
    pub thematiques: Vec<Text>,
    #[serde(default, deserialize_with = "list")]
    pub techno: Vec<Text>,
    #[serde(default, deserialize_with = "optional_text")]
    pub link: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub repository: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub contact: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub stats_url: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub impact_url: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub budget_url: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub dashlord_url: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub accessibility_status: Option<String>,
    #[serde(default)]
    pub analyse_risques: Option<bool>,
    #[serde(default)]
    pub mon_service_securise: Option<bool>,
    #[serde(default)]
    pub fast: Option<RawFast>,
    #[serde(flatten)]
    pub rest: Rest,
}

#[derive(Deserialize)]
pub(super) struct RawMission {
    pub start: SourceDate,
    #[serde(default, deserialize_with = "optional_date")]
    pub end: Option<NaiveDate>,
    pub status: Text,
    #[serde(default, deserialize_with = "optional_text")]
    pub employer: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub startups: Vec<Text>,
}

#[derive(Deserialize)]
pub(super) struct RawMember {
    pub fullname: Text,
    #[serde(default)]
    pub role: Text,
    pub domaine: Text,
    #[serde(default, deserialize_with = "list")]
    pub competences: Vec<Text>,
    #[serde(default, deserialize_with = "optional_text")]
    pub github: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub link: Option<String>,
    #[serde(rename = "memberType", default, deserialize_with = "optional_text")]
    pub member_type: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub missions: Vec<RawMission>,
    #[serde(default, deserialize_with = "list")]
    pub previously: Vec<Text>,
    #[serde(default, deserialize_with = "list")]
    pub badges: Vec<Text>,
    #[serde(default, deserialize_with = "list")]
    pub teams: Vec<Text>,
    #[serde(flatten)]
    pub rest: Rest,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates_in_every_real_shape() {
        let day = NaiveDate::from_ymd_opt(2021, 2, 1).unwrap();
        for text in [
            "2021-02-01",
            " 2021-02-01 ",
            "2021-02-01T00:00:00.000Z",
            "2021-02-01 10:00",
        ] {
            assert_eq!(parse_date(text), Some(day), "{text}");
        }
        for text in ["2021-13-01", "01/02/2021", "2021-02-01x", "demain", ""] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }
}
