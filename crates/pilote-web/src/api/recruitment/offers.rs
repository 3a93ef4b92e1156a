//! `/api/v1/job-offers`: job offers for digital roles in administrations. Everyone reads
//! the published ones; an organisation's recruiters (and administrators) write them and
//! see its drafts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pilote_domain::identity::{Action, Principal};
use pilote_domain::portfolio::Domaine;
use pilote_domain::talent::recruitment::{ContractType, JobOffer, RemotePolicy};
use pilote_store::OfferFilters;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::organisation_target;
use crate::api::extract::{JsonValue, Query, parse_record, wanted};
use crate::api::{Page, Paging, json_response, path_slug, render};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Orders of the job offers list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub enum OfferSort {
    /// Soonest closing first.
    #[default]
    #[serde(rename = "closes_on")]
    ClosesOn,
    /// Latest closing first.
    #[serde(rename = "-closes_on")]
    ClosesOnDesc,
    /// By title.
    #[serde(rename = "title")]
    Title,
}

impl OfferSort {
    /// Every order, as offered to users.
    pub const ALL: [Self; 3] = [Self::ClosesOn, Self::ClosesOnDesc, Self::Title];

    /// The value in a query string.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ClosesOn => "closes_on",
            Self::ClosesOnDesc => "-closes_on",
            Self::Title => "title",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::ClosesOn => "Clôture la plus proche d’abord",
            Self::ClosesOnDesc => "Clôture la plus lointaine d’abord",
            Self::Title => "Intitulé (A à Z)",
        }
    }
}

/// Which job offers to list. Forms send every field: an empty one filters nothing.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfferQuery {
    /// Only this discipline (`Développement`, `Data`, `Design`, …).
    pub domaine: Option<String>,
    /// Only this contract: `titulaire`, `cdd`, `cdi`, `alternance` or `stage`.
    pub contract: Option<String>,
    /// Only this remote policy: `on_site`, `partial` or `full`.
    pub remote: Option<String>,
    /// Only this organisation's (its slug).
    pub organisation: Option<String>,
    /// `true` to list also the offers whose closing date has passed.
    pub closed: Option<String>,
    /// `closes_on` (default), `-closes_on` or `title`.
    pub sort: Option<String>,
}

/// A filter parsed from its query parameter, or a 422 naming it.
fn parsed<T>(
    name: &str,
    value: Option<&String>,
    parse: impl Fn(&str) -> Result<T, pilote_domain::DomainError>,
) -> Result<Option<T>, ApiError> {
    wanted(value)
        .map(|raw| parse(raw).map_err(|e| ApiError::field(name, e.to_string())))
        .transpose()
}

impl OfferQuery {
    /// The order asked for, checked.
    pub fn order(&self) -> Result<OfferSort, ApiError> {
        match wanted(self.sort.as_ref()) {
            None => Ok(OfferSort::default()),
            Some(raw) => OfferSort::ALL
                .into_iter()
                .find(|sort| sort.as_str() == raw)
                .ok_or_else(|| {
                    ApiError::field("sort", "« closes_on », « -closes_on » ou « title »")
                }),
        }
    }

    /// Whether closed offers are wanted, checked.
    fn with_closed(&self) -> Result<bool, ApiError> {
        match wanted(self.closed.as_ref()) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(ApiError::field("closed", "« true » ou « false »")),
        }
    }
}

/// The offers `principal` may see that match `query`, in its order: the published ones,
/// and the drafts of the organisations they recruit for.
pub(crate) async fn matching_offers(
    state: &AppState,
    principal: Option<&Principal>,
    query: &OfferQuery,
) -> Result<Vec<JobOffer>, ApiError> {
    let may_manage = |offer: &JobOffer| {
        principal.is_some_and(|p| {
            p.may(
                Action::ManageJobOffers,
                &organisation_target(&offer.organisation),
            )
        })
    };
    let filters = OfferFilters {
        published_only: !principal.is_some_and(|p| p.may_somewhere(Action::ManageJobOffers)),
        domaine: parsed("domaine", query.domaine.as_ref(), Domaine::parse)?,
        contract: parsed("contract", query.contract.as_ref(), ContractType::parse)?,
        remote: parsed("remote", query.remote.as_ref(), RemotePolicy::parse)?,
        organisation: parsed(
            "organisation",
            query.organisation.as_ref(),
            pilote_domain::Slug::parse,
        )?,
    };
    let order = query.order()?;
    let with_closed = query.with_closed()?;
    let today = chrono::Utc::now().date_naive();
    let mut offers: Vec<JobOffer> = state
        .store()
        .job_offers(&filters)
        .await?
        .into_iter()
        .filter(|offer| offer.published || may_manage(offer))
        .filter(|offer| with_closed || offer.closes_on >= today)
        .collect();
    match order {
        OfferSort::ClosesOn => {
            offers.sort_by(|a, b| (a.closes_on, &a.title).cmp(&(b.closes_on, &b.title)));
        }
        OfferSort::ClosesOnDesc => {
            offers.sort_by(|a, b| (b.closes_on, &a.title).cmp(&(a.closes_on, &b.title)));
        }
        OfferSort::Title => offers.sort_by(|a, b| a.title.cmp(&b.title)),
    }
    Ok(offers)
}

