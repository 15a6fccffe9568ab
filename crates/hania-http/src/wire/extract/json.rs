//! JSON bodies: size-limited, parsed with the failing field's path in the
//! error message (`temperature: invalid type: …`).

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::wire::error::ApiError;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// Parses JSON, naming the path of the first bad field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::Validation(
            "body: a JSON object is required".into(),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(field_error)
}

/// Reads an already parsed JSON value as `T`, naming the path of the first
/// bad field like [`parse_json`].
pub fn parse_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(field_error)
}

/// The 400 for a deserialization error, naming the field by its path.
fn field_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let root = path == "." || path == "?";
    let message = inner.to_string();
    if inner.is_syntax() || inner.is_eof() {
        ApiError::Validation(format!("body: invalid JSON: {inner}"))
    } else if let Some(field) = missing_field(&message) {
        let field = if root {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        };
        ApiError::Validation(format!("{field}: is required"))
    } else if root {
        ApiError::Validation(format!("body: {inner}"))
    } else {
        ApiError::Validation(format!("{path}: {inner}"))
    }
}

/// The field of serde's "missing field `x` at …" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Refuses a body declared as something other than JSON (415); a body
/// without a `Content-Type` is read as JSON.
fn check_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let Some(value) = req.headers().get(CONTENT_TYPE) else {
        return Ok(());
    };
    let media = value
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media == "application/json" || media.ends_with("+json") {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType)
    }
}

/// The raw request body, size-limited; errors in the native envelope.
/// Lenient about `Content-Type` (the compat dialects take what their
/// vendors' clients send); [`JsonBytes`] and [`JsonBody`] are not.
#[derive(Debug)]
pub struct RawBody(pub web::Bytes);

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            bytes.await.map(RawBody).map_err(|error| {
                let too_large = error
                    .as_error::<PayloadError>()
                    .is_some_and(|e| matches!(e, PayloadError::Overflow));
                if too_large || error.as_response_error().status_code().as_u16() == 413 {
                    ApiError::PayloadTooLarge(MAX_BODY_BYTES)
                } else {
                    ApiError::Validation(format!("body: {error}"))
                }
            })
        })
    }
}

/// The raw bytes of a body that must be JSON (415 when its `Content-Type`
/// says otherwise), for handlers that fingerprint the bytes before parsing.
#[derive(Debug)]
pub struct JsonBytes(pub web::Bytes);

impl FromRequest for JsonBytes {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = check_content_type(req);
        let raw = RawBody::from_request(req, payload);
        Box::pin(async move {
            declared?;
            Ok(JsonBytes(raw.await?.0))
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    /// A JSON object (415 for another declared media type; 400 for an
    /// array or scalar, which serde would otherwise read as an empty
    /// update).
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let raw = JsonBytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = raw.await?.0;
            let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
            if first.is_some_and(|b| *b != b'{') {
                return Err(ApiError::Validation("body: must be a JSON object".into()));
            }
            parse_json(&bytes).map(JsonBody)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        temperature: f64,
    }

    fn message(result: Result<Body, ApiError>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_field() {
        let m = message(parse_json(
            br#"{"name": "x", "inner": {"temperature": "hot"}}"#,
        ));
        assert!(m.starts_with("inner.temperature: invalid type"), "{m}");
        let m = message(parse_json(br#"{"inner": {"temperature": 1}}"#));
        assert_eq!(m, "name: is required");
        let m = message(parse_json(br#"{"name": "x", "inner": {}}"#));
        assert_eq!(m, "inner.temperature: is required");
        assert!(message(parse_json(b"{not json")).starts_with("body: "));
        assert_eq!(
            message(parse_json(b"  ")),
            "body: a JSON object is required"
        );
    }
}
