//! The `audit` context: the append-only, hash-chained log of every write.
//!
//! Its types arrive with the issue that builds this capability; the module exists so that
//! every layer keeps the same map of contexts.
