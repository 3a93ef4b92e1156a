//! `/api/v1/products/{slug}/quality-record`: a product's record of sign-in, hosting,
//! security homologation and accessibility statement; `/api/v1/products/{slug}/audits`:
//! its RGAA audits, run page by page; `/api/v1/products/{slug}/rgesn`: its RGESN
//! self-assessment; `/api/v1/products/{slug}/service`: what the probes saw of it;
//! `/api/v1/observatory`: every product against the observatory's indicators, live or in a
//! frozen quarterly edition.

pub mod audit_list;
pub mod audit_result;
pub mod audit_show;
pub mod audits;
pub mod editions;
pub mod observatory;
pub mod rgesn;
pub mod service;
pub mod show_record;
pub mod update_record;

use pilote_domain::portfolio::Product;
use pilote_domain::quality::record::QualityRecord;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ApiError, AppState};

/// Where a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordSource {
    /// Written in Pilote by the product's people.
    Recorded,
    /// Read from the network's fields, none being written yet.
    Network,
}

/// A product's quality record, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QualityRecordJson {
    /// The product.
    pub product: String,
    /// Where the record comes from.
    pub source: RecordSource,
    /// When it was written, for a recorded one.
    pub updated_at: Option<String>,
    /// The record.
    #[serde(flatten)]
    #[schema(inline)]
    pub record: QualityRecord,
}

/// `product`'s record: the one written, or the network's.
pub(crate) async fn record_of(
    state: &AppState,
    product: &Product,
) -> Result<QualityRecordJson, ApiError> {
    Ok(match state.store().quality_record(&product.slug).await? {
        Some((record, at)) => QualityRecordJson {
            product: product.slug.to_string(),
            source: RecordSource::Recorded,
            updated_at: Some(at),
            record,
        },
        None => QualityRecordJson {
            product: product.slug.to_string(),
            source: RecordSource::Network,
            updated_at: None,
            record: QualityRecord::from_network(product),
        },
    })
}
