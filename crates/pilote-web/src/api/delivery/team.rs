//! `GET /api/v1/products/{slug}/team`: a product's current team, the disciplines it covers
//! and lacks against the recommended composition, and its health.

use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use pilote_domain::delivery::{Discipline, TeamComposition, discipline_of};
use pilote_domain::portfolio::{Domaine, MissionStatus};
use serde::Serialize;
use utoipa::ToSchema;

use super::{OnDay, day_of};
use crate::api::extract::Query;
use crate::api::indicators::product_at;
use crate::error::ErrorBody;
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// An active member of the team.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamMember {
    /// The member.
    pub slug: String,
    /// Full name.
    pub fullname: String,
    /// `domaine` in the source.
    pub domaine: Domaine,
    /// The discipline it brings, if any.
    pub discipline: Option<Discipline>,
    /// Whether the current mission is a public agent's (`admin`).
    pub public_agent: bool,
}

/// A product's team.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductTeam {
    /// The product.
    pub product: String,
    /// The day the team is looked at.
    pub date: NaiveDate,
    /// Composition, what is missing, and health.
    #[serde(flatten)]
    pub composition: TeamComposition,
    /// Active members, by name.
    pub members: Vec<TeamMember>,
}

/// The team of a product on `day`.
pub(crate) fn product_team(
    model: &ReadModel,
    product: &pilote_domain::portfolio::Product,
    day: NaiveDate,
) -> ProductTeam {
    let mut members: Vec<TeamMember> = model
        .members_of(&product.slug)
        .filter_map(|member| {
            let current: Vec<_> = member
                .missions
                .iter()
                .filter(|m| m.products.contains(&product.slug) && m.covers(day))
                .collect();
            (!current.is_empty()).then(|| TeamMember {
                slug: member.slug.to_string(),
                fullname: member.fullname.clone(),
                domaine: member.domaine,
                discipline: discipline_of(member.domaine),
                public_agent: current.iter().any(|m| m.status == MissionStatus::Admin),
            })
        })
        .collect();
    members.sort_by(|a, b| a.fullname.cmp(&b.fullname));
    ProductTeam {
        product: product.slug.to_string(),
        date: day,
        composition: model.team_of(product, day),
        members,
    }
}

/// A product's current team against the composition recommended for its phase: the
/// disciplines covered, those missing (« construction sans intrapreneur »), active members,
/// share of public agents and turnover over twelve months.
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/team",
    tag = "delivery",
    params(("slug" = String, Path, description = "Identifiant du produit"), OnDay),
    responses(
        (status = 200, description = "L'équipe du produit", body = ProductTeam),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
        (status = 422, description = "Date invalide", body = ErrorBody),
    )
)]
pub async fn show_team(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<OnDay>,
) -> Result<Json<ProductTeam>, ApiError> {
    let model = state.model();
    let product = product_at(&model, &slug)?;
    Ok(Json(product_team(&model, product, day_of(query.date))))
}
