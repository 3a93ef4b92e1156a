//! `/api/v1/trainings`: the catalogue of trainings offered to the network's members and
//! who attended them. Everyone reads it; administrators write it.

pub mod attend;
pub mod create;
pub mod list;
pub mod show;

use pilote_domain::talent::training::Training;
use serde::Serialize;
use utoipa::ToSchema;

use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// A member who attended, as the API shows them.
#[derive(Serialize, ToSchema)]
pub struct Attendee {
    /// The member's slug.
    pub member: String,
    /// The member's name, when the network still holds them.
    pub fullname: Option<String>,
}

/// A training with its attendees.
#[derive(Serialize, ToSchema)]
pub struct TrainingJson {
    /// The training.
    #[serde(flatten)]
    #[schema(inline)]
    pub training: Training,
    /// Who attended, by slug.
    pub attendees: Vec<Attendee>,
}

/// The training of the address; 404 when unknown.
pub(crate) async fn training_at(state: &AppState, raw: &str) -> Result<Training, ApiError> {
    let id = crate::api::indicators::path_id(raw)?;
    Ok(state.store().training(id).await?)
}

/// A training with its attendees named from the read model.
pub(crate) async fn with_attendees(
    state: &AppState,
    model: &ReadModel,
    training: Training,
) -> Result<TrainingJson, ApiError> {
    let attendees = state
        .store()
        .training_attendees(training.id)
        .await?
        .into_iter()
        .map(|slug| Attendee {
            fullname: model.member(&slug).map(|m| m.fullname.clone()),
            member: slug.to_string(),
        })
        .collect();
    Ok(TrainingJson {
        training,
        attendees,
    })
}
