//! The `hania` binary's logs as an operator's collector reads them
//! (issue 15): with `HANIA_LOG_FORMAT=json`, one JSON object per line,
//! message and fields at the top level, no ANSI colours when stderr is not
//! a terminal, and one access line per request at its end — a stream's
//! with its whole duration.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

const KEY: &str = "hania_sk_00112233445566778899aabbccddeeff00112233";

/// The server, killed on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends one HTTP/1.1 request and reads the whole answer.
fn http(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// The next log line, parsed.
fn next_line(lines: &mpsc::Receiver<String>) -> Value {
    let line = lines
        .recv_timeout(Duration::from_secs(20))
        .expect("a log line");
    assert!(!line.contains('\u{1b}'), "no ANSI escapes: {line:?}");
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("a JSON line ({e}): {line}"))
}

/// Reads log lines until one whose `message` is `message` (and passes `also`).
fn wait_for(lines: &mpsc::Receiver<String>, message: &str, also: impl Fn(&Value) -> bool) -> Value {
    loop {
        let line = next_line(lines);
        assert!(
            line.get("fields").is_none(),
            "fields at the top level: {line}"
        );
        if line["message"] == message && also(&line) {
            return line;
        }
    }
}

#[test]
fn json_logs_are_flat_uncoloured_and_have_an_access_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hania"))
        .env_clear()
        .env("HANIA_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("HANIA_BIND", "127.0.0.1:0")
        .env("HANIA_BOOTSTRAP_KEY", KEY)
        .env("HANIA_SCHEDULER", "off")
        .env("HANIA_JOBS", "off")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("h.db").display()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let _server = Server(child);
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let listening = wait_for(&lines, "listening", |_| true);
    assert_eq!(listening["level"], "INFO");
    assert!(listening["timestamp"].is_string());
    let addr = listening["addr"].as_str().unwrap().to_owned();

    let answer = http(
        &addr,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let access = wait_for(&lines, "request", |l| l["path"] == "/healthz");
    assert_eq!(access["route"], "/healthz");
    assert_eq!(access["method"], "GET");
    assert_eq!(access["status"], 200);
    assert_eq!(access["complete"], true);
    assert!(access["duration_ms"].as_f64().unwrap() >= 0.0);
    assert!(
        access["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );

    // A bot, then a streamed turn on the offline provider.
    let bot = r#"{"name": "Logged", "system_prompt": "s", "welcome_message": null}"#;
    let answer = http(
        &addr,
        &format!(
            "POST /api/v1/bots HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{bot}",
            bot.len()
        ),
    );
    let body = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    let id = body
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a bot id in {answer}"));
    let turn = format!(r#"{{"bot_id": "{id}", "message": "stream me"}}"#);
    let answer = http(
        &addr,
        &format!(
            "POST /api/v1/chat/send-stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{turn}",
            turn.len()
        ),
    );
    assert!(answer.contains("event: done"), "{answer}");
    let access = wait_for(&lines, "request", |l| {
        l["path"] == "/api/v1/chat/send-stream"
    });
    assert_eq!(access["route"], "/api/v1/chat/send-stream");
    assert_eq!(access["status"], 200);
    assert_eq!(access["complete"], true);
    // The line came at the stream's end: it counted the events' bytes.
    assert!(access["bytes"].as_u64().unwrap() as usize >= answer.find("event: done").unwrap() / 2);
}
