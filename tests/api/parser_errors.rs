//! Requests actix-http rejects while parsing, before any application code
//! runs (issue 10, item 8). It answers them itself with a status and an
//! empty body — no hook lets us add the JSON envelope there — but it
//! always answers: the connection is never just dropped.

use hania_blackbox::spawn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn raw_status(base: &str, request: &[u8]) -> String {
    let addr = base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    socket.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        socket.read_to_end(&mut answer),
    )
    .await;
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unparsable_requests_get_a_status_not_a_dropped_connection() {
    let app = spawn(hania_blackbox::Backend::Sqlite).await;
    let bad_line = raw_status(&app.base, b"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(bad_line.starts_with("HTTP/1.1 400"), "{bad_line:?}");
    let mut huge = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    huge.extend(b"\r\n\r\n");
    let too_large = raw_status(&app.base, &huge).await;
    assert!(too_large.starts_with("HTTP/1.1 431"), "{too_large:?}");
}
