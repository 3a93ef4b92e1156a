//! The `talent` context: EIG challenges, cohorts, applications, job offers, trainings and
//! retention.

pub mod eig;
pub mod recruitment;
pub mod retention;
pub mod training;
