//! Forms for a product's impact: declare, edit and delete its indicators; record, edit and
//! delete their measurements; edit its budget lines.
//!
//! As with the portfolio's forms, a submission becomes the JSON record the API takes and
//! goes through the API's parsing and validation; the permission is the API's (managing the
//! product's impact), and every write lands in the audit log under the visitor's account.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::audit::Actor;
use pilote_domain::identity::Action;
use pilote_domain::impact::{
    BudgetLine, BudgetSource, Category, Direction, Indicator, Measurement, Method, Unit,
};
use pilote_domain::portfolio::Product;
use serde_json::{Map, Value};

use super::{
    ConfirmDelete, EXTRA_ROWS, Errors, Fields, Submitted, checked, number, product_allowing,
    rerender, row_errors, rows, text, year,
};
use crate::api::budget::{BudgetLines, validate as validate_budget};
use crate::api::indicators::{
    indicator_at, measurement_at, stamped, validate as validate_indicator, validate_measurement,
};
use crate::auth::Visitor;
use crate::pages::impact::figure;
use crate::pages::{Layout, PageError, page};
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// A select's choices: (stored name, French label).
type Choices = Vec<(&'static str, &'static str)>;

/// The impact section of the product's page, where every form leads back.
fn impact_section(product: &Product) -> String {
    format!("/produits/{}#impact", product.slug)
}

/// The frame of a form about `product`'s impact.
fn layout(product: &Product, heading: &str, errors: &Errors) -> Layout {
    let page = format!("/produits/{}", product.slug);
    Layout::new(
        "/produits",
        &[
            ("/produits", "Produits"),
            (&page, &product.title),
            ("", heading),
        ],
    )
    .with_errors(!errors.0.is_empty())
}

/// Ends a write from a form: back to the product's impact section.
async fn written<T>(
    state: &AppState,
    product: &Product,
    result: Result<T, pilote_store::StoreError>,
) -> Result<Response, PageError> {
    result.map_err(ApiError::from)?;
    state.refresh().await?;
    Ok(Redirect::to(&impact_section(product)).into_response())
}

/// Puts a field's value into a record unless it was left empty, so that the parser says
/// a required field is missing rather than invalid.
fn put_filled(record: &mut Map<String, Value>, key: &str, typed: &str, read: fn(&str) -> Value) {
    if !typed.is_empty() {
        record.insert(key.to_owned(), read(typed));
    }
}

fn string(typed: &str) -> Value {
    Value::String(typed.to_owned())
}

/// A number as the form shows it back (`12.5`, `1250`).
fn shown(value: f64) -> String {
    value.to_string()
}

// ---------------------------------------------------------------------------------------
// Indicators

/// An indicator being edited: its measurements, and where its own forms are.
struct Listed<'a> {
    base: String,
    measurements: Vec<&'a Measurement>,
}

#[derive(Template)]
#[template(path = "indicator_form.html")]
struct IndicatorForm<'a> {
    layout: Layout,
    heading: String,
    action: String,
    back: String,
    form: Submitted,
    categories: Choices,
    units: Choices,
    directions: Choices,
    /// When editing: the indicator's measurements.
    existing: Option<Listed<'a>>,
}

impl IndicatorForm<'_> {
    #[expect(
        clippy::unused_self,
        clippy::trivially_copy_pass_by_ref,
        reason = "templates call it as `self.number(...)`, with a reference"
    )]
    fn number(&self, value: &f64) -> String {
        figure(*value)
    }
}

fn indicator_form<'a>(
    model: &'a ReadModel,
    product: &Product,
    existing: Option<&Indicator>,
    fields: Fields,
    errors: Errors,
) -> IndicatorForm<'a> {
    let (heading, action) = match existing {
        Some(indicator) => (
            format!("Modifier l’indicateur « {} »", indicator.name),
            format!(
                "/produits/{}/indicateurs/{}/modifier",
                product.slug, indicator.id
            ),
        ),
        None => (
            format!("Déclarer un indicateur de « {} »", product.title),
            format!("/produits/{}/indicateurs/nouveau", product.slug),
        ),
    };
    IndicatorForm {
        layout: layout(product, &heading, &errors),
        heading,
        action,
        back: impact_section(product),
        form: Submitted { fields, errors },
        categories: Category::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        units: Unit::ALL.iter().map(|u| (u.as_str(), u.label())).collect(),
        directions: Direction::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
        existing: existing.map(|indicator| {
            let mut measurements: Vec<&Measurement> = model.measurements_of(indicator.id).collect();
            measurements.sort_by_key(|m| (m.period_end, m.id));
            Listed {
                base: format!("/produits/{}/indicateurs/{}", product.slug, indicator.id),
                measurements,
            }
        }),
    }
}

