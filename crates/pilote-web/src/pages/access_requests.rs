//! Access requests to restricted data: the list (one's organisation's requests, and the
//! queue of the producers one instructs, filtered by state and age), the form to start or
//! change a request, and a request's page with its trail, its authorisations and the forms
//! of the events and messages the visitor may write.
//!
//! Forms go through the same checks as the API (`api::access_requests`); a request one may
//! not see does not exist here either.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::Slug;
use pilote_domain::data::{
    AccessEvent, AccessForm, AccessRequest, AccessState, Authorisation, Side, TrailEntry, TrailKind,
};
use pilote_domain::identity::{Action, Principal};
use serde::Deserialize;

use super::form_state::{FormState, one_page, page_number, text, when};
use super::{Layout, PageError, Pagination, page};
use crate::api::access_requests::list::{AccessFilters, visible};
use crate::api::access_requests::request_for;
use crate::auth::Visitor;
use crate::{ApiError, AppState};

/// The label users read for a field name.
fn label(field: &str) -> &str {
    match field {
        "dataset" => "Jeu de données",
        "api" => "API",
        "siret" => "Organisation (SIRET)",
        "title" => "Intitulé du projet",
        "purpose" => "Finalité",
        "legal_basis" => "Cadre juridique",
        "legal_basis_url" => "Adresse du texte",
        "data_requested" => "Données demandées",
        "retention_months" => "Durée de conservation",
        "dpo_email" => "Délégué à la protection des données",
        "technical_contact_email" => "Contact technique",
        "event" => "Décision",
        "message" => "Motif ou message",
        "body" => "Message",
        other => other,
    }
}

fn signed_in(visitor: &Visitor) -> Result<&Principal, PageError> {
    visitor.principal.as_ref().ok_or_else(|| {
        ApiError::Unauthorized("connectez-vous pour voir les demandes d’accès aux données").into()
    })
}

/// What a request asks for, as a path and a name.
fn asked(request: &AccessRequest) -> (String, String) {
    match (&request.form.dataset, &request.form.api) {
        (Some(slug), _) => (
            format!("/donnees/jeux-de-donnees/{slug}"),
            format!("jeu de données « {slug} »"),
        ),
        (None, Some(slug)) => (format!("/donnees/api/{slug}"), format!("API « {slug} »")),
        (None, None) => (String::new(), String::new()),
    }
}

// ---------------------------------------------------------------------------------------
// The list and the instructors' queue

struct RequestRow {
    id: i64,
    title: String,
    asked: String,
    provider: String,
    siret: String,
    state: &'static str,
    updated: String,
}

#[derive(Template)]
#[template(path = "access_list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<RequestRow>,
    total: usize,
    instructs: bool,
    states: Vec<(&'static str, &'static str)>,
    ages: Vec<(&'static str, &'static str)>,
    state: String,
    age: String,
    /// The filters never have an error.
    no_error: Option<&'static str>,
    pagination: Pagination,
}

/// The list's filters, as the address gives them.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    etat: Option<String>,
    anciennete: Option<String>,
    producteur: Option<String>,
    page: Option<String>,
}

