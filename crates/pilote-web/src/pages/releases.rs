//! A product's releases: the list, the form to declare one, and withdrawing a declared one.
//!
//! The forms go through the API's own checks (`api::releases`); releases read from a forge
//! follow its imports and are not withdrawn here.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::audit::Actor;
use pilote_domain::delivery::{Release, ReleaseSize, ReleaseSource};
use pilote_domain::identity::Action;
use pilote_domain::portfolio::Product;

use super::form_state::{FormState, text};
use super::{Layout, PageError, page};
use crate::api::indicators::product_at;
use crate::auth::{Visitor, authorize, product_target};
use crate::{ApiError, AppState};

fn label(field: &str) -> &str {
    match field {
        "name" => "Version ou nom",
        "date" => "Date",
        "summary" => "Résumé",
        "notes_url" => "Notes de version",
        "size" => "Taille",
        other => other,
    }
}

#[derive(Template)]
#[template(path = "product_releases.html")]
struct ReleasesPage {
    layout: Layout,
    slug: String,
    title: String,
    sentence: String,
    releases: Vec<Release>,
    can_write: bool,
    form: FormState,
    sizes: Vec<(&'static str, &'static str)>,
}

impl ReleasesPage {
    #[expect(
        clippy::unused_self,
        reason = "templates call it as `self.declared(...)`"
    )]
    fn declared(&self, release: &Release) -> bool {
        release.source == ReleaseSource::Declared
    }
}

fn releases_page(
    state: &AppState,
    visitor: &Visitor,
    product: &Product,
    form: FormState,
) -> ReleasesPage {
    let model = state.model();
    let mut layout = Layout::new(
        "",
        &[
            ("/produits", "Produits"),
            (&format!("/produits/{}", product.slug), &product.title),
            ("", "Livraisons"),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    ReleasesPage {
        layout,
        slug: product.slug.to_string(),
        title: product.title.clone(),
        sentence: super::delivery::release_sentence(
            &model,
            product,
            chrono::Utc::now().date_naive(),
        ),
        releases: model.releases_of(&product.slug).to_vec(),
        can_write: super::may_change(visitor.principal.as_ref(), product),
        form,
        sizes: ReleaseSize::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    }
}

/// `GET /produits/{slug}/livraisons`.
pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let product = product_at(&state.model(), &slug)?.clone();
    page(&releases_page(
        &state,
        &visitor,
        &product,
        FormState::new(label),
    ))
}

/// The product of the address, for a visitor allowed to change it.
fn writable(state: &AppState, visitor: &Visitor, slug: &str) -> Result<(Product, Actor), ApiError> {
    let product = product_at(&state.model(), slug)?.clone();
    let actor = authorize(
        visitor.principal.as_ref(),
        Action::UpdateProduct,
        &[product_target(&product.slug, &product.incubator)],
    )?;
    Ok((product, actor))
}

/// `POST /produits/{slug}/livraisons`.
pub async fn declare(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let (product, actor) = writable(&state, &visitor, &slug)?;
    let optional = |name: &str| Some(text(&fields, name)).filter(|v| !v.is_empty());
    let body = serde_json::json!({
        "name": text(&fields, "name"),
        "date": text(&fields, "date"),
        "summary": text(&fields, "summary"),
        "notes_url": optional("notes_url"),
        "size": optional("size"),
    });
    match crate::api::releases::create::declare(&state, &actor, &product.slug, body).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/produits/{}/livraisons", product.slug)).into_response())
        }
        Err(ApiError::Conflict(reason)) => {
            let mut form = FormState::new(label);
            form.fields = fields;
            form.errors.insert("name".into(), reason);
            rerender(&state, &visitor, &product, form)
        }
        Err(error) => {
            let form = FormState::from_error(fields, error, label)?;
            rerender(&state, &visitor, &product, form)
        }
    }
}

fn rerender(
    state: &AppState,
    visitor: &Visitor,
    product: &Product,
    form: FormState,
) -> Result<Response, PageError> {
    let mut response = page(&releases_page(state, visitor, product, form))?.into_response();
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// `POST /produits/{slug}/livraisons/{id}/supprimer`.
pub async fn withdraw(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (product, actor) = writable(&state, &visitor, &slug)?;
    crate::api::releases::delete::withdraw(&state, &actor, &product.slug, &id).await?;
    Ok(Redirect::to(&format!("/produits/{}/livraisons", product.slug)).into_response())
}
