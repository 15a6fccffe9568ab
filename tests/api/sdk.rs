//! The SDK contract (issue 16): clients generated from
//! `openapi/openapi.json` by the generators users run, driven through one
//! flow against the live server — create a bot, find it by metadata,
//! partial update, chat, stream (each event read into the generated
//! model), list conversations with `X-Total-Count`, read one and its
//! trace, delete. A generator error, a type error under `tsc --strict`, a
//! parsing error or a wrong answer fails the test. The tools are pinned:
//! openapi-python-client by `.ci/run`, the npm ones in
//! `tests/sdk/package-lock.json` (`npm ci` in `tests/sdk`).

use std::path::{Path, PathBuf};
use std::process::Command;

use hania_blackbox::{Backend, spawn};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository")
        .to_owned()
}

/// Runs `command`, failing the test with its output when it fails.
fn run(what: &str, command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| {
        panic!("{what}: cannot start ({e}); see tests/api/sdk.rs for the tools")
    });
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_python_client_runs_the_flow() {
    let app = spawn(Backend::Sqlite).await;
    let out = tempfile::tempdir().unwrap();
    let client = out.path().join("client");
    let spec = repo().join("openapi/openapi.json");
    let generated = run(
        "openapi-python-client generate",
        Command::new("openapi-python-client")
            .args(["generate", "--meta", "setup", "--path"])
            .arg(&spec)
            .arg("--output-path")
            .arg(&client),
    );
    assert!(
        !generated.contains("Warning"),
        "generator warnings:\n{generated}"
    );
    let flow = repo().join("tests/sdk/flow.py");
    let (base, key) = (app.base.clone(), app.key.clone());
    let said = tokio::task::spawn_blocking(move || {
        run(
            "the Python flow",
            Command::new("python3")
                .arg(&flow)
                .args([&base, &key])
                .env("PYTHONPATH", &client),
        )
    })
    .await
    .unwrap();
    assert!(said.contains("python flow: ok"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_typescript_types_check_strictly_and_run_the_flow() {
    let app = spawn(Backend::Sqlite).await;
    let sdk = repo().join("tests/sdk");
    let bin = sdk.join("node_modules/.bin");
    assert!(
        bin.join("tsc").is_file(),
        "run `npm ci` in tests/sdk (pinned openapi-typescript, openapi-fetch, typescript)"
    );
    let spec = repo().join("openapi/openapi.json");
    run(
        "openapi-typescript",
        Command::new(bin.join("openapi-typescript"))
            .arg(&spec)
            .args(["-o", "generated/api.d.ts"])
            .current_dir(&sdk),
    );
    run(
        "tsc --strict",
        Command::new(bin.join("tsc"))
            .args(["-p", "."])
            .current_dir(&sdk),
    );
    let (base, key) = (app.base.clone(), app.key.clone());
    let said = tokio::task::spawn_blocking(move || {
        run(
            "the TypeScript flow",
            Command::new("node")
                .args(["generated/out/flow.js", &base, &key])
                .current_dir(&sdk),
        )
    })
    .await
    .unwrap();
    assert!(said.contains("typescript flow: ok"), "{said}");
}

/// `redocly lint` (pinned in `tests/sdk/package.json`, settings in
/// `tests/sdk/redocly.yaml`) finds nothing: no error, no warning.
#[test]
fn redocly_lint_is_clean() {
    let sdk = repo().join("tests/sdk");
    let redocly = sdk.join("node_modules/.bin/redocly");
    assert!(redocly.is_file(), "run `npm ci` in tests/sdk");
    let output = Command::new(redocly)
        .args(["lint", "../../openapi/openapi.json"])
        .current_dir(&sdk)
        // No calls to outside hosts: no telemetry, no update check.
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_NOTIFICATIONS", "true")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{said}");
    assert!(said.contains("Your API description is valid"), "{said}");
    // "You have N warnings" / "N errors" only appear when something is found.
    assert!(!said.contains("You have"), "{said}");
}