/// The form's fields for a stored indicator.
fn indicator_fields(indicator: &Indicator) -> Fields {
    let mut fields = Fields::new();
    fields.insert("name".into(), indicator.name.clone());
    fields.insert("category".into(), indicator.category.as_str().into());
    fields.insert("unit".into(), indicator.unit.as_str().into());
    fields.insert("direction".into(), indicator.direction.as_str().into());
    if let Some(baseline) = &indicator.baseline {
        fields.insert("baseline.value".into(), shown(baseline.value));
        fields.insert("baseline.date".into(), baseline.date.to_string());
        fields.insert("baseline.source".into(), baseline.source.clone());
    }
    if let Some(target) = &indicator.target {
        fields.insert("target.value".into(), shown(target.value));
        fields.insert("target.date".into(), target.date.to_string());
    }
    fields.insert("methodology".into(), indicator.methodology.clone());
    if indicator.public {
        fields.insert("public".into(), "on".into());
    }
    fields
}

/// The indicator record a form describes, as the API takes it.
fn indicator_record(fields: &Fields, product: &Product) -> Value {
    let mut record = Map::new();
    record.insert("product".into(), string(product.slug.as_str()));
    record.insert("name".into(), string(&text(fields, "name")));
    for key in ["category", "unit", "direction"] {
        put_filled(&mut record, key, &text(fields, key), string);
    }
    // Baseline and target are optional: an empty group is none.
    for (group, keys) in [
        ("baseline", &["value", "date", "source"][..]),
        ("target", &["value", "date"][..]),
    ] {
        let mut part = Map::new();
        for key in keys {
            let read = if *key == "value" { number } else { string };
            put_filled(
                &mut part,
                key,
                &text(fields, &format!("{group}.{key}")),
                read,
            );
        }
        let part = if part.is_empty() {
            Value::Null
        } else {
            Value::Object(part)
        };
        record.insert(group.to_owned(), part);
    }
    record.insert("methodology".into(), string(&text(fields, "methodology")));
    // A checkbox is sent only when ticked.
    record.insert("public".into(), Value::Bool(fields.contains_key("public")));
    Value::Object(record)
}

fn checked_indicator(
    fields: &Fields,
    product: &Product,
) -> Result<Result<Indicator, Errors>, PageError> {
    checked(indicator_record(fields, product), validate_indicator)
}

/// `GET /produits/{slug}/indicateurs/nouveau`.
pub async fn new_indicator(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let model = state.model();
    let (product, _) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let mut fields = Fields::new();
    // A new indicator is public unless said otherwise, as the strategy asks.
    fields.insert("public".into(), "on".into());
    page(&indicator_form(
        &model,
        product,
        None,
        fields,
        Errors::default(),
    ))
}

/// `POST /produits/{slug}/indicateurs/nouveau`.
pub async fn create_indicator(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let model = state.model();
    let (product, actor) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = match checked_indicator(&fields, product)? {
        Ok(indicator) => Indicator { id: 0, ..indicator },
        Err(errors) => return rerender(indicator_form(&model, product, None, fields, errors)),
    };
    let created = state.store().create_indicator(&indicator, &actor).await;
    written(&state, product, created).await
}

/// `GET /produits/{slug}/indicateurs/{id}/modifier`.
pub async fn edit_indicator(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let model = state.model();
    let (product, _) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = indicator_at(&model, product, &id)?;
    page(&indicator_form(
        &model,
        product,
        Some(indicator),
        indicator_fields(indicator),
        Errors::default(),
    ))
}

/// `POST /produits/{slug}/indicateurs/{id}/modifier`.
pub async fn update_indicator(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let model = state.model();
    let (product, actor) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let existing = indicator_at(&model, product, &id)?;
    let indicator = match checked_indicator(&fields, product)? {
        Ok(indicator) => Indicator {
            id: existing.id,
            ..indicator
        },
        Err(errors) => {
            return rerender(indicator_form(
                &model,
                product,
                Some(existing),
                fields,
                errors,
            ));
        }
    };
    let updated = state.store().update_indicator(&indicator, &actor).await;
    written(&state, product, updated).await
}

