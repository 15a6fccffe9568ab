//! Bot slugs for the slug dialect: lowercase, hyphenated, unique per
//! workspace ("Customer Support" → `customer-support`, then
//! `customer-support-2`, …).

use crate::validation::ValidationError;

/// Longest slug.
pub const MAX_SLUG_CHARS: usize = 64;
/// Slug used when a name has no letters or digits at all.
const FALLBACK_SLUG: &str = "bot";

/// Derives the base slug of a name: ASCII letters and digits kept and
/// lowercased, every other run of characters turned into one hyphen,
/// hyphens trimmed from both ends, cut to [`MAX_SLUG_CHARS`].
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut pending_hyphen = false;
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(ch.to_ascii_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    slug.truncate(MAX_SLUG_CHARS);
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        FALLBACK_SLUG.to_owned()
    } else {
        slug
    }
}

/// Checks a slug given explicitly by a client: lowercase letters, digits,
/// and inner hyphens or underscores. (Underscores let a bot keep an id
/// from another platform, such as Hansei's `bot_4uPeOYWyQ01C8Epg`
/// lowercased, so old clients keep working.)
pub fn validate_slug(slug: &str) -> Result<(), ValidationError> {
    let separator = |c: char| c == '-' || c == '_';
    let well_formed = !slug.is_empty()
        && slug.len() <= MAX_SLUG_CHARS
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !slug.starts_with(separator)
        && !slug.ends_with(separator);
    if well_formed {
        Ok(())
    } else {
        Err(ValidationError::new(
            "slug",
            format!(
                "must be 1 to {MAX_SLUG_CHARS} lowercase letters, digits and inner hyphens or underscores"
            ),
        ))
    }
}

/// The first of `base`, `base-2`, `base-3`, … that is not in `taken`.
pub fn first_free_slug<S: AsRef<str>>(base: &str, taken: &[S]) -> String {
    let is_taken = |candidate: &str| taken.iter().any(|t| t.as_ref() == candidate);
    if !is_taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            let room = MAX_SLUG_CHARS.saturating_sub(suffix.len());
            let head = base
                .get(..room.min(base.len()))
                .unwrap_or(base)
                .trim_end_matches('-');
            format!("{head}{suffix}")
        })
        .find(|candidate| !is_taken(candidate))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_lowercase_hyphenated_slugs() {
        assert_eq!(slugify("Customer Support"), "customer-support");
        assert_eq!(slugify("Sales Bot"), "sales-bot");
        assert_eq!(slugify("  --Hello, World!!  "), "hello-world");
        assert_eq!(slugify("Crème brûlée 2"), "cr-me-br-l-e-2");
        assert_eq!(slugify("???"), "bot");
        assert!(slugify(&"a".repeat(200)).len() <= MAX_SLUG_CHARS);
        assert_eq!(slugify(&format!("{} b", "a".repeat(63))), "a".repeat(63));
    }

    #[test]
    fn duplicates_get_a_numeric_suffix() {
        assert_eq!(first_free_slug("sales-bot", &["other"]), "sales-bot");
        assert_eq!(first_free_slug("sales-bot", &["sales-bot"]), "sales-bot-2");
        assert_eq!(
            first_free_slug("sales-bot", &["sales-bot", "sales-bot-2"]),
            "sales-bot-3"
        );
        let long = "a".repeat(MAX_SLUG_CHARS);
        let next = first_free_slug(&long, std::slice::from_ref(&long));
        assert!(next.len() <= MAX_SLUG_CHARS && next.ends_with("-2"));
    }

    #[test]
    fn explicit_slugs_are_checked() {
        assert!(validate_slug("support-agent").is_ok());
        assert!(validate_slug("bot_4upeoywyq01c8epg").is_ok());
        for bad in [
            "",
            "Upper",
            "-lead",
            "trail-",
            "_lead",
            "trail_",
            "sp ace",
            &"a".repeat(65),
        ] {
            assert!(validate_slug(bad).is_err(), "{bad}");
        }
    }
}