/// `GET /donnees/demandes`.
pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let principal = signed_in(&visitor)?;
    let filters = AccessFilters {
        state: query
            .etat
            .as_deref()
            .and_then(|s| AccessState::parse(s).ok()),
        provider: query
            .producteur
            .as_deref()
            .and_then(|s| Slug::parse(s).ok()),
        older_than_days: query.anciennete.as_deref().and_then(|s| s.parse().ok()),
    };
    let rows: Vec<RequestRow> = visible(&state, principal, &filters)
        .await?
        .into_iter()
        .map(|r| RequestRow {
            id: r.id,
            asked: asked(&r).1,
            provider: r.provider.to_string(),
            siret: r.siret.clone(),
            state: r.state.label(),
            updated: when(&r.updated_at),
            title: if r.form.title.is_empty() {
                "(sans intitulé)".to_owned()
            } else {
                r.form.title
            },
        })
        .collect();
    let total = rows.len();
    let mut kept: Vec<String> = Vec::new();
    if let Some(s) = filters.state {
        kept.push(format!("etat={}", s.as_str()));
    }
    if let Some(days) = filters.older_than_days {
        kept.push(format!("anciennete={days}"));
    }
    if let Some(provider) = &filters.provider {
        kept.push(format!("producteur={provider}"));
    }
    let number = page_number(
        query
            .page
            .as_deref()
            .map(|p| format!("page={p}"))
            .as_deref(),
    );
    let (rows, pagination) = one_page(rows, number, "/donnees/demandes");
    let pagination = Pagination::new(
        "/donnees/demandes",
        &kept.join("&"),
        pagination.current,
        total,
    );
    page(&ListPage {
        layout: Layout::new(
            "/donnees",
            &[("/donnees", "Données"), ("", "Demandes d’accès")],
        ),
        rows,
        total,
        instructs: principal.may_somewhere(Action::InstructAccessRequest)
            || principal.may_somewhere(Action::ReadAuthorisations),
        states: AccessState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        ages: vec![
            ("7", "Plus de 7 jours"),
            ("30", "Plus de 30 jours"),
            ("90", "Plus de 90 jours"),
        ],
        state: filters
            .state
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        age: filters
            .older_than_days
            .map(|d| d.to_string())
            .unwrap_or_default(),
        no_error: None,
        pagination,
    })
}

// ---------------------------------------------------------------------------------------
// Starting and changing a request

#[derive(Template)]
#[template(path = "access_form.html")]
struct RequestForm {
    layout: Layout,
    form: FormState,
    /// Where the form posts.
    action: String,
    /// What is asked for, as people read it.
    asked: String,
    siret: String,
    editing: bool,
}

const FORM_FIELDS: [&str; 10] = [
    "dataset",
    "api",
    "title",
    "purpose",
    "legal_basis",
    "legal_basis_url",
    "data_requested",
    "retention_months",
    "dpo_email",
    "technical_contact_email",
];

/// The form's fields as the API reads them; a duration that is not a whole number of
/// months is refused on its field.
fn access_form(fields: &BTreeMap<String, String>) -> Result<AccessForm, ApiError> {
    let mut record = serde_json::Map::new();
    for name in FORM_FIELDS {
        let value = text(fields, name);
        if value.is_empty() {
            continue;
        }
        let value = if name == "retention_months" {
            serde_json::Value::from(value.parse::<i64>().map_err(|_| {
                ApiError::field(
                    name,
                    format!("« {value} » n’est pas un nombre entier de mois"),
                )
            })?)
        } else {
            serde_json::Value::String(value)
        };
        record.insert(name.to_owned(), value);
    }
    crate::api::extract::parse_record(serde_json::Value::Object(record))
}

/// The form's fields of a stored request.
fn fields_of(form: &AccessForm) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    let mut put = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            fields.insert(name.to_owned(), value);
        }
    };
    put("dataset", form.dataset.as_ref().map(ToString::to_string));
    put("api", form.api.as_ref().map(ToString::to_string));
    put("title", Some(form.title.clone()));
    put("purpose", Some(form.purpose.clone()));
    put("legal_basis", Some(form.legal_basis.clone()));
    put("legal_basis_url", form.legal_basis_url.clone());
    put("data_requested", Some(form.data_requested.clone()));
    put(
        "retention_months",
        form.retention_months.map(|m| m.to_string()),
    );
    put("dpo_email", form.dpo_email.clone());
    put(
        "technical_contact_email",
        form.technical_contact_email.clone(),
    );
    fields
}

fn request_form(principal: &Principal, form: FormState, editing: Option<i64>) -> RequestForm {
    let asked = match (form.value("dataset"), form.value("api")) {
        (dataset, _) if !dataset.is_empty() => format!("le jeu de données « {dataset} »"),
        (_, api) if !api.is_empty() => format!("l’API « {api} »"),
        _ => String::new(),
    };
    let (action, crumb) = match editing {
        Some(id) => (
            format!("/donnees/demandes/{id}/modifier"),
            "Modifier la demande",
        ),
        None => ("/donnees/demandes/nouvelle".to_owned(), "Nouvelle demande"),
    };
    let layout = Layout::new(
        "/donnees",
        &[
            ("/donnees", "Données"),
            ("/donnees/demandes", "Demandes d’accès"),
            ("", crumb),
        ],
    )
    .with_errors(!form.errors.is_empty());
    RequestForm {
        layout,
        form,
        action,
        asked,
        siret: principal.siret.clone().unwrap_or_default(),
        editing: editing.is_some(),
    }
}

