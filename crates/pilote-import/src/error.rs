//! The import layer's one error type.

use std::path::PathBuf;

use crate::Finding;

/// Why an import stopped without writing anything.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The source could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// What was being read.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The folder does not look like the expected source.
    #[error("{path} is not a {expected} (expected {hint})")]
    NotASource {
        /// The folder given.
        path: PathBuf,
        /// What was expected.
        expected: &'static str,
        /// What it should contain.
        hint: &'static str,
    },
    /// Invalid records were found; nothing was written.
    #[error("{} invalid record(s); nothing was written:\n{}", .0.len(), list(.0))]
    Invalid(Vec<Finding>),
    /// The store failed; its transaction was rolled back.
    #[error(transparent)]
    Store(#[from] pilote_store::StoreError),
}

fn list(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|finding| format!("  {finding}"))
        .collect::<Vec<_>>()
        .join("\n")
}
