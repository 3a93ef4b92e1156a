//! Quality's records, RGESN self-assessments and RGAA audits through the [`Store`].

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::quality::record::QualityRecord;
use pilote_domain::quality::rgaa::Audit;
use pilote_domain::quality::rgesn::Assessment;

use crate::{Result, Store};

impl Store {
    /// A product's quality record and when it was written; `None` when none is.
    pub async fn quality_record(&self, product: &Slug) -> Result<Option<(QualityRecord, String)>> {
        dispatch!(self, pool => backend::quality::document(pool, backend::quality::Document::Record, product).await)
    }

    /// A product's RGESN self-assessment and when it was written; `None` when none is.
    pub async fn rgesn_assessment(
        &self,
        product: &Slug,
    ) -> Result<Option<(Vec<Assessment>, String)>> {
        dispatch!(self, pool => backend::quality::document(pool, backend::quality::Document::Rgesn, product).await)
    }

    /// Writes a product's RGESN self-assessment (already checked), in the audit log.
    pub async fn save_rgesn_assessment(
        &self,
        product: &Slug,
        assessments: &[Assessment],
        actor: &Actor,
        at: &str,
    ) -> Result<()> {
        let assessments = assessments.to_vec();
        dispatch!(self, pool => backend::quality::save_document(pool, backend::quality::Document::Rgesn, product, &assessments, actor, at).await)
    }

    /// Writes a product's quality record (already checked), in the audit log.
    pub async fn save_quality_record(
        &self,
        product: &Slug,
        record: &QualityRecord,
        actor: &Actor,
        at: &str,
    ) -> Result<()> {
        dispatch!(self, pool => backend::quality::save_document(pool, backend::quality::Document::Record, product, record, actor, at).await)
    }

    /// One RGAA audit; [`crate::StoreError::NotFound`] when none has this number.
    pub async fn rgaa_audit(&self, id: i64) -> Result<Audit> {
        dispatch!(self, pool => backend::quality::audit(pool, id).await)
    }

    /// A product's RGAA audits, latest first.
    pub async fn rgaa_audits(&self, product: &Slug) -> Result<Vec<Audit>> {
        dispatch!(self, pool => backend::quality::audits(pool, product).await)
    }

    /// Stores a new RGAA audit (number 0) or replaces one (already checked), in the audit
    /// log; returns its number.
    pub async fn save_rgaa_audit(&self, audit: &Audit, actor: &Actor, at: &str) -> Result<i64> {
        dispatch!(self, pool => backend::quality::save_audit(pool, audit, actor, at).await)
    }
}
