//! The datalab's data projects, linked to the products and datasets they use.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocabulary::vocabulary;
use crate::{DomainError, Slug};

vocabulary! {
    /// Where a data project stands.
    #[derive(Default)]
    pub enum ProjectStatus ("statut du projet") {
        /// Proposed to the datalab, not started.
        #[default]
        Proposed = ("proposed", "Proposé"),
        /// Being built.
        InProgress = ("in_progress", "En cours"),
        /// Delivered.
        Completed = ("completed", "Terminé"),
        /// Stopped before its end.
        Abandoned = ("abandoned", "Abandonné"),
    }
}

/// A project of the datalab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DataProject {
    /// Its stable identifier.
    #[schema(value_type = String)]
    pub slug: Slug,
    /// Its name.
    pub title: String,
    /// Where it stands.
    #[serde(default)]
    pub status: ProjectStatus,
    /// What it does (Markdown).
    #[serde(default)]
    pub description: String,
    /// The products of the portfolio it serves, by slug.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub products: Vec<Slug>,
    /// The datasets it uses, by slug.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub datasets: Vec<Slug>,
}

impl DataProject {
    /// Checks what a project must say: a title, and each link once.
    pub fn validate(&self) -> Result<(), (&'static str, DomainError)> {
        if self.title.trim().is_empty() {
            return Err(("title", DomainError::Required));
        }
        for (field, links) in [("products", &self.products), ("datasets", &self.datasets)] {
            let mut sorted = links.clone();
            sorted.sort();
            sorted.dedup();
            if sorted.len() != links.len() {
                return Err((field, DomainError::Inconsistent("un lien figure deux fois")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_rules() {
        let slug = |s: &str| Slug::parse(s).unwrap();
        let project = DataProject {
            slug: slug("lac"),
            title: "Lutte contre la fraude".into(),
            status: ProjectStatus::InProgress,
            description: String::new(),
            products: vec![slug("a-just")],
            datasets: vec![slug("base-adresse-nationale")],
        };
        assert_eq!(project.validate(), Ok(()));
        assert_eq!(
            ProjectStatus::parse("in_progress"),
            Ok(ProjectStatus::InProgress)
        );
        let twice = DataProject {
            datasets: vec![slug("ban"), slug("ban")],
            ..project.clone()
        };
        assert_eq!(twice.validate().unwrap_err().0, "datasets");
        let untitled = DataProject {
            title: String::new(),
            ..project
        };
        assert_eq!(untitled.validate().unwrap_err().0, "title");
    }
}
