//! The `talent` context: EIG challenges, cohorts, applications, job offers and retention.
//!
//! Its types arrive with the issue that builds this capability; the module exists so that
//! every layer keeps the same map of contexts.
