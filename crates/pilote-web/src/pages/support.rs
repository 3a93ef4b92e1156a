//! Support requests: the list (the steering team's queue, or one's organisations' and
//! products' requests), the form to ask, a request's page with its trail and the forms of
//! the steps and messages, and the steering team's dashboard.
//!
//! Forms go through the same checks as the API (`api::support`); a request one may not see
//! does not exist here either.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::delivery::{
    Outcome, Party, SupportDashboard, SupportEvent, SupportKind, SupportRequest, SupportStatus,
    SupportStep, Urgency,
};
use pilote_domain::identity::{Action, Principal, Target};

use super::form_state::{FormState, one_page, page_number, text, when};
use super::{Layout, PageError, Pagination, page};
use crate::api::support::{may_read, request_for};
use crate::auth::{Visitor, offer};
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// The label users read for a field name.
fn label(field: &str) -> &str {
    match field {
        "kind" => "Type d’accompagnement",
        "urgency" => "Urgence",
        "title" => "Titre",
        "description" => "Description du besoin",
        "organisation" => "Organisation",
        "product" => "Produit",
        "step" => "Étape",
        "reason" => "Motif du refus",
        "to" => "Réorienter vers",
        "expert" => "Expert ou experte",
        "minutes" => "Temps passé",
        "outcome" => "Issue",
        "summary" => "Bilan",
        "body" => "Message",
        other => other,
    }
}

fn choices<T: Copy>(
    values: &[T],
    name: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    values.iter().map(|v| (name(*v), label(*v))).collect()
}

fn signed_in(visitor: &Visitor) -> Result<&Principal, PageError> {
    visitor.principal.as_ref().ok_or_else(|| {
        ApiError::Unauthorized("connectez-vous pour voir les demandes d’accompagnement").into()
    })
}

/// Who asks, as people read it: the organisation's name, and the product's.
fn asker(model: &ReadModel, request: &SupportRequest) -> String {
    let organisation = request.organisation.as_ref().map(|slug| {
        model
            .organisation(slug)
            .map_or_else(|| slug.to_string(), |o| o.name.clone())
    });
    let product = request.product.as_ref().map(|slug| {
        model
            .product(slug)
            .map_or_else(|| slug.to_string(), |p| p.title.clone())
    });
    match (organisation, product) {
        (Some(o), Some(p)) => format!("{p} ({o})"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => String::new(),
    }
}

/// A duration in minutes as people read it (« 2 h 30 »).
fn duration(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

// ---------------------------------------------------------------------------------------
// The list

struct RequestRow {
    id: i64,
    title: String,
    kind: &'static str,
    urgency: &'static str,
    asker: String,
    status: &'static str,
    assignee: String,
    submitted: String,
}

#[derive(Template)]
#[template(path = "support_list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<RequestRow>,
    total: usize,
    steering: bool,
    can_ask: bool,
    statuses: Vec<(&'static str, &'static str)>,
    status: String,
    /// The status filter never has an error.
    no_error: Option<&'static str>,
    pagination: Pagination,
}

/// `GET /accompagnement`.
pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, PageError> {
    let principal = signed_in(&visitor)?;
    let status = form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "statut")
        .and_then(|(_, value)| SupportStatus::parse(&value).ok());
    let model = state.model();
    let rows: Vec<RequestRow> = state
        .store()
        .support_requests()
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .filter(|r| may_read(principal, r) && status.is_none_or(|s| r.status == s))
        .map(|r| RequestRow {
            id: r.id,
            asker: asker(&model, &r),
            kind: r.kind.label(),
            urgency: r.urgency.label(),
            status: r.status.label(),
            assignee: r.assignee.map(|a| a.name).unwrap_or_default(),
            submitted: when(&r.submitted_at),
            title: r.title,
        })
        .collect();
    let total = rows.len();
    let chosen = status.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let (rows, mut pagination) = one_page(rows, page_number(query.as_deref()), "/accompagnement");
    if !chosen.is_empty() {
        pagination = Pagination::new(
            "/accompagnement",
            &format!("statut={chosen}"),
            pagination.current,
            total,
        );
    }
    page(&ListPage {
        layout: Layout::new("", &[("", "Accompagnement")]),
        rows,
        total,
        steering: principal.may(Action::ReadSupportRequest, &Target::default()),
        can_ask: principal.may_somewhere(Action::RequestSupport),
        statuses: choices(
            SupportStatus::ALL,
            SupportStatus::as_str,
            SupportStatus::label,
        ),
        status: chosen,
        no_error: None,
        pagination,
    })
}

// ---------------------------------------------------------------------------------------
// Asking

#[derive(Template)]
#[template(path = "support_form.html")]
struct AskForm {
    layout: Layout,
    form: FormState,
    kinds: Vec<(&'static str, &'static str)>,
    urgencies: Vec<(&'static str, &'static str)>,
    organisations: Vec<(String, String)>,
    products: Vec<(String, String)>,
}

/// Choices (slug, name) in the order of their names, accents aside.
fn by_name(choices: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = choices.collect();
    choices.sort_by_cached_key(|(_, name)| pilote_search::fold(name));
    choices
}

