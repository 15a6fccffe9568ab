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

/// A JSON integer that clients may also write as a whole float (`80.0`):
/// JSON Schema's `integer` counts both, so the API accepts both.
struct Whole<T>(T);

impl<'de, T: TryFrom<i64>> Deserialize<'de> for Whole<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let number = serde_json::Number::deserialize(deserializer)?;
        let whole = number.as_i64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        });
        let whole = whole.ok_or_else(|| D::Error::custom("must be a whole number"))?;
        T::try_from(whole)
            .map(Whole)
            .map_err(|_| D::Error::custom(format!("{whole} is out of range")))
    }
}

/// An optional integer field that accepts whole floats. Use with
/// `#[serde(default, deserialize_with = "whole")]`.
pub fn whole<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    Option::<Whole<T>>::deserialize(deserializer).map(|o| o.map(|w| w.0))
}

/// [`nullable`] for an integer field that accepts whole floats.
pub fn nullable_whole<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    whole(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Sample {
        #[serde(default, deserialize_with = "whole")]
        limit: Option<u32>,
        #[serde(default, deserialize_with = "nullable_whole")]
        order: Option<Option<i32>>,
    }

    fn parse(text: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn whole_floats_count_as_integers() {
        let s = parse(r#"{"limit": 80.0, "order": -140.0}"#).unwrap();
        assert_eq!((s.limit, s.order), (Some(80), Some(Some(-140))));
        let s = parse(r#"{"order": null}"#).unwrap();
        assert_eq!((s.limit, s.order), (None, Some(None)));
        assert_eq!(parse("{}").unwrap().order, None);
    }

    #[test]
    fn fractions_and_out_of_range_are_refused() {
        assert!(parse(r#"{"limit": 1.5}"#).is_err());
        assert!(parse(r#"{"limit": -1}"#).is_err());
        assert!(parse(r#"{"limit": 1e20}"#).is_err());
        assert!(parse(r#"{"limit": "5"}"#).is_err());
    }
}
