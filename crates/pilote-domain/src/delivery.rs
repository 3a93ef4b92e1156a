//! The `delivery` context: team composition, releases and delivery cadence, investment committees.
//!
//! Its types arrive with the issue that builds this capability; the module exists so that
//! every layer keeps the same map of contexts.
