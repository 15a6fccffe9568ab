//! `wire_enum!`: closed sets of values with one wire/stored name each.

/// Declares an enum with `ALL`, `as_str`, `parse` (a [`crate::validation::ValidationError`]
/// naming the field and the allowed values) and `Display`.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal, { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in wire order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and stored name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses a wire name; the error names the field and the allowed values.
            pub fn parse(text: &str) -> Result<Self, $crate::validation::ValidationError> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::validation::ValidationError::new(
                        $field,
                        format!("must be one of: {}", [$($text),+].join(", ")),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_enum;