/// The page asking to confirm the deletion of `what`, posted to `action`.
fn confirm(product: &Product, action: String, what: String) -> Result<Html<String>, PageError> {
    let page_address = format!("/produits/{}", product.slug);
    page(&ConfirmDelete {
        layout: Layout::new(
            "/produits",
            &[
                ("/produits", "Produits"),
                (&page_address, &product.title),
                ("", "Supprimer"),
            ],
        ),
        what,
        action,
        back: impact_section(product),
    })
}

/// `GET /produits/{slug}/indicateurs/{id}/supprimer`: asks for confirmation.
pub async fn confirm_delete_indicator(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let model = state.model();
    let (product, _) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = indicator_at(&model, product, &id)?;
    let measured = model.measurements_of(indicator.id).count();
    confirm(
        product,
        format!(
            "/produits/{}/indicateurs/{}/supprimer",
            product.slug, indicator.id
        ),
        format!(
            "l’indicateur « {} » et ses mesures ({measured})",
            indicator.name
        ),
    )
}

/// `POST /produits/{slug}/indicateurs/{id}/supprimer`.
pub async fn delete_indicator(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let model = state.model();
    let (product, actor) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = indicator_at(&model, product, &id)?;
    let deleted = state.store().delete_indicator(indicator.id, &actor).await;
    written(&state, product, deleted).await
}

// ---------------------------------------------------------------------------------------
// Measurements

#[derive(Template)]
#[template(path = "measurement_form.html")]
struct MeasurementForm {
    layout: Layout,
    heading: String,
    action: String,
    back: String,
    form: Submitted,
    /// The indicator's unit, in French, for the value's hint.
    unit: &'static str,
    methods: Choices,
}

fn measurement_form(
    product: &Product,
    indicator: &Indicator,
    existing: Option<&Measurement>,
    fields: Fields,
    errors: Errors,
) -> MeasurementForm {
    let base = format!(
        "/produits/{}/indicateurs/{}/mesures",
        product.slug, indicator.id
    );
    let (heading, action) = match existing {
        Some(measurement) => (
            format!(
                "Modifier la mesure du {} au {} de « {} »",
                measurement.period_start, measurement.period_end, indicator.name
            ),
            format!("{base}/{}/modifier", measurement.id),
        ),
        None => (
            format!("Ajouter une mesure de « {} »", indicator.name),
            format!("{base}/nouvelle"),
        ),
    };
    MeasurementForm {
        layout: layout(product, &heading, &errors),
        heading,
        action,
        back: impact_section(product),
        form: Submitted { fields, errors },
        unit: indicator.unit.label(),
        methods: Method::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
    }
}

/// The form's fields for a stored measurement.
fn measurement_fields(measurement: &Measurement) -> Fields {
    let mut fields = Fields::new();
    fields.insert("period_start".into(), measurement.period_start.to_string());
    fields.insert("period_end".into(), measurement.period_end.to_string());
    fields.insert("value".into(), shown(measurement.value));
    fields.insert("method".into(), measurement.method.as_str().into());
    fields.insert(
        "evidence_url".into(),
        measurement.evidence_url.clone().unwrap_or_default(),
    );
    fields.insert("comment".into(), measurement.comment.clone());
    fields
}

/// The measurement record a form describes, as the API takes it.
fn measurement_record(fields: &Fields) -> Value {
    let mut record = Map::new();
    for key in ["period_start", "period_end", "method", "evidence_url"] {
        put_filled(&mut record, key, &text(fields, key), string);
    }
    put_filled(&mut record, "value", &text(fields, "value"), number);
    record.insert("comment".into(), string(&text(fields, "comment")));
    Value::Object(record)
}

/// Parses and validates a measurement form as the API would; numbered `id`, recorded by
/// `actor` now.
fn checked_measurement(
    fields: &Fields,
    indicator: &Indicator,
    id: i64,
    actor: &Actor,
) -> Result<Result<Measurement, Errors>, PageError> {
    let parsed = checked(measurement_record(fields), |measurement| {
        validate_measurement(measurement, indicator)
    })?;
    Ok(parsed.map(|measurement| stamped(measurement, indicator, id, actor)))
}

/// `GET /produits/{slug}/indicateurs/{id}/mesures/nouvelle`.
pub async fn new_measurement(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let model = state.model();
    let (product, _) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = indicator_at(&model, product, &id)?;
    let mut fields = Fields::new();
    fields.insert("method".into(), Method::Measured.as_str().into());
    page(&measurement_form(
        product,
        indicator,
        None,
        fields,
        Errors::default(),
    ))
}

