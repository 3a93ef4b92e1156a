//! `/api/v1/products/{slug}/budget`: what a product received, per year and source.
//!
//! FAST lines come from the import of the network and are only read here; the others
//! (ministry, European funds, other) are replaced together by those who may manage the
//! product's impact.

pub mod replace;
pub mod show;

use std::collections::BTreeMap;

use pilote_domain::Slug;
use pilote_domain::impact::{BudgetLine, BudgetSource};
use pilote_domain::portfolio::Product;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::ApiError;
use crate::api::Page;
use crate::read_model::ReadModel;

/// The budget lines of a product, in one page.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct BudgetPage {
    data: Vec<BudgetLine>,
    page: usize,
    page_size: usize,
    total: usize,
}

/// The body of a replacement: every non-FAST line the product should have.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BudgetLines {
    /// The lines; each line's `product` may be left out (it is the address's). A FAST
    /// line is refused: those come from the import.
    pub lines: Vec<BudgetLine>,
}

/// A product's budget lines, by year then source, as the API lists them.
pub(crate) fn budget_of(model: &ReadModel, product: &Slug) -> Page<BudgetLine> {
    let mut data: Vec<BudgetLine> = model.budget_lines_of(product).cloned().collect();
    data.sort_by_key(|line| (line.year, line.source));
    let total = data.len();
    Page {
        data,
        page: 1,
        page_size: total,
        total,
    }
}

/// Puts the address's product into each line of a body, refusing a line that names
/// another one (`lines[i].product`).
pub(crate) fn product_into_lines(
    mut body: serde_json::Value,
    product: &Product,
) -> Result<serde_json::Value, ApiError> {
    let Some(lines) = body
        .as_object_mut()
        .and_then(|object| object.get_mut("lines"))
        .and_then(serde_json::Value::as_array_mut)
    else {
        // Parsing names what is missing or of the wrong type.
        return Ok(body);
    };
    for (index, line) in lines.iter_mut().enumerate() {
        let Some(line) = line.as_object_mut() else {
            continue;
        };
        match line.get("product") {
            None | Some(serde_json::Value::Null) => {}
            Some(given)
                if given.as_str().and_then(|s| Slug::parse(s).ok()).as_ref()
                    == Some(&product.slug) => {}
            Some(_) => {
                return Err(ApiError::field(
                    format!("lines[{index}].product"),
                    format!(
                        "ne correspond pas au produit de l'adresse (« {} »)",
                        product.slug
                    ),
                ));
            }
        }
        line.insert(
            "product".into(),
            serde_json::Value::String(product.slug.to_string()),
        );
    }
    Ok(body)
}

/// Refuses lines that cannot replace a product's budget, each problem on its field: a
/// FAST line (the import's), a line the domain flags, two lines of the same year and source.
pub(crate) fn validate(budget: &BudgetLines) -> Result<(), ApiError> {
    let mut problems = BTreeMap::new();
    let mut seen: BTreeMap<(i32, BudgetSource), usize> = BTreeMap::new();
    for (index, line) in budget.lines.iter().enumerate() {
        if line.source == BudgetSource::Fast {
            problems.insert(
                format!("lines[{index}].source"),
                "les lignes FAST viennent de l'import du réseau et ne se modifient pas ici"
                    .to_owned(),
            );
        }
        for warning in line.validate() {
            problems.insert(format!("lines[{index}].{}", warning.field), warning.message);
        }
        if let Some(first) = seen.insert((line.year, line.source), index) {
            seen.insert((line.year, line.source), first);
            problems.insert(
                format!("lines[{index}].year"),
                format!(
                    "la ligne {} a déjà l'année {} et la source « {} »",
                    first + 1,
                    line.year,
                    line.source.label()
                ),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Unprocessable(problems))
    }
}
