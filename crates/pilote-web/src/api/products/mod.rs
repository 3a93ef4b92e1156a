//! `/api/v1/products`: the portfolio's products.

pub mod create;
pub mod delete;
pub mod list;
pub mod show;
pub mod update;

use pilote_domain::portfolio::{PhaseName, Product};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ApiError;
use crate::read_model::ReadModel;

/// A product as the API shows it: every field, and its current phase.
#[derive(Serialize)]
pub struct ProductJson<'a> {
    #[serde(flatten)]
    product: &'a Product,
    current_phase: Option<PhaseName>,
}

impl<'a> ProductJson<'a> {
    /// The view of a product.
    pub fn new(product: &'a Product) -> Self {
        Self {
            current_phase: product.current_phase().map(|phase| phase.name),
            product,
        }
    }
}

/// The documented shape of [`ProductJson`].
#[derive(ToSchema)]
#[schema(as = ProductJson)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct ProductSchema {
    #[schema(inline)]
    #[serde(flatten)]
    product: Product,
    /// The phase with the latest start.
    current_phase: Option<PhaseName>,
}

/// Refuses a product whose record is inconsistent or refers to unknown records.
pub(crate) fn validate(model: &ReadModel, product: &Product) -> Result<(), ApiError> {
    let mut problems = product.inconsistencies();
    problems.extend(product.dangling_references(
        |slug| model.incubator(slug).is_some(),
        |slug| model.organisation(slug).is_some(),
    ));
    if product.title.trim().is_empty() {
        problems.push(pilote_domain::portfolio::DataQualityWarning::new(
            "title",
            "ce champ est obligatoire",
        ));
    }
    crate::api::refuse_problems(problems)
}
