//! `GET /api/v1/commons/unmatched-techno`: the products' techno values that name no software
//! of the catalogue, or several, for a person to link.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::commons::{UnmatchedTechno, match_techno};

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A page of techno values.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct UnmatchedPage {
    data: Vec<UnmatchedTechno>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the techno values of the portfolio's products that no software's name matches
/// unambiguously (case and accents ignored), each with the products naming it and, when
/// several software bear the name, the candidates.
#[utoipa::path(
    get,
    path = "/api/v1/commons/unmatched-techno",
    tag = "commons",
    params(Paging),
    responses(
        (status = 200, description = "Les technologies à relier", body = UnmatchedPage),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn unmatched_techno(
    State(state): State<AppState>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let catalogue = state.store().load_catalogue().await?;
    let model = state.model();
    let unmatched = match_techno(&model.portfolio().products, &catalogue.software).unmatched;
    Ok(json_response(render(&Page::of(
        unmatched.into_iter(),
        paging,
    )?)?))
}
