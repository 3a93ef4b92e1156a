//! Sealing personal values: each person has a random key; their values are stored only
//! encrypted under it (XChaCha20-Poly1305, a random nonce per value), so destroying the key
//! erases them from every audit entry while the entries, and their hashes, stay as they were.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde_json::Value;

use super::{canonical_json, personal_fields};

/// What a personal value reads as once its person's key is destroyed.
pub const ERASED: &str = "[effacé]";

/// The field of a sealed value: `{"sealed": "<base64 nonce || ciphertext>"}`.
const SEALED: &str = "sealed";

/// `XChaCha20`'s nonce: long enough to be drawn at random without fear of repeats.
const NONCE_LEN: usize = 24;

/// Why a sealed value could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// A stored key of the wrong length.
    #[error("a person key must be 32 bytes, not {0}")]
    BadKey(usize),
    /// The value is not of the sealed form.
    #[error("the value is not sealed")]
    NotSealed,
    /// The sealed text is not valid base64 or is too short.
    #[error("the sealed value is malformed")]
    Malformed,
    /// Wrong key, or the ciphertext was altered.
    #[error("the sealed value does not open with this key")]
    Undecryptable,
    /// Encryption failed (only for absurdly large values).
    #[error("the value could not be sealed")]
    Unsealable,
}

/// A person's key: 32 random bytes from the operating system's CSPRNG.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonKey([u8; 32]);

impl PersonKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        Self(XChaCha20Poly1305::generate_key(&mut OsRng).into())
    }

    /// A key read back from storage.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SealError> {
        <[u8; 32]>::try_from(bytes)
            .map(Self)
            .map_err(|_| SealError::BadKey(bytes.len()))
    }

    /// The raw bytes, for storage.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.0))
    }
}

impl fmt::Debug for PersonKey {
    // A key never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonKey(…)")
    }
}

/// Seals a value under a person's key: `{"sealed": "<base64 nonce || ciphertext>"}`.
pub fn seal(key: &PersonKey, value: &Value) -> Result<Value, SealError> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ciphertext = key
        .cipher()
        .encrypt(&nonce, canonical_json(value).as_bytes())
        .map_err(|_| SealError::Unsealable)?;
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&ciphertext);
    Ok(serde_json::json!({ SEALED: STANDARD.encode(bytes) }))
}

/// Whether a value has the sealed form.
pub fn is_sealed(value: &Value) -> bool {
    sealed_text(value).is_some()
}

fn sealed_text(value: &Value) -> Option<&str> {
    let object = value.as_object()?;
    if object.len() == 1 {
        object.get(SEALED)?.as_str()
    } else {
        None
    }
}

/// Opens a value sealed by [`seal`] with the same key.
pub fn open(key: &PersonKey, value: &Value) -> Result<Value, SealError> {
    let text = sealed_text(value).ok_or(SealError::NotSealed)?;
    let bytes = STANDARD.decode(text).map_err(|_| SealError::Malformed)?;
    if bytes.len() < NONCE_LEN {
        return Err(SealError::Malformed);
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    let plain = key
        .cipher()
        .decrypt(XNonce::from_slice(nonce), ciphertext)
        .map_err(|_| SealError::Undecryptable)?;
    serde_json::from_slice(&plain).map_err(|_| SealError::Malformed)
}

/// Replaces each non-null personal field of a record of `entity_kind` by its sealed form.
pub fn seal_personal(
    entity_kind: &str,
    record: &mut Value,
    key: &PersonKey,
) -> Result<(), SealError> {
    let Some(object) = record.as_object_mut() else {
        return Ok(());
    };
    for field in personal_fields(entity_kind) {
        if let Some(value) = object.get_mut(*field).filter(|v| !v.is_null()) {
            *value = seal(key, value)?;
        }
    }
    Ok(())
}

/// The inverse of [`seal_personal`]: opens each sealed personal field with the key, or,
/// when the key is gone, replaces it with [`ERASED`]. A value that does not open under the
/// person's current key was sealed under an earlier one, since destroyed (a person erased,
/// then given new values): it reads as erased too. Altered values are the chain's to find.
pub fn open_personal(
    entity_kind: &str,
    record: &mut Value,
    key: Option<&PersonKey>,
) -> Result<(), SealError> {
    let Some(object) = record.as_object_mut() else {
        return Ok(());
    };
    for field in personal_fields(entity_kind) {
        if let Some(value) = object.get_mut(*field).filter(|v| is_sealed(v)) {
            *value = match key.map(|key| open(key, value)) {
                Some(Ok(opened)) => opened,
                None | Some(Err(SealError::Undecryptable)) => Value::String(ERASED.to_owned()),
                Some(Err(error)) => return Err(error),
            };
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sealing_round_trips_and_hides_the_value() {
        let key = PersonKey::generate();
        let value = json!("jean.dupont@example.org");
        let sealed = seal(&key, &value).unwrap();
        assert!(is_sealed(&sealed));
        assert!(!sealed.to_string().contains("jean.dupont"));
        assert_eq!(open(&key, &sealed).unwrap(), value);
        // A random nonce: the same value seals differently each time.
        assert_ne!(seal(&key, &value).unwrap(), sealed);
    }

    #[test]
    fn another_key_or_an_altered_value_does_not_open() {
        let key = PersonKey::generate();
        let sealed = seal(&key, &json!("06 12 34 56 78")).unwrap();
        assert_eq!(
            open(&PersonKey::generate(), &sealed),
            Err(SealError::Undecryptable)
        );
        let text = sealed["sealed"].as_str().unwrap();
        let mut bytes = STANDARD.decode(text).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let altered = json!({ "sealed": STANDARD.encode(bytes) });
        assert_eq!(open(&key, &altered), Err(SealError::Undecryptable));
        assert_eq!(open(&key, &json!("clear")), Err(SealError::NotSealed));
    }

    #[test]
    fn keys_round_trip_through_bytes() {
        let key = PersonKey::generate();
        assert_eq!(PersonKey::from_bytes(key.as_bytes()).unwrap(), key);
        assert_eq!(PersonKey::from_bytes(&[0; 16]), Err(SealError::BadKey(16)));
        assert_ne!(PersonKey::generate(), key);
        assert_eq!(format!("{key:?}"), "PersonKey(…)");
    }

    #[test]
    fn only_personal_fields_are_sealed_and_erased_without_the_key() {
        let key = PersonKey::generate();
        let record = json!({
            "slug": "jean.dupont",
            "fullname": "Jean Dupont",
            "email": "jean@example.org",
            "phone": null,
        });
        let mut sealed = record.clone();
        seal_personal("member", &mut sealed, &key).unwrap();
        assert_eq!(sealed["fullname"], "Jean Dupont");
        assert_eq!(sealed["phone"], Value::Null);
        assert!(is_sealed(&sealed["email"]));
        assert!(!sealed.to_string().contains("jean@example.org"));

        let mut opened = sealed.clone();
        open_personal("member", &mut opened, Some(&key)).unwrap();
        assert_eq!(opened, record);

        let mut erased = sealed.clone();
        open_personal("member", &mut erased, None).unwrap();
        assert_eq!(erased["email"], ERASED);
        assert_eq!(erased["fullname"], "Jean Dupont");

        // Sealed under a key since replaced by a new one: erased as well.
        let mut earlier = sealed;
        open_personal("member", &mut earlier, Some(&PersonKey::generate())).unwrap();
        assert_eq!(earlier["email"], ERASED);

        let mut product = json!({"slug": "a", "email": "contact@example.org"});
        seal_personal("product", &mut product, &key).unwrap();
        assert_eq!(product["email"], "contact@example.org");
    }
}
