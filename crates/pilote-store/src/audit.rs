//! The audit log through the [`Store`]: reading entries, verifying the chain, erasing a
//! person's data and exporting what is held on them. Writing entries is done by every
//! write of the store itself, in its transaction (`repo/audit.rs`).

use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditEntry, ChainBreak};
use serde::Serialize;

use crate::{Result, Store};

/// A page of the log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditPage {
    /// The entries, personal values opened (or erased).
    pub entries: Vec<AuditEntry>,
    /// Entries in the whole log.
    pub total: u64,
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// Entries found intact (all of them when the chain holds; those before the break
    /// otherwise).
    pub entries: usize,
    /// The first entry at which the chain breaks.
    pub first_break: Option<ChainBreak>,
}

/// The kinds of records written since a position of the log: the change feed that
/// followers of the store (each server's search index) read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangedKinds {
    /// The last entry's position (the position asked for when nothing was written since).
    pub last: i64,
    /// The kinds of records written after the position asked for (`product`, `dataset`...).
    pub kinds: std::collections::BTreeSet<String>,
}

/// What erasing a person did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Erasure {
    /// Whether the member record exists (its personal fields were then cleared).
    pub member_found: bool,
    /// The member's personal fields that held a value and were cleared.
    pub cleared_fields: Vec<&'static str>,
    /// The subjects whose keys were destroyed (`member:...`, `account:...`): their personal
    /// values in the log now read "[effacé]".
    pub destroyed_keys: Vec<String>,
    /// The accounts linked to the member, deleted with their roles, sessions and tokens.
    pub deleted_accounts: Vec<i64>,
}

impl Store {
    /// The log's entries about one record, oldest first; personal values opened when their
    /// person's key exists, "[effacé]" otherwise (such entries no longer hash as stored).
    pub async fn audit_history(
        &self,
        entity_kind: &str,
        entity_id: &str,
    ) -> Result<Vec<AuditEntry>> {
        dispatch!(self, pool => backend::audit::history(pool, entity_kind, entity_id).await)
    }

    /// A page of the whole log, newest first, personal values opened as in
    /// [`Store::audit_history`].
    pub async fn audit_page(&self, offset: u64, limit: u64) -> Result<AuditPage> {
        dispatch!(self, pool => backend::audit::page(pool, offset, limit).await)
    }

    /// The kinds of records written after position `seq` of the log. Every write appends
    /// its entries under the chain's lock in its own transaction, so entries become
    /// visible in order and a follower reading from its last position misses none.
    pub async fn audit_changes_since(&self, seq: i64) -> Result<ChangedKinds> {
        dispatch!(self, pool => backend::audit::changes_since(pool, seq).await)
    }

    /// The log's last position (0 when empty).
    pub async fn audit_position(&self) -> Result<i64> {
        dispatch!(self, pool => backend::audit::position(pool).await)
    }

    /// Checks the whole chain, in order, a chunk at a time.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        dispatch!(self, pool => backend::audit::verify(pool).await)
    }

    /// Erases a member's personal data in one transaction: destroys their keys (and those
    /// of their accounts), clears their e-mail and phone, and logs the erasure.
    /// [`crate::StoreError::NotFound`] when there is neither such a member nor any key.
    pub async fn erase_person(&self, member: &Slug, actor: &Actor) -> Result<Erasure> {
        dispatch!(self, pool => backend::audit::erase(pool, member, actor).await)
    }

    /// Everything held on a member, as JSON: the record with its personal fields, and every
    /// audit entry about them or sealed under their keys, opened.
    /// [`crate::StoreError::NotFound`] when nothing is held.
    pub async fn member_export(&self, member: &Slug) -> Result<serde_json::Value> {
        dispatch!(self, pool => backend::audit::export(pool, member).await)
    }
}
