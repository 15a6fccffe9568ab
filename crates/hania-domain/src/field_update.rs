//! Omit-versus-null semantics of partial updates.

/// What a partial update says about one field: absent (leave it), `null`
/// (clear it) or a value (set it).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum FieldUpdate<T> {
    /// The field was omitted: keep the current value.
    #[default]
    Unchanged,
    /// The field was `null`: clear it (or refuse, for a required field).
    Clear,
    /// The field was given a value.
    Set(T),
}

impl<T> FieldUpdate<T> {
    /// From the `Option<Option<T>>` a deserializer gives for a field that
    /// may be missing (`None`) or null (`Some(None)`).
    pub fn from_nested(value: Option<Option<T>>) -> Self {
        match value {
            None => FieldUpdate::Unchanged,
            Some(None) => FieldUpdate::Clear,
            Some(Some(v)) => FieldUpdate::Set(v),
        }
    }

    /// Whether the field was mentioned at all.
    pub fn is_mentioned(&self) -> bool {
        !matches!(self, FieldUpdate::Unchanged)
    }

    /// Validates or converts a set value, keeping `Unchanged`/`Clear`.
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<FieldUpdate<U>, E> {
        Ok(match self {
            FieldUpdate::Unchanged => FieldUpdate::Unchanged,
            FieldUpdate::Clear => FieldUpdate::Clear,
            FieldUpdate::Set(v) => FieldUpdate::Set(f(v)?),
        })
    }

    /// Applies the update to a nullable slot.
    pub fn apply_to(self, slot: &mut Option<T>) {
        match self {
            FieldUpdate::Unchanged => {}
            FieldUpdate::Clear => *slot = None,
            FieldUpdate::Set(v) => *slot = Some(v),
        }
    }

    /// Applies the update to a required slot, where `null` means `cleared`.
    pub fn apply_or(self, slot: &mut T, cleared: impl FnOnce() -> T) {
        match self {
            FieldUpdate::Unchanged => {}
            FieldUpdate::Clear => *slot = cleared(),
            FieldUpdate::Set(v) => *slot = v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omitted_null_and_value_differ() {
        let mut slot = Some(1);
        FieldUpdate::from_nested(None).apply_to(&mut slot);
        assert_eq!(slot, Some(1));
        FieldUpdate::from_nested(Some(Some(2))).apply_to(&mut slot);
        assert_eq!(slot, Some(2));
        FieldUpdate::<i32>::from_nested(Some(None)).apply_to(&mut slot);
        assert_eq!(slot, None);
        let mut required = 5;
        FieldUpdate::Clear.apply_or(&mut required, || 0);
        assert_eq!(required, 0);
        assert!(
            FieldUpdate::Set(1)
                .try_map(|v| if v > 0 { Ok(v) } else { Err(()) })
                .is_ok()
        );
        assert!(
            FieldUpdate::Set(0)
                .try_map(|v| if v > 0 { Ok(v) } else { Err(()) })
                .is_err()
        );
    }
}
