//! Trainings: the catalogue (`/talents/formations`), a training with its attendees
//! (`/talents/formations/{id}`), and the administrators' forms to add a training and to
//! record an attendee. Forms go through the API's checks (`api::trainings`).

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::identity::{Action, Target};
use pilote_domain::talent::training::{Training, TrainingFormat};

use super::form_state::{FormState, one_page, page_number, text};
use super::{Layout, PageError, Pagination, page};
use crate::api::trainings::{Attendee, training_at, with_attendees};
use crate::auth::{Visitor, offer};
use crate::{ApiError, AppState};

fn label(field: &str) -> &str {
    match field {
        "title" => "Intitulé",
        "provider" => "Organisme",
        "start" => "Début",
        "end" => "Fin",
        "format" => "Format",
        "audience" => "Public",
        "member" => "Membre",
        other => other,
    }
}

fn may_manage(visitor: &Visitor) -> bool {
    visitor
        .principal
        .as_ref()
        .is_some_and(|p| p.may(Action::ManageTrainings, &Target::default()))
}

#[derive(Template)]
#[template(path = "trainings.html")]
struct TrainingsPage {
    layout: Layout,
    trainings: Vec<Training>,
    total: usize,
    pagination: Pagination,
}

/// `GET /talents/formations`.
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, PageError> {
    let trainings = state.store().trainings().await.map_err(ApiError::from)?;
    let total = trainings.len();
    let (trainings, pagination) = one_page(
        trainings,
        page_number(query.as_deref()),
        "/talents/formations",
    );
    page(&TrainingsPage {
        layout: Layout::new("", &[("/talents", "Talents"), ("", "Formations")])
            .creation(Action::ManageTrainings),
        trainings,
        total,
        pagination,
    })
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    layout: Layout,
    training: Training,
    attendees: Vec<Attendee>,
    can_manage: bool,
    form: FormState,
}

async fn training_page(
    state: &AppState,
    visitor: &Visitor,
    training: Training,
    form: FormState,
) -> Result<TrainingPage, PageError> {
    let model = state.model();
    let json = with_attendees(state, &model, training).await?;
    let title = json.training.title.clone();
    let mut layout = Layout::new(
        "",
        &[
            ("/talents", "Talents"),
            ("/talents/formations", "Formations"),
            ("", &title),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    Ok(TrainingPage {
        layout,
        training: json.training,
        attendees: json.attendees,
        can_manage: may_manage(visitor),
        form,
    })
}

/// `GET /talents/formations/{id}`.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let training = training_at(&state, &id).await?;
    page(&training_page(&state, &visitor, training, FormState::new(label)).await?)
}

/// `POST /talents/formations/{id}/participants`.
pub async fn attend(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let training = training_at(&state, &id).await?;
    let principal = visitor.principal.as_ref();
    offer(principal, Action::ManageTrainings)?;
    let member = text(&fields, "member");
    match crate::api::trainings::attend::attend(&state, principal, &training, &member).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/talents/formations/{}#participants", training.id))
                .into_response(),
        ),
        Err(error @ (ApiError::Forbidden(_) | ApiError::Unauthorized(_))) => Err(error.into()),
        Err(error) => {
            let form = FormState::from_error(fields, error, label)?;
            let mut response =
                page(&training_page(&state, &visitor, training, form).await?)?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

#[derive(Template)]
#[template(path = "training_form.html")]
struct TrainingForm {
    layout: Layout,
    form: FormState,
    formats: Vec<(&'static str, &'static str)>,
}

fn training_form(form: FormState) -> TrainingForm {
    let mut layout = Layout::new(
        "",
        &[
            ("/talents", "Talents"),
            ("/talents/formations", "Formations"),
            ("", "Nouvelle formation"),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    TrainingForm {
        layout,
        form,
        formats: TrainingFormat::ALL
            .iter()
            .map(|f| (f.as_str(), f.label()))
            .collect(),
    }
}

/// `GET /talents/formations/nouvelle`.
pub async fn new(visitor: Visitor) -> Result<Html<String>, PageError> {
    offer(visitor.principal.as_ref(), Action::ManageTrainings)?;
    page(&training_form(FormState::new(label)))
}

/// `POST /talents/formations/nouvelle`.
pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = visitor.principal.as_ref();
    offer(principal, Action::ManageTrainings)?;
    let attempt = async {
        let record = serde_json::json!({
            "title": text(&fields, "title"),
            "provider": text(&fields, "provider"),
            "start": text(&fields, "start"),
            "end": text(&fields, "end"),
            "format": text(&fields, "format"),
            "audience": text(&fields, "audience"),
        });
        let training: Training = crate::api::extract::parse_record(record)?;
        crate::api::trainings::create::create(&state, principal, training).await
    };
    match attempt.await {
        Ok(created) => {
            Ok(Redirect::to(&format!("/talents/formations/{}", created.id)).into_response())
        }
        Err(error @ (ApiError::Forbidden(_) | ApiError::Unauthorized(_))) => Err(error.into()),
        Err(error) => {
            let form = FormState::from_error(fields, error, label)?;
            let mut response = page(&training_form(form))?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}
