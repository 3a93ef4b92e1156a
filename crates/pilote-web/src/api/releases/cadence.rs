//! `GET /api/v1/delivery/cadence`: how often the portfolio's products deliver, by incubator.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use pilote_domain::delivery::{cadence, delivers_monthly, median};
use serde::Serialize;
use utoipa::ToSchema;

use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// One incubator's delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncubatorCadence {
    /// The incubator's slug.
    pub incubator: String,
    /// Its name.
    pub title: String,
    /// Its products.
    pub products: usize,
    /// Those with at least one release.
    pub products_with_releases: usize,
    /// Those delivering at least monthly.
    pub delivering_monthly: usize,
    /// `delivering_monthly` ÷ `products`; absent without product.
    pub monthly_share: Option<f64>,
    /// Median of its products' cadences (days), over those that have one.
    pub median_cadence_days: Option<f64>,
}

/// The portfolio's delivery cadence.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cadence {
    /// The day the six months end.
    #[schema(value_type = String, format = Date)]
    pub today: NaiveDate,
    /// By incubator, by slug.
    pub incubators: Vec<IncubatorCadence>,
}

/// Delivery cadence by incubator: the share of products delivering at least monthly and
/// the median of their cadences over the last six months.
#[utoipa::path(
    get,
    path = "/api/v1/delivery/cadence",
    tag = "delivery",
    responses((status = 200, description = "La cadence de livraison par incubateur", body = Cadence))
)]
pub async fn delivery_cadence(State(state): State<AppState>) -> Result<Json<Cadence>, ApiError> {
    let today = chrono::Utc::now().date_naive();
    Ok(Json(cadence_by_incubator(&state.model(), today)))
}

/// The cadence of each incubator's products at `today`; the page shares it.
pub(crate) fn cadence_by_incubator(model: &ReadModel, today: NaiveDate) -> Cadence {
    #[derive(Default)]
    struct Counts {
        products: usize,
        with_releases: usize,
        monthly: usize,
        cadences: Vec<f64>,
    }
    let mut by_incubator: BTreeMap<&str, Counts> = BTreeMap::new();
    for product in &model.portfolio().products {
        let dates: Vec<NaiveDate> = model
            .releases_of(&product.slug)
            .iter()
            .map(|r| r.date)
            .collect();
        let counts = by_incubator.entry(product.incubator.as_str()).or_default();
        counts.products += 1;
        counts.with_releases += usize::from(!dates.is_empty());
        counts.monthly += usize::from(delivers_monthly(&dates, today));
        counts.cadences.extend(cadence(&dates, today));
    }
    let incubators = by_incubator
        .into_iter()
        .map(|(slug, counts)| {
            let title = pilote_domain::Slug::parse(slug)
                .ok()
                .and_then(|slug| model.incubator(&slug))
                .map_or_else(|| slug.to_owned(), |incubator| incubator.title.clone());
            #[expect(clippy::cast_precision_loss, reason = "counts of products")]
            let monthly_share =
                (counts.products > 0).then(|| counts.monthly as f64 / counts.products as f64);
            IncubatorCadence {
                incubator: slug.to_owned(),
                title,
                products: counts.products,
                products_with_releases: counts.with_releases,
                delivering_monthly: counts.monthly,
                monthly_share,
                median_cadence_days: median(&counts.cadences),
            }
        })
        .collect();
    Cadence { today, incubators }
}
