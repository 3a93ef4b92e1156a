//! `/api/v1/products/{slug}/indicators`: a product's impact indicators and their
//! measurements.

pub mod create;
pub mod delete;
pub mod list;
pub mod measurements_create;
pub mod measurements_delete;
pub mod measurements_update;
pub mod show;
pub mod update;

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::identity::{Action, Principal};
use pilote_domain::impact::{Indicator, Measurement, latest};
use pilote_domain::portfolio::Product;
use serde::Serialize;
use utoipa::ToSchema;

use crate::ApiError;
use crate::api::extract::parse_record;
use crate::auth::{Caller, authorize, product_target};
use crate::read_model::ReadModel;

/// An indicator as the API shows it: every field, its measurements by period end, its
/// latest value and its progress from the baseline to the target.
#[derive(Serialize)]
pub struct IndicatorJson<'a> {
    #[serde(flatten)]
    indicator: &'a Indicator,
    measurements: Vec<Measurement>,
    latest_value: Option<f64>,
    progress: Option<f64>,
}

impl<'a> IndicatorJson<'a> {
    /// The view of an indicator, with its measurements as the read model holds them.
    pub fn new(indicator: &'a Indicator, model: &'a ReadModel) -> Self {
        let mut measurements: Vec<Measurement> =
            model.measurements_of(indicator.id).cloned().collect();
        measurements.sort_by(|a, b| {
            (a.period_end, &a.recorded_at, a.id).cmp(&(b.period_end, &b.recorded_at, b.id))
        });
        let latest_value = latest(&measurements).map(|measurement| measurement.value);
        Self {
            progress: latest_value.and_then(|value| indicator.progress(value)),
            latest_value,
            measurements,
            indicator,
        }
    }
}

/// The documented shape of [`IndicatorJson`].
#[derive(ToSchema)]
#[schema(as = IndicatorJson)]
#[expect(
    dead_code,
    reason = "only describes the JSON shape for the OpenAPI document"
)]
pub struct IndicatorSchema {
    #[schema(inline)]
    #[serde(flatten)]
    indicator: Indicator,
    /// Its measurements, by period end.
    measurements: Vec<Measurement>,
    /// The value of the latest measurement (the one whose period ends last).
    latest_value: Option<f64>,
    /// How far the latest value has gone from the baseline (0) to the target (1); absent
    /// without a measurement, a baseline or a target.
    progress: Option<f64>,
}

/// The product of the address, for a caller who may manage its impact: 401 without a
/// token, 404 for an unknown product, 403 when the caller's role does not allow it.
pub(crate) fn managed_product<'m>(
    caller: &Caller,
    model: &'m ReadModel,
    slug: &str,
) -> Result<(&'m Product, Actor), ApiError> {
    product_allowing(caller, model, slug, Action::ManageImpact)
}

/// The product of the address, for a caller allowed `action` on it: 401 without a valid
/// token, 404 for an unknown product, 403 when their role does not allow it.
pub(crate) fn product_allowing<'m>(
    caller: &Caller,
    model: &'m ReadModel,
    slug: &str,
    action: Action,
) -> Result<(&'m Product, Actor), ApiError> {
    caller.authenticated()?;
    let product = product_at(model, slug)?;
    let actor = authorize(
        caller.principal(),
        action,
        &[product_target(&product.slug, &product.incubator)],
    )?;
    Ok((product, actor))
}

/// The product of the address; 404 when unknown.
pub(crate) fn product_at<'m>(model: &'m ReadModel, raw: &str) -> Result<&'m Product, ApiError> {
    let slug = crate::api::path_slug(raw)?;
    model.product(&slug).ok_or(ApiError::NotFound)
}

/// A number from the address; anything else cannot exist, hence 404.
pub(crate) fn path_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound)
}

/// The indicator of the address, which must be one of `product`'s; 404 otherwise.
pub(crate) fn indicator_at<'m>(
    model: &'m ReadModel,
    product: &Product,
    raw: &str,
) -> Result<&'m Indicator, ApiError> {
    let id = path_id(raw)?;
    model
        .indicator(id)
        .filter(|indicator| indicator.product == product.slug)
        .ok_or(ApiError::NotFound)
}

/// The measurement of the address, which must be one of `indicator`'s; 404 otherwise.
pub(crate) fn measurement_at<'m>(
    model: &'m ReadModel,
    indicator: &Indicator,
    raw: &str,
) -> Result<&'m Measurement, ApiError> {
    let id = path_id(raw)?;
    model
        .measurements_of(indicator.id)
        .find(|measurement| measurement.id == id)
        .ok_or(ApiError::NotFound)
}

/// Whether `principal` may manage the product's impact, and so see its non-public indicators.
pub(crate) fn may_manage(principal: Option<&Principal>, product: &Product) -> bool {
    principal.is_some_and(|principal| {
        principal.may(
            Action::ManageImpact,
            &product_target(&product.slug, &product.incubator),
        )
    })
}

/// Puts the address's product into an indicator's body, refusing a body that names
/// another one (an indicator does not move between products).
pub(crate) fn product_from_path(
    mut body: serde_json::Value,
    slug: &Slug,
) -> Result<serde_json::Value, ApiError> {
    let Some(object) = body.as_object_mut() else {
        return Err(ApiError::BadRequest(
            "le corps doit être un objet JSON".into(),
        ));
    };
    match object.get("product") {
        None | Some(serde_json::Value::Null) => {}
        Some(given) if given.as_str().and_then(|s| Slug::parse(s).ok()).as_ref() == Some(slug) => {}
        Some(_) => {
            return Err(ApiError::field(
                "product",
                format!("ne correspond pas au produit de l'adresse (« {slug} »)"),
            ));
        }
    }
    object.insert(
        "product".into(),
        serde_json::Value::String(slug.to_string()),
    );
    Ok(body)
}

/// Refuses an indicator whose record is inconsistent, each problem on its field.
pub(crate) fn validate(indicator: &Indicator) -> Result<(), ApiError> {
    crate::api::refuse_problems(indicator.validate())
}

/// The measurement of a body, of `indicator`, numbered `id` (0 for a new one), recorded
/// by `actor` now: what the body says of these is ignored. Refused when invalid for the
/// indicator's unit.
pub(crate) fn measurement_from(
    body: serde_json::Value,
    indicator: &Indicator,
    id: i64,
    actor: &pilote_domain::audit::Actor,
) -> Result<Measurement, ApiError> {
    let measurement: Measurement = parse_record(body)?;
    validate_measurement(&measurement, indicator)?;
    Ok(stamped(measurement, indicator, id, actor))
}

/// Refuses a measurement inconsistent for `indicator`'s unit, each problem on its field.
pub(crate) fn validate_measurement(
    measurement: &Measurement,
    indicator: &Indicator,
) -> Result<(), ApiError> {
    crate::api::refuse_problems(measurement.validate(indicator.unit))
}

/// A measurement of `indicator`, numbered `id`, recorded by `actor` now, whatever it said.
pub(crate) fn stamped(
    mut measurement: Measurement,
    indicator: &Indicator,
    id: i64,
    actor: &pilote_domain::audit::Actor,
) -> Measurement {
    measurement.id = id;
    measurement.indicator = indicator.id;
    measurement.recorded_by = actor.to_string();
    measurement.recorded_at = pilote_store::timestamp(chrono::Utc::now());
    measurement
}
