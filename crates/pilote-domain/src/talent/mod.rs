//! The `talent` context: EIG challenges, cohorts, applications, job offers, trainings and
//! retention.

pub mod retention;
pub mod training;
