//! Limit/offset paging with the seed's bounds.

use crate::validation::ValidationError;

/// Page size when none is asked for.
pub const DEFAULT_LIMIT: u32 = 100;
/// Largest page.
pub const MAX_LIMIT: u32 = 500;
/// Largest `limit + offset`: deep paging is refused.
pub const MAX_WINDOW: u32 = 10_000;

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    limit: u32,
    offset: u32,
}

impl Page {
    /// Validates `limit` (1..=500, default 100) and `offset` (default 0)
    /// with `limit + offset ≤ 10000`. Errors name the parameter.
    pub fn new(limit: Option<u32>, offset: Option<u32>) -> Result<Self, ValidationError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        let offset = offset.unwrap_or(0);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ValidationError::new(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        if u64::from(limit) + u64::from(offset) > u64::from(MAX_WINDOW) {
            return Err(ValidationError::new(
                "offset",
                format!("limit + offset must be at most {MAX_WINDOW}"),
            ));
        }
        Ok(Self { limit, offset })
    }

    /// Rows to return.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Rows to skip.
    pub fn offset(&self) -> u32 {
        self.offset
    }
}

impl Default for Page {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_follow_the_seed() {
        assert_eq!(Page::new(None, None).unwrap(), Page::default());
        assert_eq!(Page::new(Some(500), Some(9_500)).unwrap().limit(), 500);
        assert_eq!(Page::new(Some(501), None).unwrap_err().field, "limit");
        assert_eq!(Page::new(Some(0), None).unwrap_err().field, "limit");
        assert_eq!(
            Page::new(Some(100), Some(9_901)).unwrap_err().field,
            "offset"
        );
        assert_eq!(Page::new(None, Some(u32::MAX)).unwrap_err().field, "offset");
    }
}
