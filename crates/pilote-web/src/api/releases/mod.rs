//! `/api/v1/products/{slug}/releases`: what a product delivered and how often, and
//! `/api/v1/delivery/cadence`: the portfolio's delivery cadence by incubator.
//!
//! Releases read from a forge (`pilote releases import`) are listed beside those the team
//! declares; only declared releases are written here.

pub mod cadence;
pub mod create;
pub mod delete;
pub mod list;

use chrono::NaiveDate;
use pilote_domain::delivery::{Release, cadence, delivers_monthly};
use pilote_domain::portfolio::Product;
use serde::Serialize;
use utoipa::ToSchema;

use crate::read_model::ReadModel;

/// A product's releases and the cadence they show.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductReleases {
    /// The product.
    pub product: String,
    /// Median days between releases over the last six months; absent with fewer than two.
    pub cadence_days: Option<f64>,
    /// Whether it delivers at least monthly (median gap of at most 31 days, last release
    /// within 31 days).
    pub delivers_monthly: bool,
    /// Its releases, newest first.
    pub data: Vec<Release>,
    /// How many.
    pub total: usize,
}

/// The releases of `product` as the API lists them, the cadence taken at `today`.
pub(crate) fn releases_of(
    model: &ReadModel,
    product: &Product,
    today: NaiveDate,
) -> ProductReleases {
    let releases = model.releases_of(&product.slug);
    let dates: Vec<NaiveDate> = releases.iter().map(|release| release.date).collect();
    ProductReleases {
        product: product.slug.to_string(),
        cadence_days: cadence(&dates, today),
        delivers_monthly: delivers_monthly(&dates, today),
        data: releases.to_vec(),
        total: releases.len(),
    }
}
