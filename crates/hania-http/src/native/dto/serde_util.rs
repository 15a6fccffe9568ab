//! Serde helpers shared by the DTOs.

use serde::{Deserialize, Deserializer};

/// Deserializes a field that may be omitted (`None`), `null`
/// (`Some(None)`) or a value (`Some(Some(v))`). Use with
/// `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Like [`nullable`] for JSON objects that clients may also send as a
/// JSON-encoded string (the form the API returns them in).
pub fn nullable_json_object<'de, D>(
    deserializer: D,
) -> Result<Option<Option<serde_json::Value>>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    match value {
        Some(serde_json::Value::String(text)) => serde_json::from_str(&text)
            .map(|v| Some(Some(v)))
            .map_err(|_| {
                serde::de::Error::custom("must be a JSON object or a JSON-encoded object")
            }),
        other => Ok(Some(other)),
    }
}
