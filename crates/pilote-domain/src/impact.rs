//! The `impact` context: typed impact indicators, their measurements, budgets and roll-ups.
//!
//! Its types arrive with the issue that builds this capability; the module exists so that
//! every layer keeps the same map of contexts.
