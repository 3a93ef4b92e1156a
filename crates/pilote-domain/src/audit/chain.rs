//! The hash chain: each entry's hash covers its content and the previous entry's hash, so
//! altering, removing or reordering an entry breaks the chain at that entry.
//!
//! The hashed encoding ([`StoredEntry::content_hash`]) is SHA-256 over a versioned tag, the
//! entry's number, then every other field but the hash, each length-prefixed (optional ones
//! behind a presence byte): the time as RFC 3339 text at microsecond precision in UTC, names
//! as stored, JSON in a canonical form (sorted keys, no spaces). The store keeps exactly
//! those texts ([`StoredEntry`]) and the chain is checked on them, so an entry read back
//! from either database hashes the same, and any change to a stored text is found.

use std::fmt::{self, Write as _};

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{Actor, ActorKind, AuditAction, Change};

/// The previous hash of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Tags the encoding, so that a future change of it cannot be confused with this one.
const ENCODING_TAG: &[u8] = b"pilote-audit-v1";

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Position in the log, from 1, without gaps.
    pub seq: i64,
    /// When the write was made (microsecond precision).
    pub at: DateTime<Utc>,
    /// Who made it.
    pub actor: Actor,
    /// What was done.
    pub action: AuditAction,
    /// The kind of record.
    pub entity_kind: String,
    /// The record's identifier.
    pub entity_id: String,
    /// The person whose key seals the personal values.
    pub subject: Option<String>,
    /// The record before, personal values sealed as stored (opened when read for people).
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    /// The record after, personal values sealed as stored (opened when read for people).
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    /// The previous entry's hash ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// This entry's hash: [`entry_hash`] of the rest.
    pub hash: String,
}

/// The current time as the log records it: UTC, truncated to the microsecond that both
/// databases keep.
pub fn audit_time() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The time as stored and hashed: RFC 3339, microseconds, `Z`.
pub fn format_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A JSON value in canonical form: object keys sorted, no spaces.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::new();
    write_canonical(value, &mut out);
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by_key(|(key, _)| *key);
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(key, out);
                out.push(b':');
                write_canonical(item, out);
            }
            out.push(b'}');
        }
        scalar => write_scalar(scalar, out),
    }
}

fn write_scalar<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    // Writing plain data to a Vec cannot fail.
    let _ = serde_json::to_writer(out, value);
}

/// Feeds one field, length-prefixed so that no two field lists encode alike.
fn put(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
}

fn put_option(hasher: &mut Sha256, bytes: Option<&[u8]>) {
    match bytes {
        None => hasher.update([0]),
        Some(bytes) => {
            hasher.update([1]);
            put(hasher, bytes);
        }
    }
}

