//! What the audit endpoints share: the report an audit is shown as, and the audit of an
//! address.

use pilote_domain::portfolio::Product;
use pilote_domain::quality::rgaa::{Audit, AuditFigures, SampleStatus, sample_status};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::indicators::path_id;
use crate::{ApiError, AppState};

/// A criterion's status over the sample.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionLine {
    /// The criterion (« 11.2 »).
    pub criterion: String,
    /// Its status over the sample.
    pub status: SampleStatus,
}

/// An audit with its figures, as the API shows it: the audit report.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditReport {
    /// The audit.
    #[serde(flatten)]
    #[schema(inline)]
    pub audit: Audit,
    /// Its figures: counts, rate, statement status.
    pub figures: AuditFigures,
    /// Each criterion of the audit's type with its status over the sample.
    pub criteria: Vec<CriterionLine>,
}

impl AuditReport {
    /// The report of `audit`.
    pub fn of(audit: Audit) -> Self {
        let statuses = audit.statuses();
        Self {
            figures: audit.figures(),
            criteria: statuses
                .iter()
                .filter_map(|(id, pages)| {
                    Some(CriterionLine {
                        criterion: id.to_string(),
                        status: sample_status(pages)?,
                    })
                })
                .collect(),
            audit,
        }
    }
}

/// The audit of the address, which must be one of `product`'s; 404 otherwise.
pub(crate) async fn audit_at(
    state: &AppState,
    product: &Product,
    raw: &str,
) -> Result<Audit, ApiError> {
    let audit = state.store().rgaa_audit(path_id(raw)?).await?;
    if audit.product == product.slug {
        Ok(audit)
    } else {
        Err(ApiError::NotFound)
    }
}
