//! Values kept as JSON text in a column (lists of words, source fields kept verbatim).

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::StoreError;

/// Encodes a value for a JSON text column.
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising plain data (strings, lists, maps with string keys) cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// Decodes a JSON text column, naming the value when it is corrupt.
pub(crate) fn decode<T: DeserializeOwned>(
    text: &str,
    what: impl FnOnce() -> String,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::Corrupt {
        what: what(),
        reason: error.to_string(),
    })
}