/// `POST /produits/{slug}/indicateurs/{id}/mesures/nouvelle`.
pub async fn create_measurement(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let model = state.model();
    let (product, actor) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = indicator_at(&model, product, &id)?;
    let measurement = match checked_measurement(&fields, indicator, 0, &actor)? {
        Ok(measurement) => measurement,
        Err(errors) => {
            return rerender(measurement_form(product, indicator, None, fields, errors));
        }
    };
    let created = state.store().create_measurement(&measurement, &actor).await;
    written(&state, product, created).await
}

/// `GET /produits/{slug}/indicateurs/{id}/mesures/{measurement}/modifier`.
pub async fn edit_measurement(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id, measurement)): Path<(String, String, String)>,
) -> Result<Html<String>, PageError> {
    let model = state.model();
    let (product, _) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = indicator_at(&model, product, &id)?;
    let measurement = measurement_at(&model, indicator, &measurement)?;
    page(&measurement_form(
        product,
        indicator,
        Some(measurement),
        measurement_fields(measurement),
        Errors::default(),
    ))
}

/// `POST /produits/{slug}/indicateurs/{id}/mesures/{measurement}/modifier`.
pub async fn update_measurement(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id, measurement)): Path<(String, String, String)>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let model = state.model();
    let (product, actor) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = indicator_at(&model, product, &id)?;
    let existing = measurement_at(&model, indicator, &measurement)?;
    let measurement = match checked_measurement(&fields, indicator, existing.id, &actor)? {
        Ok(measurement) => measurement,
        Err(errors) => {
            return rerender(measurement_form(
                product,
                indicator,
                Some(existing),
                fields,
                errors,
            ));
        }
    };
    let updated = state.store().update_measurement(&measurement, &actor).await;
    written(&state, product, updated).await
}

/// `GET /produits/{slug}/indicateurs/{id}/mesures/{measurement}/supprimer`: asks for
/// confirmation.
pub async fn confirm_delete_measurement(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id, measurement)): Path<(String, String, String)>,
) -> Result<Html<String>, PageError> {
    let model = state.model();
    let (product, _) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = indicator_at(&model, product, &id)?;
    let measurement = measurement_at(&model, indicator, &measurement)?;
    confirm(
        product,
        format!(
            "/produits/{}/indicateurs/{}/mesures/{}/supprimer",
            product.slug, indicator.id, measurement.id
        ),
        format!(
            "la mesure du {} au {} de l’indicateur « {} »",
            measurement.period_start, measurement.period_end, indicator.name
        ),
    )
}

/// `POST /produits/{slug}/indicateurs/{id}/mesures/{measurement}/supprimer`.
pub async fn delete_measurement(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id, measurement)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let model = state.model();
    let (product, actor) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let indicator = indicator_at(&model, product, &id)?;
    let measurement = measurement_at(&model, indicator, &measurement)?;
    let deleted = state
        .store()
        .delete_measurement(measurement.id, &actor)
        .await;
    written(&state, product, deleted).await
}

// ---------------------------------------------------------------------------------------
// Budget

const BUDGET_KEYS: [&str; 4] = ["year", "amount", "source", "comment"];

/// One line of the budget form, with the errors on its cells.
#[derive(Default)]
struct BudgetRow {
    year: String,
    amount: String,
    source: String,
    comment: String,
    errors: [Option<String>; 4],
}

/// A FAST line, shown and not edited.
struct FastLine {
    year: i32,
    amount: String,
    comment: String,
}

#[derive(Template)]
#[template(path = "budget_form.html")]
struct BudgetForm {
    layout: Layout,
    heading: String,
    action: String,
    back: String,
    form: Submitted,
    rows: Vec<BudgetRow>,
    fast: Vec<FastLine>,
    sources: Choices,
}

/// An amount in euros as people read it (« 250 000 € »).
fn euros(line: &BudgetLine) -> String {
    #[expect(
        clippy::cast_precision_loss,
        reason = "amounts stay far below 2^53 cents"
    )]
    let euros = line.amount.cents() as f64 / 100.0;
    format!("{} €", figure(euros))
}

