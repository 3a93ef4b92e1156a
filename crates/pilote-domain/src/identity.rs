//! The `identity` context: accounts, roles and permissions, API tokens.
//!
//! Its types arrive with the issue that builds this capability; the module exists so that
//! every layer keeps the same map of contexts.