/// What the catalogue's « Demander l’accès » link names.
#[derive(Debug, Default, Deserialize)]
pub struct Asked {
    jeu: Option<String>,
    api: Option<String>,
}

/// `GET /donnees/demandes/nouvelle?jeu=…` or `?api=…`.
pub async fn new(visitor: Visitor, Query(asked): Query<Asked>) -> Result<Html<String>, PageError> {
    crate::auth::offer(visitor.principal.as_ref(), Action::RequestDataAccess)?;
    let principal = signed_in(&visitor)?;
    let mut form = FormState::new(label);
    if let Some(dataset) = asked.jeu {
        form.fields.insert("dataset".into(), dataset);
    } else if let Some(api) = asked.api {
        form.fields.insert("api".into(), api);
    }
    page(&request_form(principal, form, None))
}

/// The form again with the errors of `error`, answered 422.
fn refused_form(
    principal: &Principal,
    fields: BTreeMap<String, String>,
    error: ApiError,
    editing: Option<i64>,
) -> Result<Response, PageError> {
    let form = match error {
        ApiError::Conflict(reason) => {
            let mut form = FormState::new(label);
            form.fields = fields;
            form.errors.insert("title".into(), reason);
            form
        }
        other => FormState::from_error(fields, other, label)?,
    };
    let mut response = page(&request_form(principal, form, editing))?.into_response();
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// `POST /donnees/demandes/nouvelle`.
pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    crate::auth::offer(visitor.principal.as_ref(), Action::RequestDataAccess)?;
    let principal = signed_in(&visitor)?;
    let attempt = async {
        let form = access_form(&fields)?;
        crate::api::access_requests::create::create(&state, Some(principal), form).await
    };
    match attempt.await {
        Ok(created) => {
            Ok(Redirect::to(&format!("/donnees/demandes/{}", created.id)).into_response())
        }
        Err(error @ (ApiError::Forbidden(_) | ApiError::Unauthorized(_))) => Err(error.into()),
        Err(error) => refused_form(principal, fields, error, None),
    }
}

/// `GET /donnees/demandes/{id}/modifier`.
pub async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let principal = signed_in(&visitor)?;
    let request = request_for(&state, Some(principal), &id).await?;
    if !principal.may(Action::EditAccessRequest, &request.target()) {
        return Err(
            ApiError::Forbidden("seule l’organisation demandeuse modifie sa demande").into(),
        );
    }
    if !request.state.is_editable() {
        return Err(ApiError::Conflict(
            pilote_domain::DomainError::AccessNotEditable(request.state.label()).to_string(),
        )
        .into());
    }
    let mut form = FormState::new(label);
    form.fields = fields_of(&request.form);
    page(&request_form(principal, form, Some(request.id)))
}

/// `POST /donnees/demandes/{id}/modifier`.
pub async fn update(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = signed_in(&visitor)?;
    let attempt = async {
        let form = access_form(&fields)?;
        crate::api::access_requests::update::edit(&state, Some(principal), &id, form).await
    };
    match attempt.await {
        Ok(request) => {
            Ok(Redirect::to(&format!("/donnees/demandes/{}", request.id)).into_response())
        }
        Err(error @ (ApiError::Forbidden(_) | ApiError::NotFound | ApiError::Unauthorized(_))) => {
            Err(error.into())
        }
        Err(error) => {
            let id = crate::api::indicators::path_id(&id)?;
            refused_form(principal, fields, error, Some(id))
        }
    }
}

// ---------------------------------------------------------------------------------------
// A request

struct TrailLine {
    at: String,
    who: String,
    what: &'static str,
    text: String,
    message: bool,
}

fn trail_line(entry: &TrailEntry) -> TrailLine {
    TrailLine {
        at: when(&entry.at),
        who: entry.actor.name.clone(),
        what: entry.kind.label(),
        text: entry.text.clone(),
        message: entry.kind == TrailKind::Message,
    }
}

#[derive(Template)]
#[template(path = "access_request.html")]
struct RequestPage {
    layout: Layout,
    request: AccessRequest,
    asked_path: String,
    asked_name: String,
    trail: Vec<TrailLine>,
    authorisations: Vec<Authorisation>,
    /// The events the visitor may take now: stored name and French label.
    decisions: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    can_write: bool,
    form: FormState,
}

