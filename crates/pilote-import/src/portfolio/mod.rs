//! The `portfolio` context's sources: the beta.gouv.fr network's published content.

pub mod beta;
