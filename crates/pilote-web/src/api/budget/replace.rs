//! `PUT /api/v1/products/{slug}/budget`: replace a product's non-FAST budget lines.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::{BudgetLines, BudgetPage, budget_of, product_into_lines, validate};
use crate::api::extract::{JsonValue, parse_record};
use crate::api::indicators::managed_product;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Makes the product's lines of the ministry, European funds and other sources exactly
/// those of the body, in one transaction; FAST lines, which come from the import, stay as
/// they are and are refused in the body. Answers every line of the product.
#[utoipa::path(
    put,
    path = "/api/v1/products/{slug}/budget",
    tag = "budget",
    params(("slug" = String, Path, description = "Identifiant du produit")),
    request_body = BudgetLines,
    security(("jeton" = ["write:portfolio"])),
    responses(
        (status = 200, description = "Budget remplacé ; toutes les lignes du produit", body = BudgetPage),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Rôle ou portée insuffisants", body = ErrorBody),
        (status = 404, description = "Produit inconnu", body = ErrorBody),
        (status = 422, description = "Valeurs invalides, ou ligne FAST", body = ErrorBody),
    )
)]
pub async fn replace_budget(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let model = state.model();
    let (product, actor) = managed_product(&caller, &model, &slug)?;
    let budget: BudgetLines = parse_record(product_into_lines(body, product)?)?;
    validate(&budget)?;
    state
        .store()
        .replace_product_budget(&product.slug, &budget.lines, &actor)
        .await?;
    state.refresh().await?;
    let model = state.model();
    Ok(Json(budget_of(&model, &product.slug)).into_response())
}