/// An entry exactly as the store keeps it: the time, names and JSON as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// Position in the log.
    pub seq: i64,
    /// RFC 3339, microseconds, UTC ([`format_time`]).
    pub at: String,
    /// [`ActorKind::as_str`].
    pub actor_kind: String,
    /// The actor's identifier.
    pub actor_id: String,
    /// The actor's name.
    pub actor_name: String,
    /// [`AuditAction::as_str`].
    pub action: String,
    /// The kind of record.
    pub entity_kind: String,
    /// The record's identifier.
    pub entity_id: String,
    /// Whose key seals the personal values.
    pub subject: Option<String>,
    /// The record before, canonical JSON ([`canonical_json`]), personal values sealed.
    pub before: Option<String>,
    /// The record after, likewise.
    pub after: Option<String>,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl StoredEntry {
    /// The SHA-256 (lowercase hex) of every field but the hash.
    pub fn content_hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(ENCODING_TAG);
        hasher.update(self.seq.to_be_bytes());
        for text in [
            &self.at,
            &self.actor_kind,
            &self.actor_id,
            &self.actor_name,
            &self.action,
            &self.entity_kind,
            &self.entity_id,
        ] {
            put(&mut hasher, text.as_bytes());
        }
        for text in [&self.subject, &self.before, &self.after] {
            put_option(&mut hasher, text.as_deref().map(str::as_bytes));
        }
        put(&mut hasher, self.prev_hash.as_bytes());
        hasher
            .finalize()
            .iter()
            .fold(String::with_capacity(64), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            })
    }

    /// The entry with its time, names and JSON read back; why not, when a text is not
    /// what the store writes.
    pub fn to_entry(&self) -> Result<AuditEntry, String> {
        let json = |text: &Option<String>| {
            text.as_deref()
                .map(serde_json::from_str::<Value>)
                .transpose()
                .map_err(|e| format!("JSON : {e}"))
        };
        Ok(AuditEntry {
            seq: self.seq,
            at: DateTime::parse_from_rfc3339(&self.at)
                .map(|at| at.with_timezone(&Utc))
                .map_err(|e| format!("date « {} » : {e}", self.at))?,
            actor: Actor {
                kind: ActorKind::parse(&self.actor_kind).map_err(|e| e.to_string())?,
                id: self.actor_id.clone(),
                name: self.actor_name.clone(),
            },
            action: AuditAction::parse(&self.action).map_err(|e| e.to_string())?,
            entity_kind: self.entity_kind.clone(),
            entity_id: self.entity_id.clone(),
            subject: self.subject.clone(),
            before: json(&self.before)?,
            after: json(&self.after)?,
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        })
    }
}

impl From<&AuditEntry> for StoredEntry {
    fn from(entry: &AuditEntry) -> Self {
        Self {
            seq: entry.seq,
            at: format_time(entry.at),
            actor_kind: entry.actor.kind.as_str().to_owned(),
            actor_id: entry.actor.id.clone(),
            actor_name: entry.actor.name.clone(),
            action: entry.action.as_str().to_owned(),
            entity_kind: entry.entity_kind.clone(),
            entity_id: entry.entity_id.clone(),
            subject: entry.subject.clone(),
            before: entry.before.as_ref().map(canonical_json),
            after: entry.after.as_ref().map(canonical_json),
            prev_hash: entry.prev_hash.clone(),
            hash: entry.hash.clone(),
        }
    }
}

/// The SHA-256 (lowercase hex) of every field of `entry` but its hash, in its stored form.
pub fn entry_hash(entry: &AuditEntry) -> String {
    StoredEntry::from(entry).content_hash()
}

/// The last entry of a log: where the next one is chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// Its position (0 for an empty log).
    pub seq: i64,
    /// Its hash ([`GENESIS_HASH`] for an empty log).
    pub hash: String,
}

impl Default for ChainHead {
    fn default() -> Self {
        Self::genesis()
    }
}

impl ChainHead {
    /// The head of an empty log.
    pub fn genesis() -> Self {
        Self {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
        }
    }

    /// Chains an entry for `change` (its personal values already sealed), in its stored
    /// form, and moves the head onto it.
    pub fn append(&mut self, at: DateTime<Utc>, actor: &Actor, change: &Change) -> StoredEntry {
        let mut entry = StoredEntry {
            seq: self.seq + 1,
            at: format_time(at),
            actor_kind: actor.kind.as_str().to_owned(),
            actor_id: actor.id.clone(),
            actor_name: actor.name.clone(),
            action: change.action.as_str().to_owned(),
            entity_kind: change.entity_kind.clone(),
            entity_id: change.entity_id.clone(),
            subject: change.subject.clone(),
            before: change.before.as_ref().map(canonical_json),
            after: change.after.as_ref().map(canonical_json),
            prev_hash: std::mem::take(&mut self.hash),
            hash: String::new(),
        };
        entry.hash = entry.content_hash();
        self.seq = entry.seq;
        self.hash.clone_from(&entry.hash);
        entry
    }
}

