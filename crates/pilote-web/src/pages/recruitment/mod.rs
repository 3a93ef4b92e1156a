//! Recruitment's pages: the talent hub (`/talents`), job offers (`/talents/offres`) and calls
//! for challenges (`/talents/appels`) with their application forms, the candidate's page
//! (`/talents/candidature?jeton=…`), and the reviewers' lists and application pages.
//! Every write goes through the API's checks (`api::recruitment`).

mod applications;
mod calls;
mod offers;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use pilote_domain::identity::{Action, Principal};
use pilote_domain::talent::recruitment::Candidate;

use super::form_state::text;
use super::{Layout, PageError, page};
use crate::api::recruitment::apply::Receipt;
use crate::api::recruitment::offers::{OfferQuery, matching_offers};
use crate::api::recruitment::organisation_target;
use crate::auth::Visitor;
use crate::{ApiError, AppState};

pub use applications::{
    application, candidate_acts, candidature, offer_applications, panel, review,
};
pub use calls::{
    apply_to_challenge, call, calls, challenge, create_proposal, judge_proposal, new_proposal,
    proposal,
};
pub use offers::{
    apply_to_offer, create_offer, edit_offer, new_offer, offer, offers, update_offer,
};

fn label(field: &str) -> &str {
    match field {
        "name" => "Nom et prénom",
        "email" => "Adresse électronique",
        "profile" => "Parcours",
        "skills" => "Compétences",
        "motivation" => "Motivation",
        "event" => "Décision",
        "message" => "Message au candidat",
        other => other,
    }
}

/// One option of a filter.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices<'a>(
    all: impl Iterator<Item = (&'a str, &'a str)>,
    chosen: Option<&String>,
) -> Vec<Choice> {
    all.map(|(value, label)| Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected: chosen.is_some_and(|c| c == value),
    })
    .collect()
}

#[derive(Template)]
#[template(path = "talents.html")]
struct TalentsPage {
    layout: Layout,
    offers: usize,
    calls: usize,
}

/// `GET /talents`: the hub of the talent pages.
pub async fn hub(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let offers = matching_offers(&state, None, &OfferQuery::default())
        .await?
        .len();
    let today = chrono::Utc::now().date_naive();
    let calls = state
        .store()
        .calls()
        .await
        .map_err(ApiError::from)?
        .iter()
        .filter(|call| call.is_open(today))
        .count();
    page(&TalentsPage {
        layout: Layout::new("", &[("", "Talents")]),
        offers,
        calls,
    })
}

fn reviews(principal: Option<&Principal>, target: &pilote_domain::identity::Target) -> bool {
    principal.is_some_and(|p| p.may(Action::ReadApplications, target))
}

/// The candidate of an application form.
fn candidate_of(fields: &BTreeMap<String, String>) -> Candidate {
    Candidate {
        name: text(fields, "name"),
        email: text(fields, "email"),
        profile: text(fields, "profile"),
        skills: text(fields, "skills")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        motivation: text(fields, "motivation"),
    }
}

#[derive(Template)]
#[template(path = "application_sent.html")]
struct SentPage {
    layout: Layout,
    title: String,
    receipt: Receipt,
}

fn sent(title: &str, back: (&str, &str), receipt: Receipt) -> Result<Response, PageError> {
    let mut response = page(&SentPage {
        layout: Layout::new(
            "",
            &[("/talents", "Talents"), back, ("", "Candidature reçue")],
        ),
        title: title.to_owned(),
        receipt,
    })?
    .into_response();
    *response.status_mut() = StatusCode::ACCEPTED;
    Ok(response)
}

fn signed_in(visitor: &Visitor) -> Result<&Principal, ApiError> {
    visitor.principal.as_ref().ok_or(ApiError::Unauthorized(
        "connectez-vous pour examiner les candidatures",
    ))
}

/// The organisations `principal` may act for with `action`, by name.
fn organisations_for(
    state: &AppState,
    principal: Option<&Principal>,
    action: Action,
) -> Vec<(String, String)> {
    let model = state.model();
    let mut organisations: Vec<(String, String)> = model
        .portfolio()
        .organisations
        .iter()
        .filter(|o| principal.is_some_and(|p| p.may(action, &organisation_target(&o.slug))))
        .map(|o| (o.slug.to_string(), o.name.clone()))
        .collect();
    organisations.sort_by_cached_key(|(_, name)| pilote_search::fold(name));
    organisations
}
