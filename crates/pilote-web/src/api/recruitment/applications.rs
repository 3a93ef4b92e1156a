//! `/api/v1/applications`: the applications a call's panel or an offer's recruiters review,
//! move along and write about; the candidate withdraws theirs with their secret.
//!
//! Whoever may not read an application is told it does not exist.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use pilote_domain::Slug;
use pilote_domain::identity::{Action, Principal};
use pilote_domain::portfolio::Member;
use pilote_domain::talent::recruitment::{
    self, Application, ApplicationEntry, ApplicationEvent, ApplicationState, Opening, TEXT_MAX,
};
use pilote_store::Consequences;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{call_target, organisation_target, refused, to_candidate};
use crate::api::extract::{JsonValue, Query, parse_record, wanted};
use crate::api::{Page, Paging, json_response, render};
use crate::auth::{Caller, actor_of, authorize, secret};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// An application as its reviewers (and its candidate) see it, with its history.
#[derive(Serialize, ToSchema)]
pub struct ApplicationJson {
    /// The application, the candidate's data included.
    #[serde(flatten)]
    #[schema(inline)]
    pub application: Application,
    /// The challenge's or the offer's title.
    pub opening_title: String,
    /// Changes of state and messages, oldest first.
    pub history: Vec<ApplicationEntry>,
}

/// An application with its history and what it was sent to.
pub(crate) async fn with_history(
    state: &AppState,
    application: Application,
) -> Result<ApplicationJson, ApiError> {
    let opening_title = opening_title(state, &application).await?;
    let history = state.store().application_entries(application.id).await?;
    Ok(ApplicationJson {
        application,
        opening_title,
        history,
    })
}

/// The title of the challenge or the offer an application was sent to.
async fn opening_title(state: &AppState, application: &Application) -> Result<String, ApiError> {
    let store = state.store();
    Ok(match &application.opening {
        Opening::Challenge { proposal, .. } => store.proposal(*proposal).await?.title,
        Opening::JobOffer { offer, .. } => store.job_offer(offer).await?.title,
    })
}

/// Which applications to list: those of one call or of one offer.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationQuery {
    /// The call whose challenges they were sent to (its slug).
    pub call: Option<String>,
    /// The job offer they were sent to (its slug).
    pub offer: Option<String>,
    /// Only those in this state: `received`, `shortlisted`, `interview`, `selected`,
    /// `rejected` or `withdrawn`.
    pub state: Option<String>,
}

/// The confirmed applications of a call or an offer, for `principal` if they review it.
pub(crate) async fn reviewed(
    state: &AppState,
    principal: Option<&Principal>,
    query: &ApplicationQuery,
) -> Result<Vec<Application>, ApiError> {
    let slug =
        |name: &str, raw: &str| Slug::parse(raw).map_err(|e| ApiError::field(name, e.to_string()));
    let store = state.store();
    let (call, offer, target) = match (wanted(query.call.as_ref()), wanted(query.offer.as_ref())) {
        (Some(call), None) => {
            let call = store.call(&slug("call", call)?).await?.slug;
            let target = call_target(&call);
            (Some(call), None, target)
        }
        (None, Some(offer)) => {
            let offer = store.job_offer(&slug("offer", offer)?).await?;
            let target = organisation_target(&offer.organisation);
            (None, Some(offer.slug), target)
        }
        _ => {
            return Err(ApiError::field(
                "call",
                "donnez un appel (call) ou une offre (offer), l'un des deux",
            ));
        }
    };
    authorize(principal, Action::ReadApplications, &[target])?;
    let wanted_state = wanted(query.state.as_ref())
        .map(ApplicationState::parse)
        .transpose()
        .map_err(|e| ApiError::field("state", e.to_string()))?;
    Ok(store
        .applications(call.as_ref(), offer.as_ref())
        .await?
        .into_iter()
        // Unconfirmed, nobody but the candidate has seen them.
        .filter(|a| a.confirmed_at.is_some())
        .filter(|a| wanted_state.is_none_or(|s| a.state == s))
        .collect())
}

/// A page of applications.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct ApplicationPage {
    data: Vec<Application>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// Lists the confirmed applications of a call (for its panel) or of an offer (for its
