//! `GET /api/v1/members`: members, with only the fields the network publishes.

use std::collections::BTreeSet;

use axum::extract::{OriginalUri, State};
use axum::response::Response;
use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::portfolio::{Domaine, Member};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::Query;
use crate::api::{Page, Paging, json_response, render};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Filters of the members list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberFilters {
    /// Discipline, as the network writes it (`Développement`, `Design`, ...).
    pub domaine: Option<String>,
    /// Slug of a product the member worked on.
    pub product: Option<String>,
    /// `true`: only members with a mission covering today.
    pub active: Option<bool>,
    /// Words to find in the full name, ignoring case and accents.
    pub q: Option<String>,
}

/// A member in a list: the public fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberSummary<'a> {
    /// Identifier.
    #[schema(value_type = String)]
    pub slug: &'a Slug,
    /// Full name.
    pub fullname: &'a str,
    /// Role.
    pub role: &'a str,
    /// Discipline.
    pub domaine: Domaine,
    /// Skills.
    pub competences: &'a [String],
    /// Forge account.
    pub github: Option<&'a str>,
    /// Personal page.
    pub link: Option<&'a str>,
    /// Products of all missions.
    #[schema(value_type = Vec<String>)]
    pub products: BTreeSet<&'a Slug>,
    /// First day of the first mission.
    pub first_mission_start: Option<NaiveDate>,
    /// Last day of the last mission.
    pub last_mission_end: Option<NaiveDate>,
    /// Whether a mission covers today.
    pub active: bool,
}

impl<'a> MemberSummary<'a> {
    fn new(member: &'a Member, today: NaiveDate) -> Self {
        Self {
            slug: &member.slug,
            fullname: &member.fullname,
            role: &member.role,
            domaine: member.domaine,
            competences: &member.competences,
            github: member.github.as_deref(),
            link: member.link.as_deref(),
            products: member.missions.iter().flat_map(|m| &m.products).collect(),
            first_mission_start: member.missions.iter().map(|m| m.start).min(),
            last_mission_end: member.missions.iter().filter_map(|m| m.end).max(),
            active: member.is_active_on(today),
        }
    }
}

/// One page of members.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct MemberPage<'a> {
    data: Vec<MemberSummary<'a>>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists members in name order.
#[utoipa::path(
    get,
    path = "/api/v1/members",
    tag = "members",
    params(MemberFilters, Paging),
    responses(
        (status = 200, description = "Une page de membres", body = MemberPage),
        (status = 422, description = "Filtre invalide", body = ErrorBody),
    )
)]
pub async fn list_members(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Query(filters): Query<MemberFilters>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let model = state.model();
    let today = chrono::Local::now().date_naive();
    // Activity depends on the day: it is part of the key.
    let key = format!("members?{}@{today}", uri.query().unwrap_or_default());
    let body = model.cached(&key, || {
        let domaine = filters
            .domaine
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(|d| Domaine::parse(d).map_err(|e| ApiError::field("domaine", e.to_string())))
            .transpose()?;
        let q = filters
            .q
            .as_deref()
            .map(pilote_search::fold)
            .filter(|q| !q.is_empty());
        let product = filters.product.as_deref().filter(|p| !p.is_empty());
        let members = model
            .members_by_name()
            .filter(|(member, name)| {
                domaine.is_none_or(|d| member.domaine == d)
                    && filters
                        .active
                        .is_none_or(|active| member.is_active_on(today) == active)
                    && product.is_none_or(|p| {
                        member
                            .missions
                            .iter()
                            .flat_map(|m| &m.products)
                            .any(|s| s.as_str() == p)
                    })
                    && q.as_deref().is_none_or(|q| pilote_search::matches(name, q))
            })
            .map(|(member, _)| MemberSummary::new(member, today));
        Ok::<_, ApiError>(render(&Page::of(members, paging)?)?)
    })?;
    Ok(json_response(body))
}
