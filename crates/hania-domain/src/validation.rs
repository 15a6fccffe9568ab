//! Validation errors that name the offending field, and the text checks every
//! input goes through.

/// A rejected input value. `field` is the name the client used (for nested
/// values a dotted path such as `metadata.team`), `message` says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The client-facing field name.
    pub field: String,
    /// What is wrong with it, in plain words.
    pub message: String,
}

impl ValidationError {
    /// Builds an error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Rejects text that PostgreSQL cannot store (NUL bytes) or that exceeds
/// `max_chars` characters.
pub fn check_text(field: &str, value: &str, max_chars: usize) -> Result<(), ValidationError> {
    if value.contains('\0') {
        return Err(ValidationError::new(field, "must not contain NUL bytes"));
    }
    if value.chars().count() > max_chars {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(())
}

/// Like [`check_text`], and also rejects empty or whitespace-only text.
pub fn check_required_text(
    field: &str,
    value: &str,
    max_chars: usize,
) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    check_text(field, value, max_chars)
}

/// Rejects NUL bytes anywhere inside a JSON value (keys and strings), which
/// PostgreSQL refuses in `jsonb`.
pub fn check_json(field: &str, value: &serde_json::Value) -> Result<(), ValidationError> {
    fn has_nul(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) => s.contains('\0'),
            serde_json::Value::Array(items) => items.iter().any(has_nul),
            serde_json::Value::Object(map) => {
                map.iter().any(|(k, v)| k.contains('\0') || has_nul(v))
            }
            _ => false,
        }
    }
    if has_nul(value) {
        return Err(ValidationError::new(field, "must not contain NUL bytes"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_checks_name_the_field() {
        assert_eq!(check_text("name", "a\0b", 10).unwrap_err().field, "name");
        assert!(check_text("name", "abc", 2).is_err());
        assert!(check_text("name", "ééé", 3).is_ok());
        assert!(check_required_text("name", "  ", 10).is_err());
        assert!(check_json("x", &serde_json::json!({"a": ["ok", "b\u{0}"]})).is_err());
        assert!(check_json("x", &serde_json::json!({"a\u{0}": 1})).is_err());
        assert!(check_json("x", &serde_json::json!({"a": [1, "ok"]})).is_ok());
    }
}