impl RequestPage {
    #[expect(clippy::unused_self, reason = "templates call it as `self.when(...)`")]
    fn when(&self, at: &str) -> String {
        when(at)
    }
}

/// The events `principal` may take on `request` now, applicant's first.
fn decisions(principal: &Principal, request: &AccessRequest) -> Vec<(&'static str, &'static str)> {
    let target = request.target();
    let sides: Vec<Side> = [
        (Side::Applicant, Action::EditAccessRequest),
        (Side::Instructor, Action::InstructAccessRequest),
    ]
    .into_iter()
    .filter(|(_, action)| principal.may(*action, &target))
    .map(|(side, _)| side)
    .collect();
    AccessEvent::ALL
        .iter()
        .copied()
        .filter(|event| {
            event.next(request.state).is_some()
                && sides
                    .iter()
                    .any(|side| event.may_take(*side, request.state))
        })
        .map(|event| (event.as_str(), event.label()))
        .collect()
}

async fn request_page(
    state: &AppState,
    principal: &Principal,
    id: &str,
    form: FormState,
) -> Result<RequestPage, PageError> {
    let shown = crate::api::access_requests::show::load(state, Some(principal), id).await?;
    let request = shown.request;
    let (asked_path, asked_name) = asked(&request);
    let title = format!("Demande n° {}", request.id);
    let layout = Layout::new(
        "/donnees",
        &[
            ("/donnees", "Données"),
            ("/donnees/demandes", "Demandes d’accès"),
            ("", &title),
        ],
    )
    .with_errors(!form.errors.is_empty());
    let target = request.target();
    Ok(RequestPage {
        layout,
        asked_path,
        asked_name,
        trail: shown.trail.iter().map(trail_line).collect(),
        authorisations: shown.authorisations,
        decisions: decisions(principal, &request),
        can_edit: request.state.is_editable() && principal.may(Action::EditAccessRequest, &target),
        can_write: principal.may(Action::WriteAccessMessage, &target),
        form,
        request,
    })
}

/// `GET /donnees/demandes/{id}`.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let principal = signed_in(&visitor)?;
    page(&request_page(&state, principal, &id, FormState::new(label)).await?)
}

/// A refused post on a request's page: the page again, with the errors.
async fn refused(
    state: &AppState,
    principal: &Principal,
    id: &str,
    fields: BTreeMap<String, String>,
    error: ApiError,
) -> Result<Response, PageError> {
    let form = match error {
        ApiError::Conflict(reason) => {
            let mut form = FormState::new(label);
            form.errors.insert("event".into(), reason);
            form
        }
        other => FormState::from_error(fields, other, label)?,
    };
    let mut response = page(&request_page(state, principal, id, form).await?)?.into_response();
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// `POST /donnees/demandes/{id}/evenements`.
pub async fn take(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = signed_in(&visitor)?;
    let attempt = async {
        let event = AccessEvent::parse(&text(&fields, "event"))
            .map_err(|e| ApiError::field("event", e.to_string()))?;
        crate::api::access_requests::event::take(
            &state,
            Some(principal),
            &id,
            event,
            &text(&fields, "message"),
        )
        .await
    };
    match attempt.await {
        Ok((request, _)) => Ok(Redirect::to(&format!(
            "/donnees/demandes/{}#historique",
            request.id
        ))
        .into_response()),
        Err(error @ (ApiError::Forbidden(_) | ApiError::NotFound)) => Err(error.into()),
        Err(error) => refused(&state, principal, &id, fields, error).await,
    }
}

/// `POST /donnees/demandes/{id}/messages`.
pub async fn message(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = signed_in(&visitor)?;
    let body = text(&fields, "body");
    match crate::api::access_requests::message::write(&state, Some(principal), &id, &body).await {
        Ok((request, _)) => Ok(Redirect::to(&format!(
            "/donnees/demandes/{}#historique",
            request.id
        ))
        .into_response()),
        Err(error @ (ApiError::Forbidden(_) | ApiError::NotFound)) => Err(error.into()),
        Err(error) => refused(&state, principal, &id, fields, error).await,
    }
}