fn ask_form(state: &AppState, principal: &Principal, mut form: FormState) -> AskForm {
    let model = state.model();
    let may_ask = |target: Target| principal.may(Action::RequestSupport, &target);
    let organisations = by_name(
        model
            .portfolio()
            .organisations
            .iter()
            .filter(|o| {
                may_ask(Target {
                    organisation: Some(o.slug.clone()),
                    ..Target::default()
                })
            })
            .map(|o| (o.slug.to_string(), o.name.clone())),
    );
    let products = by_name(
        model
            .portfolio()
            .products
            .iter()
            .filter(|p| {
                may_ask(Target {
                    product: Some(p.slug.clone()),
                    ..Target::default()
                })
            })
            .map(|p| (p.slug.to_string(), p.title.clone())),
    );
    if form.value("urgency").is_empty() {
        form.fields
            .insert("urgency".into(), Urgency::Normal.as_str().into());
    }
    let mut layout = Layout::new(
        "",
        &[
            ("/accompagnement", "Accompagnement"),
            ("", "Nouvelle demande"),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    AskForm {
        layout,
        form,
        kinds: choices(SupportKind::ALL, SupportKind::as_str, SupportKind::label),
        urgencies: choices(Urgency::ALL, Urgency::as_str, Urgency::label),
        organisations,
        products,
    }
}

/// `GET /accompagnement/nouvelle`.
pub async fn new(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Html<String>, PageError> {
    offer(visitor.principal.as_ref(), Action::RequestSupport)?;
    let principal = signed_in(&visitor)?;
    page(&ask_form(&state, principal, FormState::new(label)))
}

/// `POST /accompagnement/nouvelle`.
pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    offer(visitor.principal.as_ref(), Action::RequestSupport)?;
    let principal = signed_in(&visitor)?;
    let attempt = async {
        // Fields left empty are left out, so that the API's defaults and messages apply.
        let record: serde_json::Map<String, serde_json::Value> = [
            "kind",
            "urgency",
            "title",
            "description",
            "organisation",
            "product",
        ]
        .into_iter()
        .map(|name| (name, text(&fields, name)))
        .filter(|(name, value)| !value.is_empty() || matches!(*name, "title" | "description"))
        .map(|(name, value)| (name.to_owned(), serde_json::Value::String(value)))
        .collect();
        let record = serde_json::Value::Object(record);
        let request: SupportRequest = crate::api::extract::parse_record(record)?;
        crate::api::support::create::create(&state, Some(principal), request).await
    };
    match attempt.await {
        Ok(created) => Ok(Redirect::to(&format!("/accompagnement/{}", created.id)).into_response()),
        Err(error @ (ApiError::Forbidden(_) | ApiError::Unauthorized(_))) => Err(error.into()),
        Err(error) => {
            let form = FormState::from_error(fields, error, label)?;
            let mut response = page(&ask_form(&state, principal, form))?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

// ---------------------------------------------------------------------------------------
// A request

struct EventLine {
    at: String,
    who: String,
    what: String,
    text: String,
    message: bool,
}

fn event_line(event: &SupportEvent) -> EventLine {
    let mut what = event.kind.label().to_owned();
    if let Some(expert) = &event.expert {
        what = format!("{what} : {}", expert.name);
    }
    if let Some(minutes) = event.minutes {
        what = format!("{what} : {}", duration(minutes));
    }
    if let Some(outcome) = event.outcome {
        what = format!("{what} : {}", outcome.label());
    }
    EventLine {
        at: when(&event.at),
        who: event.actor.name.clone(),
        what,
        text: event.text.clone(),
        message: event.kind == pilote_domain::delivery::SupportEventKind::Message,
    }
}

#[derive(Template)]
#[template(path = "support_request.html")]
struct RequestPage {
    layout: Layout,
    request: SupportRequest,
    asker: String,
    events: Vec<EventLine>,
    /// The steps the visitor may take now, by stored name.
    steps: Vec<&'static str>,
    can_write: bool,
    experts: Vec<(String, String)>,
    outcomes: Vec<(&'static str, &'static str)>,
    form: FormState,
    spent: String,
}

impl RequestPage {
    fn offers(&self, step: &str) -> bool {
        self.steps.contains(&step)
    }
}

/// The steps the steering team may take from `status`, by the name the forms post.
fn open_steps(status: SupportStatus) -> Vec<&'static str> {
    let samples = [
        (
            "accept",
            SupportStep::Accept {
                comment: String::new(),
            },
        ),
        ("decline", SupportStep::Decline { reason: "-".into() }),
        (
            "redirect",
            SupportStep::Redirect {
                to: "-".into(),
                reason: String::new(),
            },
        ),
        ("assign", SupportStep::Assign { expert: 0 }),
        (
            "record_time",
            SupportStep::RecordTime {
                minutes: 1,
                note: String::new(),
            },
        ),
        (
            "close",
            SupportStep::Close {
                outcome: Outcome::Resolved,
                summary: "-".into(),
            },
        ),
    ];
    samples
        .into_iter()
        .filter(|(_, step)| step.next(status).is_ok())
        .map(|(name, _)| name)
        .collect()
}

async fn request_page(
    state: &AppState,
    principal: &Principal,
    request: SupportRequest,
    form: FormState,
) -> Result<RequestPage, PageError> {
    let events = state
        .store()
        .support_events(request.id)
        .await
        .map_err(ApiError::from)?
        .iter()
        .map(event_line)
        .collect();
    let handles = principal.may(Action::HandleSupportRequests, &request.target());
    let steps = if handles {
        open_steps(request.status)
    } else {
        Vec::new()
    };
    let experts = if steps.contains(&"assign") {
        state
            .store()
            .steering_team()
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(|Party { account, name }| (account.to_string(), name))
            .collect()
    } else {
        Vec::new()
    };
    let title = format!("Demande n° {}", request.id);
    let mut layout = Layout::new("", &[("/accompagnement", "Accompagnement"), ("", &title)]);
    layout.has_errors = !form.errors.is_empty();
    Ok(RequestPage {
        layout,
        asker: asker(&state.model(), &request),
        events,
        steps,
        can_write: principal.may(Action::WriteSupportMessage, &request.target()),
        experts,
        outcomes: choices(Outcome::ALL, Outcome::as_str, Outcome::label),
        form,
        spent: duration(request.minutes_spent),
        request,
    })
}

/// `GET /accompagnement/{id}`.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let principal = signed_in(&visitor)?;
    let request = request_for(&state, Some(principal), &id).await?;
    page(&request_page(&state, principal, request, FormState::new(label)).await?)
}

/// The step a form posts, as the API reads it.
fn step_record(fields: &BTreeMap<String, String>) -> serde_json::Value {
    let minutes = text(fields, "minutes");
    serde_json::json!({
        "step": text(fields, "step"),
        "comment": text(fields, "comment"),
        "reason": text(fields, if text(fields, "step") == "redirect" { "redirect_reason" } else { "reason" }),
        "to": text(fields, "to"),
        "expert": text(fields, "expert").parse::<i64>().unwrap_or(0),
        "minutes": minutes.parse::<i64>().map_or_else(|_| serde_json::Value::String(minutes), serde_json::Value::from),
        "note": text(fields, "note"),
        "outcome": text(fields, "outcome"),
        "summary": text(fields, "summary"),
    })
}

/// A refused form post on a request's page: the page again, with the errors.
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
            form.errors.insert("step".into(), reason);
            form
        }
        other => FormState::from_error(fields, other, label)?,
    };
    let request = request_for(state, Some(principal), id).await?;
    let mut response = page(&request_page(state, principal, request, form).await?)?.into_response();
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// `POST /accompagnement/{id}/etapes`.
pub async fn step(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = signed_in(&visitor)?;
    let attempt = async {
        let step: SupportStep = crate::api::extract::parse_record(step_record(&fields))?;
        crate::api::support::step::take(&state, Some(principal), &id, &step).await
    };
    match attempt.await {
        Ok((request, _)) => {
            Ok(Redirect::to(&format!("/accompagnement/{}#historique", request.id)).into_response())
        }
        Err(error @ (ApiError::Forbidden(_) | ApiError::NotFound)) => Err(error.into()),
        Err(error) => refused(&state, principal, &id, fields, error).await,
    }
}

/// `POST /accompagnement/{id}/messages`.
pub async fn message(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = signed_in(&visitor)?;
    let body = text(&fields, "body");
    match crate::api::support::message::write(&state, Some(principal), &id, &body).await {
        Ok((request, _)) => {
            Ok(Redirect::to(&format!("/accompagnement/{}#historique", request.id)).into_response())
        }
        Err(error @ (ApiError::Forbidden(_) | ApiError::NotFound)) => Err(error.into()),
        Err(error) => refused(&state, principal, &id, fields, error).await,
    }
}

// ---------------------------------------------------------------------------------------
// The dashboard

#[derive(Template)]
#[template(path = "support_dashboard.html")]
struct DashboardPage {
    layout: Layout,
    dashboard: SupportDashboard,
}

impl DashboardPage {
    #[expect(
        clippy::unused_self,
        reason = "templates call it as `self.duration(...)`"
    )]
    fn duration(&self, minutes: i64) -> String {
        duration(minutes)
    }

    #[expect(
        clippy::unused_self,
        reason = "templates call it as `self.figure(...)`"
    )]
    fn figure(&self, value: Option<f64>) -> String {
        value.map_or_else(|| "—".to_owned(), super::impact::figure)
    }
}

/// `GET /accompagnement/tableau-de-bord`.
pub async fn dashboard(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Html<String>, PageError> {
    let dashboard =
        crate::api::support::dashboard::compute(&state, visitor.principal.as_ref()).await?;
    page(&DashboardPage {
        layout: Layout::new(
            "",
            &[
                ("/accompagnement", "Accompagnement"),
                ("", "Tableau de bord"),
            ],
        ),
        dashboard,
    })
}
