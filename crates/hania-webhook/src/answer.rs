//! Reading a webhook's answer: a 2xx body of at most [`MAX_ANSWER_BYTES`]
//! (JSON or text) is the result; anything else is an error.

use crate::Failure;

/// The largest answer read.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The answer's text, or why it is not a result.
pub(crate) async fn read(mut response: reqwest::Response) -> Result<String, Failure> {
    let status = response.status();
    if status.is_redirection() {
        return Err(format!("answered {status}; redirects are not followed").into());
    }
    if status.is_server_error() {
        return Err(Failure::transient(format!("answered {status}")));
    }
    if !status.is_success() {
        return Err(format!("answered {status}").into());
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(too_big().into());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Failure::transient(format!("the answer broke off ({})", e.without_url())))?
    {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(too_big().into());
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| "the answer is not UTF-8 text".to_owned().into())
}

fn too_big() -> String {
    format!("the answer is larger than {} KiB", MAX_ANSWER_BYTES / 1024)
}
