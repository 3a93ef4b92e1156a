//! `GET /api/v1/organisations`: organisations in name order.

use axum::extract::State;
use axum::response::Response;
use pilote_domain::portfolio::Organisation;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters of the organisations list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationFilters {
    /// Ministerial domain (`justice`, `solidarite-sante`, ...).
    pub ministerial_domain: Option<String>,
    /// Words to find in the name or acronym, ignoring case and accents.
    pub q: Option<String>,
}

/// One page of organisations.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct OrganisationPage {
    data: Vec<Organisation>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists organisations.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    tag = "organisations",
    params(OrganisationFilters, Paging),
    responses(
        (status = 200, description = "Une page d'organisations", body = OrganisationPage),
        (status = 422, description = "Pagination invalide", body = ErrorBody),
    )
)]
pub async fn list_organisations(
    State(state): State<AppState>,
    Query(filters): Query<OrganisationFilters>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let q = filters
        .q
        .as_deref()
        .map(pilote_search::fold)
        .filter(|q| !q.is_empty());
    let mut organisations: Vec<(String, &Organisation)> = model
        .portfolio()
        .organisations
        .iter()
        .filter(|o| {
            filters
                .ministerial_domain
                .as_deref()
                .is_none_or(|d| o.ministerial_domain == d)
        })
        .map(|o| {
            (
                pilote_search::fold(&format!(
                    "{} {}",
                    o.name,
                    o.acronym.as_deref().unwrap_or_default()
                )),
                o,
            )
        })
        .filter(|(text, _)| q.as_deref().is_none_or(|q| pilote_search::matches(text, q)))
        .collect();
    organisations.sort_by(|a, b| a.0.cmp(&b.0));
    let page = Page::of(organisations.into_iter().map(|(_, o)| o), paging)?;
    Ok(json_response(render(&page)?))
}
