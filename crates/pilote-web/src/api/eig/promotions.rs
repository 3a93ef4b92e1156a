//! `GET /api/v1/eig/promotions`: the programme's promotions, latest first.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::talent::eig::Promotion;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A promotion with how many challenges it held.
#[derive(Debug, Serialize, ToSchema)]
pub struct PromotionJson {
    /// The promotion.
    #[serde(flatten)]
    #[schema(inline)]
    pub promotion: Promotion,
    /// Its challenges.
    pub challenges: usize,
    /// Its entrepreneurs.
    pub eigs: usize,
}

/// A page of promotions.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct PromotionPage {
    data: Vec<PromotionJson>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the promotions, latest first.
#[utoipa::path(
    get,
    path = "/api/v1/eig/promotions",
    tag = "talent",
    params(Paging),
    responses(
        (status = 200, description = "Les promotions", body = PromotionPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_promotions(
    State(state): State<AppState>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let programme = state.store().eig_programme().await?;
    let mut promotions: Vec<PromotionJson> = programme
        .promotions
        .iter()
        .map(|p| {
            let held: Vec<_> = programme
                .challenges
                .iter()
                .filter(|c| c.promotion == p.slug)
                .collect();
            let mut eigs: Vec<_> = held.iter().flat_map(|c| &c.eigs).collect();
            eigs.sort();
            eigs.dedup();
            PromotionJson {
                promotion: p.clone(),
                challenges: held.len(),
                eigs: eigs.len(),
            }
        })
        .collect();
    promotions.sort_by(|a, b| {
        b.promotion
            .year
            .cmp(&a.promotion.year)
            .then_with(|| a.promotion.slug.cmp(&b.promotion.slug))
    });
    Ok(json_response(render(&Page::of(
        promotions.into_iter(),
        paging,
    )?)?))
}
