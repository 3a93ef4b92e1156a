//! `GET /api/v1/commons/figures`: the catalogue's critical mass by category and licence
//! family.

use axum::Json;
use axum::extract::State;
use pilote_domain::commons::{Figures, figures};
use pilote_store::Catalogue;

use crate::{ApiError, AppState};

/// How many software of the catalogue are thriving, fragile or orphan, overall, by category
/// and by licence family (copyleft strong or weak, permissive, other).
#[utoipa::path(
    get,
    path = "/api/v1/commons/figures",
    tag = "commons",
    responses((status = 200, description = "La masse critique du catalogue", body = Figures))
)]
pub async fn commons_figures(State(state): State<AppState>) -> Result<Json<Figures>, ApiError> {
    let catalogue = state.store().load_catalogue().await?;
    Ok(Json(catalogue_figures(&catalogue)))
}

/// The figures of `catalogue`; the page shares them.
pub(crate) fn catalogue_figures(catalogue: &Catalogue) -> Figures {
    let masses: Vec<_> = catalogue
        .software
        .iter()
        .map(|s| catalogue.mass_of(s))
        .collect();
    let own = catalogue
        .contributors
        .iter()
        .filter(|c| c.software.is_none())
        .count();
    figures(catalogue.software.iter().zip(masses.iter()), own)
}
