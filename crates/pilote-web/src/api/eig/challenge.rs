//! `GET /api/v1/eig/challenges/{slug}`: a challenge with its promotion, its people and its
//! key figures.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use pilote_domain::talent::eig::{Programme, Skill};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ChallengeJson, PersonRef, people_named};
use crate::api::path_slug;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A challenge as its page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeDetail {
    /// The challenge and its product.
    #[serde(flatten)]
    pub challenge: ChallengeJson,
    /// Its promotion's name.
    pub promotion_title: String,
    /// The skills sought, with their labels.
    pub skills_sought: Vec<Skill>,
    /// The entrepreneurs, named.
    pub eig_people: Vec<PersonRef>,
    /// The mentors, named.
    pub mentor_people: Vec<PersonRef>,
}

/// The challenge of the address, as its page shows it; 404 when unknown.
pub(crate) fn detail(programme: &Programme, raw: &str) -> Result<ChallengeDetail, ApiError> {
    let slug = path_slug(raw)?;
    let challenge = programme
        .challenge(&slug)
        .ok_or(ApiError::NotFound)?
        .clone();
    Ok(ChallengeDetail {
        promotion_title: programme
            .promotion(&challenge.promotion)
            .map_or_else(|| challenge.promotion.to_string(), |p| p.title.clone()),
        skills_sought: challenge
            .skills
            .iter()
            .filter_map(|s| programme.skill(s).cloned())
            .collect(),
        eig_people: people_named(programme, &challenge.eigs),
        mentor_people: people_named(programme, &challenge.mentors),
        challenge: ChallengeJson::new(challenge),
    })
}

/// Shows a challenge with its key figures, its entrepreneurs and mentors.
#[utoipa::path(
    get,
    path = "/api/v1/eig/challenges/{slug}",
    tag = "talent",
    params(("slug" = String, Path, description = "Identifiant du défi")),
    responses(
        (status = 200, description = "Le défi", body = ChallengeDetail),
        (status = 404, description = "Défi inconnu", body = ErrorBody),
    )
)]
pub async fn show_challenge(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let programme = state.store().eig_programme().await?;
    Ok(Json(detail(&programme, &slug)?).into_response())
}