/// Why the chain breaks at an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreakReason {
    /// The entry's content no longer matches its hash.
    Altered,
    /// The entry does not follow the previous one: one was removed, inserted or moved.
    Unlinked,
    /// The numbering jumps: the expected entry is missing.
    SeqGap {
        /// The number the entry should have had.
        expected: i64,
    },
}

impl fmt::Display for BreakReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Altered => f.write_str("contenu modifié (son empreinte ne correspond plus)"),
            Self::Unlinked => f.write_str(
                "chaînage rompu (l'empreinte de l'entrée précédente diffère : entrée supprimée, insérée ou déplacée)",
            ),
            Self::SeqGap { expected } => write!(
                f,
                "numérotation rompue (l'entrée n° {expected} attendue manque : supprimée ou déplacée)"
            ),
        }
    }
}

/// The first entry at which the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, thiserror::Error)]
#[error("entrée n° {seq} : {reason}")]
pub struct ChainBreak {
    /// The entry's number.
    pub seq: i64,
    /// What is wrong with it.
    pub reason: BreakReason,
}

/// Checks entries one at a time, in order, so that a long log is checked in chunks.
#[derive(Debug, Clone, Default)]
pub struct ChainVerifier {
    head: ChainHead,
    checked: usize,
}

impl ChainVerifier {
    /// A verifier at the start of the log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the next entry, as stored; after an error the verifier should not be fed
    /// further.
    pub fn check(&mut self, entry: &StoredEntry) -> Result<(), ChainBreak> {
        let broken = |reason| ChainBreak {
            seq: entry.seq,
            reason,
        };
        let expected = self.head.seq + 1;
        if entry.seq != expected {
            return Err(broken(BreakReason::SeqGap { expected }));
        }
        if entry.prev_hash != self.head.hash {
            return Err(broken(BreakReason::Unlinked));
        }
        if entry.content_hash() != entry.hash {
            return Err(broken(BreakReason::Altered));
        }
        self.head = ChainHead {
            seq: entry.seq,
            hash: entry.hash.clone(),
        };
        self.checked += 1;
        Ok(())
    }

    /// How many entries checked out so far.
    pub fn checked(&self) -> usize {
        self.checked
    }
}