/// organisation's recruiters), in the order they came.
#[utoipa::path(
    get,
    path = "/api/v1/applications",
    tag = "talent",
    params(ApplicationQuery, Paging),
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "Les candidatures", body = ApplicationPage),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé au jury de l'appel ou aux recruteurs de l'offre", body = ErrorBody),
        (status = 404, description = "Appel ou offre inconnus", body = ErrorBody),
        (status = 422, description = "Paramètre invalide", body = ErrorBody),
    )
)]
pub async fn list_applications(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ApplicationQuery>,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    caller.authenticated()?;
    let applications = reviewed(&state, caller.principal(), &query).await?;
    Ok(json_response(render(&Page::of(
        applications.into_iter(),
        paging,
    )?)?))
}

/// The application of the address, if `principal` may read it; 404 otherwise.
pub(crate) async fn readable(
    state: &AppState,
    principal: &Principal,
    raw: &str,
) -> Result<Application, ApiError> {
    let id = crate::api::indicators::path_id(raw)?;
    let application = state.store().application(id).await?;
    if application.may_read(recruitment::Actor::Person(principal)) {
        Ok(application)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Shows an application with its history, to its reviewers.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}",
    tag = "talent",
    params(("id" = i64, Path, description = "Numéro de la candidature")),
    security(("jeton" = ["read"])),
    responses(
        (status = 200, description = "La candidature", body = ApplicationJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 404, description = "Candidature inconnue, ou qui ne vous revient pas", body = ErrorBody),
    )
)]
pub async fn show_application(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let principal = caller.authenticated()?;
    let application = readable(&state, principal, &id).await?;
    Ok(Json(with_history(&state, application).await?))
}

/// An event to take on an application.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// `shortlist`, `invite`, `select` or `reject` (reviewers); `withdraw` (the candidate).
    pub event: ApplicationEvent,
    /// To the candidate; required to reject.
    #[serde(default)]
    pub message: String,
    /// The candidate's secret, to withdraw without an account.
    #[serde(default)]
    pub token: Option<String>,
}

/// Takes an event on an application: the reviewers shortlist, invite, select or reject;
/// the candidate withdraws with their secret. The candidate is told by e-mail; a selected
/// challenge candidate becomes a member with a mission on the challenge's product.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/events",
    tag = "talent",
    params(("id" = i64, Path, description = "Numéro de la candidature")),
    request_body = EventBody,
    security((), ("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Événement enregistré", body = ApplicationJson),
        (status = 401, description = "Ni jeton d'API ni secret du candidat", body = ErrorBody),
        (status = 403, description = "L'événement revient à l'autre partie", body = ErrorBody),
        (status = 404, description = "Candidature inconnue, ou qui ne vous revient pas", body = ErrorBody),
        (status = 409, description = "Événement impossible dans l'état de la candidature", body = ErrorBody),
        (status = 422, description = "Motif manquant, ou défi sans produit", body = ErrorBody),
    )
)]
pub async fn take_application_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Json<ApplicationJson>, ApiError> {
    let body: EventBody = parse_record(body)?;
    Ok(Json(take(&state, caller.principal(), &id, &body).await?))
}

/// Checks and takes an event for a reviewer or the candidate: the one path of the API and
/// the pages.
pub(crate) async fn take(
    state: &AppState,
    principal: Option<&Principal>,
    id: &str,
    body: &EventBody,
) -> Result<ApplicationJson, ApiError> {
    let number = crate::api::indicators::path_id(id)?;
    let at = pilote_store::timestamp(chrono::Utc::now());
    let digest = body
        .token
        .as_deref()
        .map(|token| secret::hash(token.trim()));
    let (mut application, actor, audit_actor) = match (&digest, principal) {
        (Some(digest), _) => {
            let application = state.store().application(number).await?;
            if !application.holds(digest) {
                return Err(ApiError::NotFound);
            }
            (
                application,
                recruitment::Actor::Token(digest),
                pilote_domain::audit::Actor::system("candidat"),
            )
        }
        (None, Some(principal)) => (
            readable(state, principal, id).await?,
            recruitment::Actor::Person(principal),
            actor_of(principal),
        ),
        (None, None) => {
            return Err(ApiError::Unauthorized(
                "connectez-vous, présentez un jeton d'API, ou le secret de votre courriel",
            ));
        }
    };
    let message = body.message.trim();
    let next = application
        .take(body.event, actor, message, &at)
        .map_err(refused)?;
    let member = match body.event {
        ApplicationEvent::Select => recruited(state, &application).await?,
        _ => None,
    };
    let title = opening_title(state, &application).await?;
    let mut text = format!("Votre candidature à « {title} » : {}.", next.label());
    if !message.is_empty() {
        text.push_str("\n\n");
        text.push_str(message);
    }
    let email = to_candidate(
        &application,
        format!("Votre candidature : {}", next.label()),
        &text,
    );
    let stored = state
        .store()
        .record_application(
            &application,
            Some(body.event),
            message,
            Consequences {
                emails: &[email],
                member: member.as_ref(),
            },
            &audit_actor,
            &at,
        )
        .await?;
    with_history(state, stored).await
}