/// A page of job offers.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct JobOfferPage {
    data: Vec<JobOffer>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the job offers still open, filtered, sorted and paged.
#[utoipa::path(
    get,
    path = "/api/v1/job-offers",
    tag = "talent",
    params(OfferQuery, Paging),
    responses(
        (status = 200, description = "Les offres d'emploi", body = JobOfferPage),
        (status = 422, description = "Filtre invalide", body = ErrorBody),
    )
)]
pub async fn list_job_offers(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<OfferQuery>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let offers = matching_offers(&state, caller.principal(), &query).await?;
    Ok(json_response(render(&Page::of(
        offers.into_iter(),
        paging,
    )?)?))
}

/// The offer of the address as `principal` may see it: a draft is its recruiters' only.
pub(crate) async fn visible_offer(
    state: &AppState,
    principal: Option<&Principal>,
    raw: &str,
) -> Result<JobOffer, ApiError> {
    let offer = state.store().job_offer(&path_slug(raw)?).await?;
    let target = organisation_target(&offer.organisation);
    if offer.published || principal.is_some_and(|p| p.may(Action::ManageJobOffers, &target)) {
        Ok(offer)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Shows a job offer.
#[utoipa::path(
    get,
    path = "/api/v1/job-offers/{slug}",
    tag = "talent",
    params(("slug" = String, Path, description = "Identifiant de l'offre")),
    responses(
        (status = 200, description = "L'offre", body = JobOffer),
        (status = 404, description = "Offre inconnue ou non publiée", body = ErrorBody),
    )
)]
pub async fn show_job_offer(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<JobOffer>, ApiError> {
    Ok(Json(
        visible_offer(&state, caller.principal(), &slug).await?,
    ))
}

/// Creates or replaces a job offer, for the organisation's recruiters.
#[utoipa::path(
    put,
    path = "/api/v1/job-offers/{slug}",
    tag = "talent",
    params(("slug" = String, Path, description = "Identifiant de l'offre")),
    request_body = JobOffer,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Offre modifiée", body = JobOffer),
        (status = 201, description = "Offre créée", body = JobOffer),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux recruteurs de l'organisation", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn put_job_offer(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(mut body): JsonValue,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let slug = path_slug(&slug)?;
    if let Some(object) = body.as_object_mut() {
        object.insert("slug".into(), serde_json::Value::String(slug.to_string()));
    }
    let offer: JobOffer = parse_record(body)?;
    let (saved, created) = save(&state, caller.principal(), offer).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(saved)).into_response())
}

/// Checks and stores an offer for `principal`: the one path of the API and the form.
/// Returns it, and whether it is new.
pub(crate) async fn save(
    state: &AppState,
    principal: Option<&Principal>,
    mut offer: JobOffer,
) -> Result<(JobOffer, bool), ApiError> {
    let before = match state.store().job_offer(&offer.slug).await {
        Ok(before) => Some(before),
        Err(pilote_store::StoreError::NotFound) => None,
        Err(other) => return Err(other.into()),
    };
    // Moving an offer needs the right on both organisations.
    let mut targets = vec![organisation_target(&offer.organisation)];
    targets.extend(before.iter().map(|b| organisation_target(&b.organisation)));
    let actor = authorize(principal, Action::ManageJobOffers, &targets)?;
    if state.model().organisation(&offer.organisation).is_none() {
        return Err(ApiError::field("organisation", "organisation inconnue"));
    }
    crate::api::refuse_problems(offer.validate())?;
    let saved = state.store().save_job_offer(&offer, &actor).await?;
    Ok((saved, before.is_none()))
}
