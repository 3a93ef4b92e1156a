//! The reference texts of the standards audited: each criterion's title and topic, imported
//! from the published RGAA 4.1 and RGESN v1 files (their wording is not Pilote's to ship).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::rgaa::CriterionId;
use super::rgesn::CRITERIA_PER_THEME;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A standard whose criteria products are assessed against.
    pub enum Standard ("référentiel") {
        /// The accessibility standard, RGAA 4.1 (106 criteria in 13 topics).
        Rgaa = ("rgaa", "RGAA 4.1"),
        /// The eco-design standard, RGESN v1 (79 criteria in 8 themes).
        Rgesn = ("rgesn", "RGESN v1"),
    }
}

/// One criterion's reference text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CriterionText {
    /// The standard.
    pub standard: Standard,
    /// The criterion's number (« 1.1 »).
    pub criterion: String,
    /// Its topic or theme (« Images », « Stratégie »).
    pub topic: String,
    /// Its title, as plain text.
    pub title: String,
    /// Its page in the published standard, when it has one.
    pub url: Option<String>,
}

impl Standard {
    /// Every criterion number of the standard, in order.
    pub fn criteria(self) -> Vec<String> {
        match self {
            Self::Rgaa => CriterionId::all().map(|id| id.to_string()).collect(),
            Self::Rgesn => (1u8..)
                .zip(CRITERIA_PER_THEME)
                .flat_map(|(theme, count)| (1..=count).map(move |n| format!("{theme}.{n}")))
                .collect(),
        }
    }
}

/// A title written in the standard's Markdown as plain text: links keep their words, code
/// marks and emphasis go.
pub fn plain(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(open) = rest.find('[') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        // `[words](target)`: keep the words.
        let link = after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end + 1))
        });
        if let Some((close, next)) = link {
            text.push_str(&after[..close]);
            rest = &after[next..];
        } else {
            text.push('[');
            rest = after;
        }
    }
    text.push_str(rest);
    text.replace(['`', '*'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_their_markup() {
        assert_eq!(
            plain(
                "Chaque [image porteuse d’information](#image-porteuse) a-t-elle une [alternative](#alt) ?"
            ),
            "Chaque image porteuse d’information a-t-elle une alternative ?"
        );
        assert_eq!(
            plain("Élément `<img>` [sans lien"),
            "Élément <img> [sans lien"
        );
    }

    #[test]
    fn the_standards_count_their_criteria() {
        assert_eq!(Standard::Rgaa.criteria().len(), 106);
        assert_eq!(Standard::Rgesn.criteria().len(), 79);
        assert_eq!(Standard::Rgesn.criteria()[12], "2.1");
    }
}
