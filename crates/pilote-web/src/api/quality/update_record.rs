//! `PUT /api/v1/products/{slug}/quality-record`.

use axum::Json;
use axum::extract::{Path, State};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::identity::Action;
use pilote_domain::quality::record::QualityRecord;

use super::{QualityRecordJson, record_of};
use crate::api::extract::{JsonValue, parse_record};
use crate::api::indicators::product_allowing;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Replaces a product's quality record, for those who may change the product.
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}/quality-record",
    tag = "quality",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    request_body = QualityRecord,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Fiche enregistrée", body = QualityRecordJson),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn update_quality_record(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Json<QualityRecordJson>, ApiError> {
    let model = state.model();
    let (product, actor) = product_allowing(&caller, &model, &slug, Action::UpdateProduct)?;
    let product = product.clone();
    drop(model);
    let record: QualityRecord = parse_record(body)?;
    save(&state, &actor, &product.slug, &record).await?;
    Ok(Json(record_of(&state, &product).await?))
}

/// Checks and stores `product`'s record; shared by the API and the page's form.
pub(crate) async fn save(
    state: &AppState,
    actor: &Actor,
    product: &Slug,
    record: &QualityRecord,
) -> Result<(), ApiError> {
    crate::api::refuse_problems(record.validate())?;
    let at = pilote_store::timestamp(chrono::Utc::now());
    state
        .store()
        .save_quality_record(product, record, actor, &at)
        .await?;
    Ok(())
}
