//! The `commons` context: pooled free software: the interministerial catalogue, its users, referents and contributors.
//!
//! Its types arrive with the issue that builds this capability; the module exists so that
//! every layer keeps the same map of contexts.