/// The member a selected challenge candidate becomes, on the challenge's product; none for
/// a job offer (the administration hires outside the network).
async fn recruited(
    state: &AppState,
    application: &Application,
) -> Result<Option<Member>, ApiError> {
    let Opening::Challenge {
        proposal,
        organisation,
        ..
    } = &application.opening
    else {
        return Ok(None);
    };
    let proposal = state.store().proposal(*proposal).await?;
    let Some(product) = proposal.product else {
        return Err(ApiError::field(
            "product",
            "le défi n'a pas encore de produit : l'administrateur de l'appel le renseigne avant de retenir un candidat",
        ));
    };
    let model = state.model();
    let candidate = &application.candidate;
    let base =
        Slug::from_name(&candidate.name).map_err(|e| ApiError::field("name", e.to_string()))?;
    // The same person (same address) keeps their record; a namesake gets a new one.
    let mut chosen = None;
    for n in 1..100 {
        let slug = if n == 1 {
            base.clone()
        } else {
            Slug::parse(&format!("{base}-{n}")).map_err(|e| ApiError::Internal(e.to_string()))?
        };
        match model.member(&slug) {
            None => {
                chosen = Some((slug, None));
                break;
            }
            Some(member) => {
                let personal = model.personal(&slug);
                let email = personal.and_then(|p| p.email.as_deref());
                if email == Some(candidate.email.as_str()) {
                    // The read model keeps personal fields apart: put them back.
                    let mut member = member.clone();
                    member.email = email.map(str::to_owned);
                    member.phone = personal.and_then(|p| p.phone.clone());
                    chosen = Some((slug, Some(member)));
                    break;
                }
            }
        }
    }
    let (slug, existing) =
        chosen.ok_or_else(|| ApiError::Conflict("trop d'homonymes parmi les membres".into()))?;
    let employer = model
        .organisation(organisation)
        .map_or_else(|| organisation.to_string(), |o| o.name.clone());
    Ok(Some(recruitment::recruit(
        candidate,
        slug,
        existing,
        product,
        chrono::Utc::now().date_naive(),
        &employer,
    )))
}

/// A message to the candidate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    /// What to tell them (sent by e-mail, kept in the history).
    pub message: String,
}

/// Writes to the candidate of an application, for its reviewers: by e-mail, and in the
/// history.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/messages",
    tag = "talent",
    params(("id" = i64, Path, description = "Numéro de la candidature")),
    request_body = MessageBody,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Message envoyé", body = ApplicationJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Lecture seule sur cette candidature", body = ErrorBody),
        (status = 404, description = "Candidature inconnue, ou qui ne vous revient pas", body = ErrorBody),
        (status = 422, description = "Message vide ou trop long", body = ErrorBody),
    )
)]
pub async fn write_application_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Json<ApplicationJson>, ApiError> {
    let principal = caller.authenticated()?;
    let body: MessageBody = parse_record(body)?;
    Ok(Json(write(&state, principal, &id, &body.message).await?))
}

/// Checks and sends a reviewer's message: the one path of the API and the pages.
pub(crate) async fn write(
    state: &AppState,
    principal: &Principal,
    id: &str,
    message: &str,
) -> Result<ApplicationJson, ApiError> {
    let application = readable(state, principal, id).await?;
    let actor = authorize(
        Some(principal),
        Action::ReviewApplications,
        &[application.target()],
    )?;
    let message = message.trim();
    if message.is_empty() {
        return Err(ApiError::field("message", "le message est vide"));
    }
    if message.chars().count() > TEXT_MAX {
        return Err(ApiError::field(
            "message",
            format!("{TEXT_MAX} caractères au plus"),
        ));
    }
    let title = opening_title(state, &application).await?;
    let email = to_candidate(
        &application,
        format!("Votre candidature : {title}"),
        message,
    );
    let at = pilote_store::timestamp(chrono::Utc::now());
    let stored = state
        .store()
        .record_application(
            &application,
            None,
            message,
            Consequences {
                emails: &[email],
                member: None,
            },
            &actor,
            &at,
        )
        .await?;
    with_history(state, stored).await
}
