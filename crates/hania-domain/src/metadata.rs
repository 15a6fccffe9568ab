//! Bot metadata: the client's own string key/value pairs, at most 8 KB.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::validation::{ValidationError, check_text};

/// Largest metadata object, measured as its compact JSON encoding.
pub const MAX_METADATA_BYTES: usize = 8 * 1024;
/// Longest metadata key.
pub const MAX_METADATA_KEY_CHARS: usize = 128;

/// Checks a metadata key: not empty, at most [`MAX_METADATA_KEY_CHARS`],
/// no NUL. The error names it as `metadata.<key>` (`metadata` when empty).
pub fn check_key(key: &str) -> Result<(), ValidationError> {
    if key.is_empty() {
        return Err(ValidationError::new("metadata", "keys must not be empty"));
    }
    check_text(&format!("metadata.{key}"), key, MAX_METADATA_KEY_CHARS)
}

/// Validated metadata: string values only, ≤ 8 KB encoded, no NUL bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Metadata(BTreeMap<String, String>);

impl Metadata {
    /// Validates a JSON value from a client. The error names the offending
    /// key as `metadata.<key>`.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, ValidationError> {
        let object = value
            .as_object()
            .ok_or_else(|| ValidationError::new("metadata", "must be an object"))?;
        let mut map = BTreeMap::new();
        for (key, value) in object {
            check_key(key)?;
            let field = format!("metadata.{key}");
            let text = value
                .as_str()
                .ok_or_else(|| ValidationError::new(field.as_str(), "must be a string"))?;
            check_text(&field, text, MAX_METADATA_BYTES)?;
            map.insert(key.clone(), text.to_owned());
        }
        Self::from_map(map)
    }

    /// Validates an already-typed map.
    pub fn from_map(map: BTreeMap<String, String>) -> Result<Self, ValidationError> {
        let metadata = Self(map);
        if metadata.encoded_len() > MAX_METADATA_BYTES {
            return Err(ValidationError::new(
                "metadata",
                format!("must be at most {MAX_METADATA_BYTES} bytes"),
            ));
        }
        Ok(metadata)
    }

    /// Length of the compact JSON encoding.
    pub fn encoded_len(&self) -> usize {
        serde_json::to_string(&self.0).map_or(usize::MAX, |s| s.len())
    }

    /// The pairs.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// Whether every pair of `filter` is present here.
    pub fn matches(&self, filter: &MetadataFilter) -> bool {
        filter.pairs().iter().all(|(k, v)| self.0.get(k) == Some(v))
    }
}

/// `?metadata.<key>=<value>` filters, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataFilter(Vec<(String, String)>);

impl MetadataFilter {
    /// Builds a filter; later duplicates of a key replace earlier ones.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut out: Vec<(String, String)> = Vec::new();
        for (key, value) in pairs {
            out.retain(|(k, _)| *k != key);
            out.push((key, value));
        }
        Self(out)
    }

    /// Builds a filter from a client's pairs, each key checked as stored
    /// keys are ([`check_key`]): a key no bot can have is an error, not a
    /// filter that finds nothing.
    pub fn parse(
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ValidationError> {
        let pairs: Vec<(String, String)> = pairs.into_iter().collect();
        for (key, _) in &pairs {
            check_key(key)?;
        }
        Ok(Self::new(pairs))
    }

    /// The key/value pairs that must all match.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// Whether there is nothing to filter by.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_string_values_within_8kb_are_accepted() {
        let ok = Metadata::from_json(&json!({"team": "support", "tier": "gold"})).unwrap();
        assert_eq!(ok.as_map().len(), 2);
        let err = Metadata::from_json(&json!({"team": 3})).unwrap_err();
        assert_eq!(err.field, "metadata.team");
        assert_eq!(
            Metadata::from_json(&json!([1])).unwrap_err().field,
            "metadata"
        );
        let big = "x".repeat(MAX_METADATA_BYTES);
        assert_eq!(
            Metadata::from_json(&json!({ "k": big })).unwrap_err().field,
            "metadata"
        );
        assert!(Metadata::from_json(&json!({"k": "a\u{0}"})).is_err());
    }

    #[test]
    fn filters_are_an_and_of_pairs() {
        let m = Metadata::from_json(&json!({"team": "support", "tier": "gold"})).unwrap();
        let both = MetadataFilter::new([
            ("team".into(), "support".into()),
            ("tier".into(), "gold".into()),
        ]);
        assert!(m.matches(&both));
        let wrong = MetadataFilter::new([
            ("team".into(), "support".into()),
            ("tier".into(), "x".into()),
        ]);
        assert!(!m.matches(&wrong));
        let dup = MetadataFilter::new([("a".into(), "1".into()), ("a".into(), "2".into())]);
        assert_eq!(dup.pairs(), &[("a".to_string(), "2".to_string())]);
    }

    #[test]
    fn filter_keys_are_checked_as_stored_keys_are() {
        let ok = MetadataFilter::parse([("team".into(), "support".into())]).unwrap();
        assert_eq!(ok.pairs().len(), 1);
        for bad in ["".to_owned(), "k".repeat(129), "a\u{0}b".to_owned()] {
            assert!(
                MetadataFilter::parse([(bad.clone(), "x".into())]).is_err(),
                "{bad:?}"
            );
            assert!(
                Metadata::from_json(&json!({ bad.clone(): "x" })).is_err(),
                "{bad:?}"
            );
        }
    }
}
