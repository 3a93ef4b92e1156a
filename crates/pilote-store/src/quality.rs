//! Quality's records, RGESN self-assessments and RGAA audits through the [`Store`].

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::quality::observatory::ObservatoryRow;
use pilote_domain::quality::record::QualityRecord;
use pilote_domain::quality::reference::{CriterionText, Standard};
use pilote_domain::quality::rgaa::Audit;
use pilote_domain::quality::rgesn::Assessment;
use pilote_domain::quality::service::{ServiceCheck, ServiceHealth};

use crate::{JobLease, Result, Store};

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

    /// Stores probes' checks in one transaction; a check that ran for a job ends the job
    /// in the same transaction, and is not stored when the job's lease was lost. Returns, per
    /// check, whether it was stored.
    pub async fn record_service_checks(
        &self,
        checks: &[(ServiceCheck, Option<JobLease>)],
        now: &str,
    ) -> Result<Vec<bool>> {
        dispatch!(self, pool => backend::quality::record_checks(pool, checks, now).await)
    }

    /// A product's latest checks, newest first.
    pub async fn service_checks(&self, product: &Slug, limit: i64) -> Result<Vec<ServiceCheck>> {
        dispatch!(self, pool => backend::quality::checks(pool, product, limit).await)
    }

    /// Each checked product's service health since `since` (RFC 3339), or one product's.
    pub async fn service_health(
        &self,
        product: Option<&Slug>,
        since: &str,
    ) -> Result<Vec<ServiceHealth>> {
        dispatch!(self, pool => backend::quality::health(pool, product, since).await)
    }

    /// Freezes an observatory edition; [`crate::StoreError::Conflict`] when it already is.
    pub async fn freeze_observatory_edition(
        &self,
        edition: &str,
        rows: &[ObservatoryRow],
        actor: &Actor,
        at: &str,
    ) -> Result<()> {
        dispatch!(self, pool => backend::quality::freeze_edition(pool, edition, rows, actor, at).await)
    }

    /// The frozen observatory editions, latest first: name, when, by whom.
    pub async fn observatory_editions(&self) -> Result<Vec<(String, String, String)>> {
        dispatch!(self, pool => backend::quality::editions(pool).await)
    }

    /// A frozen edition's rows; [`crate::StoreError::NotFound`] when it is not frozen.
    pub async fn observatory_edition(&self, edition: &str) -> Result<Vec<ObservatoryRow>> {
        dispatch!(self, pool => backend::quality::edition(pool, edition).await)
    }

    /// Every written quality record, by product.
    pub async fn quality_records(&self) -> Result<Vec<(Slug, QualityRecord)>> {
        dispatch!(self, pool => backend::quality::all_documents(pool, backend::quality::Document::Record).await)
    }

    /// Every RGAA audit, latest first.
    pub async fn all_rgaa_audits(&self) -> Result<Vec<Audit>> {
        dispatch!(self, pool => backend::quality::all_audits(pool).await)
    }

    /// A standard's reference texts (criteria titles), in criterion order; empty until
    /// imported.
    pub async fn reference_texts(&self, standard: Standard) -> Result<Vec<CriterionText>> {
        dispatch!(self, pool => backend::quality::reference_texts(pool, standard).await)
    }

    /// Replaces a standard's reference texts (already checked) in one transaction.
    pub async fn replace_reference_texts(
        &self,
        standard: Standard,
        texts: &[CriterionText],
        actor: &Actor,
    ) -> Result<()> {
        dispatch!(self, pool => backend::quality::replace_reference_texts(pool, standard, texts, actor).await)
    }
}