/// Checks a whole log in order; returns how many entries it holds, or the first break.
pub fn verify_chain(entries: &[AuditEntry]) -> Result<usize, ChainBreak> {
    let mut verifier = ChainVerifier::new();
    for entry in entries {
        verifier.check(&StoredEntry::from(entry))?;
    }
    Ok(verifier.checked())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn change(i: usize, text: &str) -> Change {
        Change {
            action: if i == 0 {
                AuditAction::Create
            } else {
                AuditAction::Update
            },
            entity_kind: "product".into(),
            entity_id: format!("p{}", i % 3),
            subject: i.is_multiple_of(2).then(|| format!("member:m{i}")),
            before: (i > 0).then(|| json!({"title": text, "n": i})),
            after: Some(json!({"title": text, "n": i + 1, "tags": ["a", text]})),
        }
    }

    fn log(texts: &[String]) -> Vec<AuditEntry> {
        let mut head = ChainHead::genesis();
        let at = audit_time();
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let stored = head.append(at, &Actor::cli("test"), &change(i, text));
                let entry = stored.to_entry().unwrap();
                assert_eq!(StoredEntry::from(&entry), stored);
                entry
            })
            .collect()
    }

    /// Alters one field of an entry, by number.
    fn tamper(entry: &mut AuditEntry, field: usize) {
        match field {
            0 => entry.at += chrono::Duration::microseconds(1),
            1 => entry.actor.name.push('x'),
            2 => entry.actor.id.push('x'),
            3 => entry.actor.kind = super::super::ActorKind::System,
            4 => entry.action = AuditAction::Delete,
            5 => entry.entity_kind.push('x'),
            6 => entry.entity_id.push('x'),
            7 => entry.subject = Some("member:autre".into()),
            8 => entry.before = Some(json!({"title": "autre"})),
            9 => entry.after = None,
            10 => entry.prev_hash = GENESIS_HASH.replace('0', "1"),
            _ => entry.hash = GENESIS_HASH.replace('0', "2"),
        }
    }

    #[test]
    fn a_fresh_log_verifies() {
        let entries = log(&["a".into(), "b".into(), "c".into()]);
        assert_eq!(entries[0].prev_hash, GENESIS_HASH);
        assert_eq!(entries[1].prev_hash, entries[0].hash);
        assert_eq!(entries[2].seq, 3);
        assert_eq!(verify_chain(&entries), Ok(3));
        assert_eq!(verify_chain(&[]), Ok(0));
    }

    #[test]
    fn the_hash_is_stable_and_independent_of_key_order() {
        let entries = log(&["a".into()]);
        let mut reordered = entries[0].clone();
        reordered.after = serde_json::from_str(r#"{"tags":["a","a"],"n":1,"title":"a"}"#).ok();
        assert_eq!(entry_hash(&reordered), entries[0].hash);
        assert_eq!(entries[0].hash.len(), 64);
        assert_eq!(
            canonical_json(&json!({"b": [1, 2.5, null], "a": {"d": "é\"", "c": true}})),
            r#"{"a":{"c":true,"d":"é\""},"b":[1,2.5,null]}"#
        );
    }

    #[test]
    fn times_are_kept_to_the_microsecond() {
        let at = audit_time();
        let text = format_time(at);
        assert!(text.ends_with('Z') && text.len() == "2024-01-01T00:00:00.000000Z".len());
        let back: DateTime<Utc> = DateTime::parse_from_rfc3339(&text).unwrap().into();
        assert_eq!(back, at);
    }

    #[test]
    fn none_and_empty_do_not_hash_alike() {
        let mut entry = log(&["a".into()]).remove(0);
        entry.subject = None;
        let none = entry_hash(&entry);
        entry.subject = Some(String::new());
        assert_ne!(entry_hash(&entry), none);
    }

    proptest! {
        #[test]
        fn tampering_any_field_is_found_at_that_entry(
            texts in prop::collection::vec("[a-zé ]{0,8}", 1..12),
            pick in any::<prop::sample::Index>(),
            field in 0usize..12,
        ) {
            let mut entries = log(&texts);
            let i = pick.index(entries.len());
            tamper(&mut entries[i], field);
            let broken = verify_chain(&entries).unwrap_err();
            prop_assert_eq!(broken.seq, entries[i].seq);
        }

        #[test]
        fn removing_an_entry_is_found_at_the_next(
            texts in prop::collection::vec("[a-z]{0,8}", 2..12),
            pick in any::<prop::sample::Index>(),
        ) {
            let mut entries = log(&texts);
            let i = pick.index(entries.len() - 1);
            entries.remove(i);
            let broken = verify_chain(&entries).unwrap_err();
            prop_assert_eq!(broken.seq, i64::try_from(i).unwrap() + 2);
            prop_assert_eq!(
                broken.reason,
                BreakReason::SeqGap { expected: i64::try_from(i).unwrap() + 1 }
            );
        }

        #[test]
        fn swapping_two_entries_is_found(
            texts in prop::collection::vec("[a-z]{0,8}", 2..12),
            pick in any::<prop::sample::Index>(),
        ) {
            let mut entries = log(&texts);
            let i = pick.index(entries.len() - 1);
            entries.swap(i, i + 1);
            prop_assert_eq!(verify_chain(&entries).unwrap_err().seq, entries[i].seq);
        }
    }

    #[test]
    fn renumbering_after_a_removal_is_still_found() {
        let mut entries = log(&["a".into(), "b".into(), "c".into()]);
        entries.remove(1);
        entries[1].seq = 2;
        let broken = verify_chain(&entries).unwrap_err();
        assert_eq!((broken.seq, broken.reason), (2, BreakReason::Unlinked));
    }
}
