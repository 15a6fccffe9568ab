//! `cargo xtask schemathesis [--seconds N]`: the real server, on SQLite and
//! then on a throwaway PostgreSQL, fuzzed by schemathesis with every check
//! against the spec it serves. Any failure fails the task; the one check
//! left out (soft-deleted bots stay readable) is named below, with its
//! reason.
//!
//! The server runs with its offline model provider (no network). The run
//! gets a key of its own with a high hourly limit (`HANIA_KEY`,
//! `HANIA_KEY_ID`); the hooks in `tests/schemathesis/hooks.py` apply the
//! rules JSON Schema cannot state.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The schemathesis release the project is tested with (`.ci/run` installs it).
pub const VERSION: &str = "4.32.5";
/// Seconds per backend unless `--seconds` says otherwise.
const DEFAULT_SECONDS: u64 = 120;
/// The key the server creates on its empty store.
const BOOTSTRAP_KEY: &str = "hania_sk_5c4e3a7d1f0b9e8d7c6b5a4f3e2d1c0b9a8f7e6d";

/// Kills the server when the run ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One HTTP/1.1 request over a fresh connection; the status and body.
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {BOOTSTRAP_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// Where cargo builds (it honours `CARGO_TARGET_DIR` and config files).
fn target_dir(root: &Path) -> Result<PathBuf> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .context("running cargo metadata")?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("reading cargo metadata")?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata names no target directory")
}

fn start_server(binary: &Path, database_url: &str, port: u16) -> Result<Server> {
    let child = Command::new(binary)
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("HANIA_BIND", format!("127.0.0.1:{port}"))
        .env("HANIA_BOOTSTRAP_KEY", BOOTSTRAP_KEY)
        .env("HANIA_BOOTSTRAP_BALANCE", "1000000")
        .env_remove("HANIA_LLM_BASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let mut server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = server.0.try_wait()? {
            bail!("the server exited at start-up ({status})");
        }
        if http(port, "GET", "/readyz", None).is_ok_and(|(s, _)| s == 200) {
            return Ok(server);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("the server did not answer /readyz within 60 s")
}

/// A full-access key with a limit no run reaches: (id, secret).
fn run_key(port: u16) -> Result<(String, String)> {
    let body = r#"{"name":"schemathesis","abilities":["*"],"rate_limit_per_hour":100000000}"#;
    let (status, text) = http(port, "POST", "/api/v1/keys", Some(body))?;
    if status != 201 {
        bail!("creating the run's key answered {status}: {text}");
    }
    let created: serde_json::Value = serde_json::from_str(&text)?;
    let field = |name: &str| {
        created["data"][name]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no data.{name} in {text}"))
    };
    Ok((field("id")?, field("api_key")?))
}

/// A widget key of a fresh bot, for pages on `https://schemathesis.test`.
fn widget_key(port: u16) -> Result<String> {
    let bot = r#"{"name":"schemathesis widget","system_prompt":"Answer briefly."}"#;
    let (status, text) = http(port, "POST", "/api/v1/bots", Some(bot))?;
    if status != 201 {
        bail!("creating the widget's bot answered {status}: {text}");
    }
    let created: serde_json::Value = serde_json::from_str(&text)?;
    let bot_id = created["data"]["id"].as_str().context("no bot id")?;
    let body = serde_json::json!({"bot_id": bot_id, "allowed_domains": ["schemathesis.test"],
        "rate_limit_per_hour": 100_000_000, "visitor_rate_limit_per_hour": 100_000_000});
    let (status, text) = http(
        port,
        "POST",
        "/api/v1/widgets/keys",
        Some(&body.to_string()),
    )?;
    if status != 201 {
        bail!("creating the widget key answered {status}: {text}");
    }
    let created: serde_json::Value = serde_json::from_str(&text)?;
    created["data"]["api_key"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no api_key in {text}"))
}

fn fuzz(root: &Path, binary: &Path, backend: &str, database_url: &str, seconds: u64) -> Result<()> {
    println!("==> schemathesis on {backend} ({seconds} s)");
    let port = free_port()?;
    let _server = start_server(binary, database_url, port)?;
    let (key_id, key) = run_key(port)?;
    let widget = widget_key(port)?;
    let folder = root.join("tests/schemathesis");
    let status = Command::new("python3")
        .args(["-m", "schemathesis.cli", "--config-file"])
        .arg(folder.join("schemathesis.toml"))
        .args(["run", &format!("http://127.0.0.1:{port}/openapi.json")])
        .args(["--checks", "all", "--max-response-time", "5"])
        // The one check left out, ST301 "deleted resource still available":
        // bots are soft-deleted (SPEC: a deleted bot becomes `inactive` and
        // keeps its data and conversations), so a GET after a DELETE is
        // meant to succeed. schemathesis has no per-operation switch that
        // holds in its stateful phase, so the check is off for the run; the
        // delete semantics of every resource are black-box tests.
        .args(["--exclude-checks", "use_after_free"])
        .args(["--max-time", &seconds.to_string()])
        .args(["--max-examples", "25", "--no-color"])
        .env("HANIA_KEY", key)
        .env("HANIA_KEY_ID", key_id)
        .env("HANIA_WIDGET_KEY", widget)
        .env("PYTHONPATH", &folder)
        .current_dir(std::env::temp_dir())
        .status()
        .with_context(|| {
            format!("running schemathesis (install it: pip install schemathesis=={VERSION})")
        })?;
    if !status.success() {
        bail!("schemathesis found failures on {backend}");
    }
    Ok(())
}

/// Builds the server, then fuzzes it on each backend in turn.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let seconds = match args.iter().position(|a| a == "--seconds") {
        Some(i) => args
            .get(i + 1)
            .and_then(|s| s.parse().ok())
            .context("--seconds takes a number")?,
        None => DEFAULT_SECONDS,
    };
    crate::checks::cargo(&["build", "--package", "hania-server", "--bin", "hania"])?;
    let binary = target_dir(root)?.join("debug/hania");
    let dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite://{}", dir.path().join("fuzz.db").display());
    fuzz(root, &binary, "sqlite", &sqlite, seconds)?;
    let pg = hania_test_postgres::TempPostgres::start();
    fuzz(root, &binary, "postgres", &pg.url(), seconds)
}
