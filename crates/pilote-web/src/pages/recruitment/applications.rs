//! Applications' pages: the candidate's own (with their secret), and the reviewers' lists
//! and application page with the forms to decide and write.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::identity::{Action, Principal};
use pilote_domain::talent::recruitment::{Application, ApplicationEvent};
use serde::Deserialize;

use crate::api::recruitment::applications::{
    ApplicationJson, ApplicationQuery, EventBody, readable, reviewed, with_history,
};
use crate::api::recruitment::call_at;
use crate::api::recruitment::offers::visible_offer;
use crate::api::recruitment::proposals::{ProposalJson, scored};
use crate::auth::{Visitor, secret};
use crate::pages::form_state::{FormState, text};
use crate::pages::{Layout, PageError, page, rerender};
use crate::{ApiError, AppState};

use super::{label, signed_in};

/// The secret a candidate's link carries.
#[derive(Deserialize)]
pub struct Secret {
    jeton: Option<String>,
}

#[derive(Template)]
#[template(path = "candidature.html")]
struct CandidaturePage {
    layout: Layout,
    json: ApplicationJson,
    secret: String,
    confirmed: bool,
    closed: bool,
}

fn candidature_page(json: ApplicationJson, secret: String) -> CandidaturePage {
    CandidaturePage {
        layout: Layout::new("", &[("/talents", "Talents"), ("", "Ma candidature")]),
        confirmed: json.application.confirmed_at.is_some(),
        closed: json.application.state.is_closed(),
        json,
        secret,
    }
}

/// `GET /talents/candidature?jeton=…`: the candidate's own application, to confirm,
/// follow or withdraw. Opening the link confirms nothing: a mail scanner may open it.
pub async fn candidature(
    State(state): State<AppState>,
    Query(secret): Query<Secret>,
) -> Result<Html<String>, PageError> {
    let secret = secret.jeton.unwrap_or_default();
    let application = state
        .store()
        .application_with_token(&secret::hash(secret.trim()))
        .await
        .map_err(ApiError::from)?
        .ok_or(ApiError::NotFound)?;
    let json = with_history(&state, application).await?;
    page(&candidature_page(json, secret))
}

/// `POST /talents/candidature`: the candidate confirms (`action=confirmer`) or withdraws
/// (`action=retirer`) with their secret.
pub async fn candidate_acts(
    State(state): State<AppState>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let secret = text(&fields, "jeton");
    let json = match text(&fields, "action").as_str() {
        "confirmer" => crate::api::recruitment::apply::confirm(&state, &secret).await?,
        "retirer" => {
            let application = state
                .store()
                .application_with_token(&secret::hash(&secret))
                .await
                .map_err(ApiError::from)?
                .ok_or(ApiError::NotFound)?;
            let body = EventBody {
                event: ApplicationEvent::Withdraw,
                message: String::new(),
                token: Some(secret.clone()),
            };
            crate::api::recruitment::applications::take(
                &state,
                None,
                &application.id.to_string(),
                &body,
            )
            .await?
        }
        _ => return Err(ApiError::field("action", "« confirmer » ou « retirer »").into()),
    };
    Ok(page(&candidature_page(json, secret))?.into_response())
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ApplicationsPage {
    layout: Layout,
    heading: String,
    applications: Vec<Application>,
    proposals: Vec<ProposalJson>,
}

/// `GET /talents/appels/{slug}/jury`: the panel's view of a call: its proposals with their
/// scores, and the applications to its challenges.
pub async fn panel(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let call = call_at(&state, &slug).await?;
    let principal = visitor.principal.as_ref();
    let query = ApplicationQuery {
        call: Some(call.slug.to_string()),
        ..ApplicationQuery::default()
    };
    let applications = reviewed(&state, principal, &query).await?;
    let proposals = scored(&state, principal, &call).await?;
    let call_link = format!("/talents/appels/{}", call.slug);
    page(&ApplicationsPage {
        layout: Layout::new(
            "",
            &[
                ("/talents", "Talents"),
                ("/talents/appels", "Appels à défis"),
                (&call_link, &call.title),
                ("", "Espace du jury"),
            ],
        ),
        heading: format!("Espace du jury : {}", call.title),
        applications,
        proposals,
    })
}

/// `GET /talents/offres/{slug}/candidatures`: the recruiters' view of an offer.
pub async fn offer_applications(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let principal = visitor.principal.as_ref();
    let offer = visible_offer(&state, principal, &slug).await?;
    let query = ApplicationQuery {
        offer: Some(offer.slug.to_string()),
        ..ApplicationQuery::default()
    };
    let applications = reviewed(&state, principal, &query).await?;
    let offer_link = format!("/talents/offres/{}", offer.slug);
    page(&ApplicationsPage {
        layout: Layout::new(
            "",
            &[
                ("/talents", "Talents"),
                ("/talents/offres", "Offres d’emploi"),
                (&offer_link, &offer.title),
                ("", "Candidatures"),
            ],
        ),
        heading: format!("Candidatures : {}", offer.title),
        applications,
        proposals: Vec::new(),
    })
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage {
    layout: Layout,
    json: ApplicationJson,
    events: Vec<(&'static str, &'static str)>,
    may_review: bool,
    form: FormState,
}

async fn application_page(
    state: &AppState,
    principal: &Principal,
    id: &str,
    form: FormState,
) -> Result<ApplicationPage, PageError> {
    let application = readable(state, principal, id).await?;
    let may_review = principal.may(Action::ReviewApplications, &application.target());
    let events = ApplicationEvent::ALL
        .iter()
        .filter(|event| event.next(application.state).is_some())
        .filter(|event| !matches!(event, ApplicationEvent::Withdraw))
        .map(|event| (event.as_str(), event.label()))
        .collect();
    let json = with_history(state, application).await?;
    let title = format!("Candidature no {}", json.application.id);
    let mut layout = Layout::new("", &[("/talents", "Talents"), ("", &title)]);
    layout.has_errors = !form.errors.is_empty();
    Ok(ApplicationPage {
        layout,
        json,
        events,
        may_review,
        form,
    })
}

/// `GET /talents/candidatures/{id}`: an application, for its reviewers.
pub async fn application(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let principal = signed_in(&visitor)?;
    page(&application_page(&state, principal, &id, FormState::new(label)).await?)
}

/// `POST /talents/candidatures/{id}`: a reviewer's decision (`event`) or message.
pub async fn review(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = signed_in(&visitor)?;
    let message = text(&fields, "message");
    let attempt = match text(&fields, "event").as_str() {
        "" => crate::api::recruitment::applications::write(&state, principal, &id, &message).await,
        event => match ApplicationEvent::parse(event) {
            Ok(event) => {
                let body = EventBody {
                    event,
                    message,
                    token: None,
                };
                crate::api::recruitment::applications::take(&state, Some(principal), &id, &body)
                    .await
            }
            Err(error) => Err(ApiError::field("event", error.to_string())),
        },
    };
    match attempt {
        Ok(json) => Ok(Redirect::to(&format!(
            "/talents/candidatures/{}#historique",
            json.application.id
        ))
        .into_response()),
        Err(error @ (ApiError::Unprocessable(_) | ApiError::Conflict(_))) => {
            let error = match error {
                ApiError::Conflict(message) => ApiError::field("event", message),
                other => other,
            };
            let form = FormState::from_error(fields, error, label)?;
            rerender(application_page(&state, principal, &id, form).await?)
        }
        Err(error) => Err(error.into()),
    }
}
