//! The `data` context: datasets, resources and APIs, access requests to restricted data and the authorisations they grant.
//!
//! Its types arrive with the issue that builds this capability; the module exists so that
//! every layer keeps the same map of contexts.
