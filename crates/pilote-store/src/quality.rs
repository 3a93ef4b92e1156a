//! Quality's records through the [`Store`].

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::quality::record::QualityRecord;

use crate::{Result, Store};

impl Store {
    /// A product's quality record and when it was written; `None` when none is.
    pub async fn quality_record(&self, product: &Slug) -> Result<Option<(QualityRecord, String)>> {
        dispatch!(self, pool => backend::quality::record(pool, product).await)
    }

    /// Writes a product's quality record (already checked), in the audit log.
    pub async fn save_quality_record(
        &self,
        product: &Slug,
        record: &QualityRecord,
        actor: &Actor,
        at: &str,
    ) -> Result<()> {
        dispatch!(self, pool => backend::quality::save(pool, product, record, actor, at).await)
    }
}
