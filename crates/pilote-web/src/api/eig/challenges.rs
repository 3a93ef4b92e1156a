//! `GET /api/v1/eig/challenges`: the challenges, filtered by promotion and year, sorted and
//! paged.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::talent::eig::Challenge;
use serde::Deserialize;
use utoipa::IntoParams;

use super::ChallengeJson;
use crate::api::extract::{Query, wanted};
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters and order of the challenge list; an empty value means no filter.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChallengeQuery {
    /// Challenges of this promotion (its slug: `eig-4`, `dig`).
    pub promotion: Option<String>,
    /// Challenges of this year.
    pub year: Option<String>,
    /// `title` (the default), `year` (oldest first) or `-year` (latest first), ties by title.
    pub sort: Option<String>,
}

/// A page of challenges.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct ChallengePage {
    data: Vec<ChallengeJson>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// The challenges matching `query`, in its order.
pub(crate) fn matching(
    mut challenges: Vec<Challenge>,
    query: &ChallengeQuery,
) -> Result<Vec<Challenge>, ApiError> {
    let year = wanted(query.year.as_ref())
        .map(|y| {
            y.parse::<i32>()
                .map_err(|_| ApiError::field("year", format!("année invalide : « {y} »")))
        })
        .transpose()?;
    if let Some(promotion) = wanted(query.promotion.as_ref()) {
        challenges.retain(|c| c.promotion.as_str() == promotion);
    }
    if let Some(year) = year {
        challenges.retain(|c| c.year == year);
    }
    let title = |c: &Challenge| pilote_domain::text::fold(&c.title);
    match wanted(query.sort.as_ref()).unwrap_or("title") {
        "title" => challenges.sort_by_cached_key(title),
        "year" => challenges.sort_by_cached_key(|c| (c.year, title(c))),
        "-year" => challenges.sort_by_cached_key(|c| (std::cmp::Reverse(c.year), title(c))),
        other => {
            return Err(ApiError::field(
                "sort",
                format!("tri inconnu « {other} » (title, year ou -year)"),
            ));
        }
    }
    Ok(challenges)
}

/// Lists the challenges, by title unless another order is asked.
#[utoipa::path(
    get,
    path = "/api/v1/eig/challenges",
    tag = "talent",
    params(ChallengeQuery, Paging),
    responses(
        (status = 200, description = "Les défis", body = ChallengePage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_challenges(
    State(state): State<AppState>,
    Query(query): Query<ChallengeQuery>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let programme = state.store().eig_programme().await?;
    let challenges = matching(programme.challenges, &query)?;
    Ok(json_response(render(&Page::of(
        challenges.into_iter().map(ChallengeJson::new),
        paging,
    )?)?))
}
