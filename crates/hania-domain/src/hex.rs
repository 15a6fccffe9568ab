//! Lowercase hex text of bytes (key secrets and hashes, signing secrets,
//! signatures).

/// `bytes` as lowercase hex, two characters each.
pub fn encode(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(2 * bytes.len()), |mut text, byte| {
            let _ = write!(text, "{byte:02x}");
            text
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_become_two_lowercase_digits_each() {
        assert_eq!(super::encode(&[0, 15, 160, 255]), "000fa0ff");
        assert_eq!(super::encode(&[]), "");
    }
}