fn budget_form(
    model: &ReadModel,
    product: &Product,
    mut rows: Vec<BudgetRow>,
    fields: Fields,
    errors: Errors,
) -> BudgetForm {
    let heading = format!("Budget de « {} »", product.title);
    rows.extend((0..EXTRA_ROWS).map(|_| BudgetRow::default()));
    for (index, row) in rows.iter_mut().enumerate() {
        row.errors = row_errors(&errors, "lines", BUDGET_KEYS, index);
    }
    let mut fast: Vec<&BudgetLine> = model
        .impact()
        .budget_lines
        .iter()
        .filter(|line| line.product == product.slug && line.source == BudgetSource::Fast)
        .collect();
    fast.sort_by_key(|line| line.year);
    BudgetForm {
        layout: layout(product, &heading, &errors),
        heading,
        action: format!("/produits/{}/budget", product.slug),
        back: impact_section(product),
        form: Submitted { fields, errors },
        rows,
        fast: fast
            .into_iter()
            .map(|line| FastLine {
                year: line.year,
                amount: euros(line),
                comment: line.comment.clone(),
            })
            .collect(),
        sources: BudgetSource::ALL
            .iter()
            .filter(|source| **source != BudgetSource::Fast)
            .map(|source| (source.as_str(), source.label()))
            .collect(),
    }
}

/// The rows of the product's stored non-FAST lines.
fn budget_rows(model: &ReadModel, product: &Product) -> Vec<BudgetRow> {
    let mut lines: Vec<&BudgetLine> = model
        .impact()
        .budget_lines
        .iter()
        .filter(|line| line.product == product.slug && line.source != BudgetSource::Fast)
        .collect();
    lines.sort_by_key(|line| (line.year, line.source));
    lines
        .into_iter()
        .map(|line| BudgetRow {
            year: line.year.to_string(),
            amount: serde_json::to_string(&line.amount).unwrap_or_default(),
            source: line.source.as_str().to_owned(),
            comment: line.comment.clone(),
            errors: Default::default(),
        })
        .collect()
}

/// The rows as typed.
fn budget_rows_from(fields: &Fields) -> Vec<BudgetRow> {
    rows(fields, "lines", &BUDGET_KEYS)
        .into_iter()
        .map(|row| {
            let get = |key: &str| row.get(key).cloned().unwrap_or_default();
            BudgetRow {
                year: get("year"),
                amount: get("amount"),
                source: get("source"),
                comment: get("comment"),
                errors: Default::default(),
            }
        })
        .collect()
}

/// The replacement a form describes, as the API takes it.
fn budget_record(fields: &Fields, product: &Product) -> Value {
    let lines: Vec<Value> = rows(fields, "lines", &BUDGET_KEYS)
        .into_iter()
        .map(|row| {
            let get = |key: &str| row.get(key).cloned().unwrap_or_default();
            let mut line = Map::new();
            line.insert("product".into(), string(product.slug.as_str()));
            put_filled(&mut line, "year", &get("year"), year);
            put_filled(&mut line, "amount", &get("amount"), number);
            put_filled(&mut line, "source", &get("source"), string);
            line.insert("comment".into(), string(&get("comment")));
            Value::Object(line)
        })
        .collect();
    let mut record = Map::new();
    record.insert("lines".into(), Value::Array(lines));
    Value::Object(record)
}

/// `GET /produits/{slug}/budget`.
pub async fn edit_budget(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let model = state.model();
    let (product, _) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let rows = budget_rows(&model, product);
    page(&budget_form(
        &model,
        product,
        rows,
        Fields::new(),
        Errors::default(),
    ))
}

/// `POST /produits/{slug}/budget`: the product's non-FAST lines become those of the form.
pub async fn replace_budget(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let model = state.model();
    let (product, actor) = product_allowing(&visitor, &model, &slug, Action::ManageImpact)?;
    let budget: BudgetLines = match checked(budget_record(&fields, product), validate_budget)? {
        Ok(budget) => budget,
        Err(errors) => {
            let rows = budget_rows_from(&fields);
            return rerender(budget_form(&model, product, rows, fields, errors));
        }
    };
    let replaced = state
        .store()
        .replace_product_budget(&product.slug, &budget.lines, &actor)
        .await;
    written(&state, product, replaced).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_as_people_type_them() {
        assert_eq!(number("12,5"), serde_json::json!(12.5));
        assert_eq!(number("1 250"), serde_json::json!(1250.0));
        assert_eq!(number("1\u{202f}250,75"), serde_json::json!(1250.75));
        assert_eq!(number("beaucoup"), serde_json::json!("beaucoup"));
        assert_eq!(number("inf"), serde_json::json!("inf"));
        assert_eq!(year("2024"), serde_json::json!(2024));
        assert_eq!(year("2024,5"), serde_json::json!("2024,5"));
    }
}
