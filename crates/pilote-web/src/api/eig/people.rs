//! `GET /api/v1/eig/people`: the programme's people, with the fields it published.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::talent::eig::{EigRole, Person};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::{Query, wanted};
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters of the people list; an empty value means no filter.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// `eig`, `mentor` or `coach`.
    pub role: Option<String>,
    /// People of this promotion (its slug).
    pub promotion: Option<String>,
    /// People of this challenge (its slug).
    pub challenge: Option<String>,
}

/// A page of people.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct PersonPage {
    data: Vec<Person>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the programme's people by name: their role, profile, years, promotions,
/// challenges, skills and public links.
#[utoipa::path(
    get,
    path = "/api/v1/eig/people",
    tag = "talent",
    params(PeopleQuery, Paging),
    responses(
        (status = 200, description = "Les personnes du programme", body = PersonPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_people(
    State(state): State<AppState>,
    Query(query): Query<PeopleQuery>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let role = wanted(query.role.as_ref())
        .map(|r| EigRole::parse(r).map_err(|e| ApiError::field("role", e.to_string())))
        .transpose()?;
    let mut people = state.store().eig_programme().await?.people;
    if let Some(role) = role {
        people.retain(|p| p.role == role);
    }
    if let Some(promotion) = wanted(query.promotion.as_ref()) {
        people.retain(|p| p.promotions.iter().any(|s| s.as_str() == promotion));
    }
    if let Some(challenge) = wanted(query.challenge.as_ref()) {
        people.retain(|p| p.challenges.iter().any(|s| s.as_str() == challenge));
    }
    people.sort_by_cached_key(|p| pilote_domain::text::fold(&p.name));
    Ok(json_response(render(&Page::of(
        people.into_iter(),
        paging,
    )?)?))
}
