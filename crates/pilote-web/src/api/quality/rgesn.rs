//! `GET /api/v1/products/{slug}/rgesn`, and `PUT` there: a product's RGESN self-assessment
//! with its scores per theme and overall.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::audit::Actor;
use pilote_domain::identity::Action;
use pilote_domain::quality::rgesn::{Assessment, CRITERIA_PER_THEME, Score, scores, validate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::{JsonValue, parse_record};
use crate::api::indicators::{product_allowing, product_at};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A self-assessment's answers, as a body gives them.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssessmentsBody {
    /// One answer per criterion answered.
    pub assessments: Vec<Assessment>,
}

/// A product's RGESN self-assessment, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RgesnJson {
    /// The product.
    pub product: String,
    /// When it was last written; `None` before the first answers.
    pub updated_at: Option<String>,
    /// Criteria in RGESN v1.
    pub criteria: usize,
    /// Criteria answered.
    pub answered: usize,
    /// The answers.
    pub assessments: Vec<Assessment>,
    /// The score of each theme, in order.
    pub themes: Vec<Score>,
    /// The overall score.
    pub overall: Score,
}

async fn shown(state: &AppState, product: &pilote_domain::Slug) -> Result<RgesnJson, ApiError> {
    let (assessments, updated_at) = match state.store().rgesn_assessment(product).await? {
        Some((assessments, at)) => (assessments, Some(at)),
        None => (Vec::new(), None),
    };
    let (themes, overall) = scores(&assessments);
    Ok(RgesnJson {
        product: product.to_string(),
        updated_at,
        criteria: CRITERIA_PER_THEME.iter().map(|n| usize::from(*n)).sum(),
        answered: assessments.len(),
        assessments,
        themes,
        overall,
    })
}

/// Shows a product's RGESN self-assessment and its scores (met ÷ applicable).
#[utoipa::path(
    get,
    path = "/api/v1/products/{slug}/rgesn",
    tag = "quality",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    responses(
        (status = 200, description = "L'autoévaluation RGESN", body = RgesnJson),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
    )
)]
pub async fn show_rgesn(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<RgesnJson>, ApiError> {
    let product = product_at(&state.model(), &slug)?.slug.clone();
    Ok(Json(shown(&state, &product).await?))
}

/// Replaces a product's RGESN answers (`met`, `not_met`, `not_applicable`, with a comment),
/// for those who may change the product.
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}/rgesn",
    tag = "quality",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    request_body = AssessmentsBody,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Autoévaluation enregistrée", body = RgesnJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
        (status = 422, description = "Critère inconnu ou répondu deux fois", body = ErrorBody),
    )
)]
pub async fn replace_rgesn(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Json<RgesnJson>, ApiError> {
    let model = state.model();
    let (product, actor) = product_allowing(&caller, &model, &slug, Action::UpdateProduct)?;
    let product = product.slug.clone();
    drop(model);
    let body: AssessmentsBody = parse_record(body)?;
    save(&state, &actor, &product, &body.assessments).await?;
    Ok(Json(shown(&state, &product).await?))
}

/// Checks and stores `product`'s answers; shared by the API and the page's form.
pub(crate) async fn save(
    state: &AppState,
    actor: &Actor,
    product: &pilote_domain::Slug,
    assessments: &[Assessment],
) -> Result<(), ApiError> {
    crate::api::refuse_problems(validate(assessments))?;
    let at = pilote_store::timestamp(chrono::Utc::now());
    state
        .store()
        .save_rgesn_assessment(product, assessments, actor, &at)
        .await?;
    Ok(())
}
