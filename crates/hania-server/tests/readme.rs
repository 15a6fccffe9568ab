//! The README's quick start, run as a newcomer would paste it (issue 16):
//! both of its shell blocks, unedited but for the port and the binary, on
//! a fresh store; every command must work and the stream must end with
//! `done`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failure should panic.

use std::net::TcpListener;
use std::process::Command;

/// The shell blocks between `## Quick start` and the next `###` heading.
fn quick_start() -> String {
    let readme = include_str!("../../../README.md");
    let start = readme.find("## Quick start").expect("a quick start");
    let end = start + readme[start..].find("\n### ").expect("a section after it");
    readme[start..end]
        .split("```sh\n")
        .skip(1)
        .map(|block| block.split("```").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_quick_start_runs_as_written() {
    for tool in ["curl", "jq", "openssl"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .status()
            .unwrap();
        assert!(found.success(), "the quick start needs {tool}");
    }
    let script = quick_start();
    assert!(script.contains("cargo run --release -p hania-server &"));
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let script = script
        .replace(
            "cargo run --release -p hania-server &",
            "\"$HANIA_BIN\" serve &",
        )
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"));
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .args([
            "-c",
            &format!("set -euo pipefail\n{script}\nkill %1\nwait || true\n"),
        ])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HANIA_BIN", env!("CARGO_BIN_EXE_hania"))
        .env("HANIA_BIND", format!("127.0.0.1:{port}"))
        .env("HANIA_SCHEDULER", "off")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for expected in [
        "\"Customer Support\"",
        "event: done",
        "x-total-count: 1",
        "<hania-chat",
        "widget/demo?key=hania_pk_",
    ] {
        assert!(
            stdout
                .to_ascii_lowercase()
                .contains(&expected.to_ascii_lowercase()),
            "{expected} in\n{stdout}\n{stderr}"
        );
    }
    assert!(
        !stdout.contains("\"success\":false"),
        "a command failed:\n{stdout}"
    );
    assert!(
        dir.path().join("hania-data/hania.db").is_file(),
        "the default store"
    );
}

/// `hania.example.toml` names every setting there is, and the server
/// starts with it.
#[test]
fn the_example_config_is_complete_and_the_server_starts_with_it() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../hania.example.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let _: hania_server::Config = toml::from_str(&text).unwrap();
    // Every key of Config appears, set or as a commented example (the
    // default's Debug lists every field, each value free of ", ").
    let debug = format!("{:?}", hania_server::Config::default());
    for field in debug
        .trim_start_matches("Config {")
        .split(", ")
        .filter_map(|part| part.trim().split(':').next())
    {
        let field = field.trim();
        if field.is_empty() || field == "}" {
            continue;
        }
        assert!(
            text.contains(&format!("{field} = ")),
            "{field} is missing from hania.example.toml"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hania"))
        .arg("--config")
        .arg(&path)
        .current_dir(dir.path())
        .env_clear()
        .env("HANIA_BIND", format!("127.0.0.1:{port}"))
        .env("HANIA_SCHEDULER", "off")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            stream
                .write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            ready = answer.starts_with("HTTP/1.1 200");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(ready, "the server started with hania.example.toml");
    assert!(dir.path().join("hania-data/hania.db").is_file());
}

/// `hania --help` is written for users and lists every setting.
#[test]
fn help_speaks_to_users_and_lists_every_setting() {
    let output = Command::new(env!("CARGO_BIN_EXE_hania"))
        .arg("--help")
        .env_clear()
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.starts_with("Hania server: a self-hostable backend"),
        "{help}"
    );
    let debug = format!("{:?}", hania_server::Config::default());
    for field in debug
        .trim_start_matches("Config {")
        .split(", ")
        .filter_map(|part| part.trim().split(':').next())
        .map(str::trim)
        .filter(|f| !f.is_empty() && *f != "}")
    {
        let variable = match field {
            "database_url" => "DATABASE_URL".to_owned(),
            other => format!("HANIA_{}", other.to_ascii_uppercase()),
        };
        assert!(help.contains(&variable), "{variable} in --help:\n{help}");
    }
    for internal in ["seed", "wiring", "Hansei-compatible dialect (seed"] {
        assert!(!help.contains(internal), "{internal} in --help");
    }
}
