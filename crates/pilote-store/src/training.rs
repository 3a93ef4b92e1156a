//! Talent's records through the [`Store`]: the catalogue of trainings and who attended.

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::talent::training::{Attendance, Training};

use crate::{Result, Store};

impl Store {
    /// Adds a training to the catalogue; returns it with its number.
    pub async fn create_training(
        &self,
        training: &Training,
        actor: &Actor,
        at: &str,
    ) -> Result<Training> {
        dispatch!(self, pool => backend::training::create_training(pool, training, actor, at).await)
    }

    /// One training; [`crate::StoreError::NotFound`] when none has this number.
    pub async fn training(&self, id: i64) -> Result<Training> {
        dispatch!(self, pool => backend::training::training(pool, id).await)
    }

    /// The catalogue, latest start first.
    pub async fn trainings(&self) -> Result<Vec<Training>> {
        dispatch!(self, pool => backend::training::trainings(pool).await)
    }

    /// Records that a member attended a training; [`crate::StoreError::NotFound`] without
    /// the training, [`crate::StoreError::Conflict`] when already recorded.
    pub async fn record_attendance(
        &self,
        attendance: &Attendance,
        actor: &Actor,
        at: &str,
    ) -> Result<Attendance> {
        dispatch!(self, pool => backend::training::record_attendance(pool, attendance, actor, at).await)
    }

    /// A training's attendees, by slug.
    pub async fn training_attendees(&self, training: i64) -> Result<Vec<Slug>> {
        dispatch!(self, pool => backend::training::attendees(pool, training).await)
    }

    /// The trainings a member attended, latest start first.
    pub async fn trainings_of(&self, member: &Slug) -> Result<Vec<Training>> {
        dispatch!(self, pool => backend::training::trainings_of(pool, member).await)
    }
}
