//! `GET /api/v1/observatory`: every product against the observatory's indicators, each with
//! its level, source and date; the live table or a frozen quarterly edition.

use std::collections::{BTreeSet, HashMap};

use axum::Json;
use axum::extract::{Query, State};
use chrono::{Duration, Utc};
use pilote_domain::Slug;
use pilote_domain::portfolio::{PhaseName, Product};
use pilote_domain::quality::observatory::{Evidence, ObservatoryRow, Source, readings};
use pilote_domain::quality::record::QualityRecord;
use pilote_domain::quality::rgaa::Audit;
use pilote_domain::quality::service::HEALTH_DAYS;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::wanted;
use crate::api::list::{Page, Paging};
use crate::error::ErrorBody;
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// Which products and which edition.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObservatoryFilter {
    /// A frozen quarterly edition (« 2026-T4 »); the live table when absent.
    pub edition: Option<String>,
    /// Products of this incubator (slug).
    pub incubator: Option<String>,
    /// Products sponsored in this ministerial domain.
    pub ministry: Option<String>,
    /// Products in this phase (`construction`, `acceleration`, ...).
    pub phase: Option<String>,
}

impl ObservatoryFilter {
    /// Whether `row` is kept; an unknown phase is refused.
    fn matcher(&self) -> Result<impl Fn(&ObservatoryRow) -> bool + '_, ApiError> {
        let phase = self
            .phase
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|p| {
                serde_json::from_value::<PhaseName>(serde_json::Value::String(p.to_owned()))
                    .map_err(|_| ApiError::field("phase", format!("phase inconnue « {p} »")))
            })
            .transpose()?;
        let incubator = wanted(self.incubator.as_ref());
        let ministry = wanted(self.ministry.as_ref());
        Ok(move |row: &ObservatoryRow| {
            incubator.is_none_or(|i| row.incubator.as_str() == i)
                && ministry.is_none_or(|m| row.ministries.iter().any(|r| r == m))
                && phase.is_none_or(|p| row.phase == Some(p))
        })
    }
}

/// The observatory's rows for `filter`, live or frozen, sorted by product.
pub(crate) async fn rows(
    state: &AppState,
    filter: &ObservatoryFilter,
) -> Result<Vec<ObservatoryRow>, ApiError> {
    let all = match filter.edition.as_deref().filter(|e| !e.is_empty()) {
        Some(edition) => state.store().observatory_edition(edition).await?,
        None => live(state).await?,
    };
    let keep = filter.matcher()?;
    Ok(all.into_iter().filter(|row| keep(row)).collect())
}

/// The observatory as of now: every product of the portfolio.
pub(crate) async fn live(state: &AppState) -> Result<Vec<ObservatoryRow>, ApiError> {
    let store = state.store();
    let records: HashMap<Slug, QualityRecord> =
        store.quality_records().await?.into_iter().collect();
    let mut by_product: HashMap<Slug, Vec<Audit>> = HashMap::new();
    // Latest first, kept in that order per product.
    for audit in store.all_rgaa_audits().await? {
        by_product
            .entry(audit.product.clone())
            .or_default()
            .push(audit);
    }
    let audits: HashMap<&Slug, (f64, chrono::NaiveDate)> = by_product
        .iter()
        .filter_map(|(product, audits)| Some((product, Audit::latest_rate(audits)?)))
        .collect();
    let since = pilote_store::timestamp(Utc::now() - Duration::days(HEALTH_DAYS));
    let health: HashMap<_, _> = store
        .service_health(None, &since)
        .await?
        .into_iter()
        .map(|h| (h.product.clone(), h))
        .collect();
    let model = state.model();
    Ok(model
        .portfolio()
        .products
        .iter()
        .map(|product| {
            let network = QualityRecord::from_network(product);
            let (record, record_source) = records
                .get(&product.slug)
                .map_or((&network, Source::Network), |r| (r, Source::Declared));
            row(
                &model,
                product,
                &Evidence {
                    record,
                    record_source,
                    audit: audits.get(&product.slug).copied(),
                    health: health.get(&product.slug),
                },
            )
        })
        .collect())
}

/// One product's line of the observatory from its evidence.
pub(crate) fn row(model: &ReadModel, product: &Product, evidence: &Evidence<'_>) -> ObservatoryRow {
    ObservatoryRow {
        product: product.slug.clone(),
        title: product.title.clone(),
        incubator: product.incubator.clone(),
        ministries: ministries(model, &product.sponsors),
        phase: product.current_phase().map(|p| p.name),
        url: product.link.clone(),
        readings: readings(evidence),
    }
}

/// The ministerial domains of `sponsors`, each once.
fn ministries(model: &ReadModel, sponsors: &[Slug]) -> Vec<String> {
    let domains: BTreeSet<String> = sponsors
        .iter()
        .filter_map(|s| model.organisation(s))
        .map(|o| o.ministerial_domain.clone())
        .filter(|d| !d.is_empty())
        .collect();
    domains.into_iter().collect()
}

/// Lists the observatory: per product, satisfaction, simplicity, accessibility, uptime,
/// speed, sign-in, « dites-le nous une fois », help, online procedure and usage, each with
/// its level colour, its source (probe, audit, declared, network) and its date.
#[utoipa::path(
    get,
    path = "/api/v1/observatory",
    tag = "quality",
    params(ObservatoryFilter, Paging),
    responses(
        (status = 200, description = "Une page du tableau de l'observatoire", body = Page<ObservatoryRow>),
        (status = 404, description = "Édition non figée", body = ErrorBody),
        (status = 422, description = "Filtre ou pagination invalide", body = ErrorBody),
    )
)]
pub async fn list_observatory(
    State(state): State<AppState>,
    Query(filter): Query<ObservatoryFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page<ObservatoryRow>>, ApiError> {
    let rows = rows(&state, &filter).await?;
    Ok(Json(Page::of(rows.into_iter(), paging)?))
}
