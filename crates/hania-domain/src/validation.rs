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

/// Rejects what PostgreSQL cannot store in `jsonb` or read back: NUL
/// bytes anywhere (keys and strings) and numbers beyond
/// [`MAX_JSON_NUMBER`] in magnitude.
pub fn check_json(field: &str, value: &serde_json::Value) -> Result<(), ValidationError> {
    use serde_json::Value;
    fn find(value: &Value, bad: &dyn Fn(&Value) -> bool) -> bool {
        bad(value)
            || match value {
                Value::Array(items) => items.iter().any(|v| find(v, bad)),
                Value::Object(map) => map.values().any(|v| find(v, bad)),
                _ => false,
            }
    }
    let nul = |v: &Value| match v {
        Value::String(s) => s.contains('\0'),
        Value::Object(map) => map.keys().any(|k| k.contains('\0')),
        _ => false,
    };
    if find(value, &nul) {
        return Err(ValidationError::new(field, "must not contain NUL bytes"));
    }
    // PostgreSQL keeps JSON numbers exactly and prints them without an
    // exponent; near f64's limits that text no longer reads back as a
    // finite f64, so such numbers are refused before they are stored.
    let huge = |v: &Value| {
        v.as_f64()
            .is_some_and(|x| !x.is_finite() || x.abs() > MAX_JSON_NUMBER)
    };
    if find(value, &huge) {
        return Err(ValidationError::new(
            field,
            "numbers must be between -1e300 and 1e300",
        ));
    }
    Ok(())
}

/// The largest magnitude of a number inside stored JSON.
pub const MAX_JSON_NUMBER: f64 = 1e300;

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
        let huge: serde_json::Value =
            serde_json::from_str(r#"{"x": [1.7976931348623157e+308]}"#).unwrap();
        assert_eq!(check_json("settings", &huge).unwrap_err().field, "settings");
        assert!(check_json("x", &serde_json::json!({"a": 1e300, "b": -1e300})).is_ok());
    }
}
