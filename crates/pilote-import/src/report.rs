//! What an import found and did.

use std::fmt;

/// A problem with one field of one record, located in its source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The source file, relative to the imported folder.
    pub file: String,
    /// The 1-based line in that file.
    pub line: usize,
    /// The 1-based position of the record in a file that holds a list of them on one line
    /// (a JSON array); it replaces the line when given.
    pub entry: Option<usize>,
    /// The field, as a path (`phases[2].start`).
    pub field: String,
    /// What is wrong, in French.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.entry {
            Some(entry) => write!(
                f,
                "{} entry {entry}: {}: {}",
                self.file, self.field, self.message
            ),
            None => write!(
                f,
                "{}:{}: {}: {}",
                self.file, self.line, self.field, self.message
            ),
        }
    }
}

/// How an import runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Check and count, but write nothing.
    pub dry_run: bool,
    /// Import the valid records and list the invalid ones instead of stopping.
    pub skip_invalid: bool,
}

/// Counts for one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntityCounts {
    /// Valid records read from the source.
    pub read: usize,
    /// Records new to the store.
    pub created: usize,
    /// Records that differ from the stored ones.
    pub updated: usize,
    /// Records identical to the stored ones.
    pub unchanged: usize,
    /// Stored records the source no longer holds, removed.
    pub deleted: usize,
}

impl EntityCounts {
    /// Records written (or to be written, in a dry run).
    pub fn changed(&self) -> usize {
        self.created + self.updated + self.deleted
    }
}

/// What an import found and did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Counts per kind of record, in a stable order (`organisations`, `products`, ...).
    pub entities: Vec<(&'static str, EntityCounts)>,
    /// Records refused (only with `skip_invalid`).
    pub rejects: Vec<Finding>,
    /// Readable but inconsistent content, imported with a data-quality flag.
    pub warnings: Vec<Finding>,
    /// Whether nothing was written on purpose.
    pub dry_run: bool,
}

impl ImportReport {
    /// Counts for one kind of record.
    pub fn counts(&self, entity: &str) -> EntityCounts {
        self.entities
            .iter()
            .find(|(name, _)| *name == entity)
            .map(|(_, counts)| *counts)
            .unwrap_or_default()
    }

    /// Records written (or to be written, in a dry run), all kinds together.
    pub fn changed(&self) -> usize {
        self.entities
            .iter()
            .map(|(_, counts)| counts.changed())
            .sum()
    }
}
