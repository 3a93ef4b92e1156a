//! The `quality` context: the quality observatory: RGAA audits, RGESN, `EcoIndex`, probes, identity and hosting records.
//!
//! Its types arrive with the issue that builds this capability; the module exists so that
//! every layer keeps the same map of contexts.
