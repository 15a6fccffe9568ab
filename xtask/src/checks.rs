//! The checks behind `cargo xtask`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Crates the pure domain must never depend on (normal dependencies).
const FORBIDDEN_IN_DOMAIN: &[&str] = &["actix", "diesel", "reqwest", "tokio", "hyper", "sqlx"];
/// Longest Rust source file, in lines.
const MAX_FILE_LINES: usize = 400;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default()
}

pub fn cargo(args: &[&str]) -> Result<()> {
    println!("==> cargo {}", args.join(" "));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(workspace_root())
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed", args.join(" "));
    }
    Ok(())
}

/// Formatting, lints, invariants, then every test with nextest.
pub fn ci() -> Result<()> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    domain_purity()?;
    file_sizes()?;
    layers()?;
    codegen(true)?;
    cargo(&["nextest", "run", "--workspace", "--no-fail-fast"])?;
    schemathesis(&[])
}

/// Fuzzes the served API with schemathesis on both backends.
pub fn schemathesis(args: &[String]) -> Result<()> {
    crate::schemathesis::run(&workspace_root(), args)
}

/// Fails when `hania-http`'s modules import upwards or in a circle.
pub fn layers() -> Result<()> {
    crate::layers::check(&workspace_root().join("crates/hania-http/src"))
}

/// Fails when the domain's normal dependency tree holds a forbidden crate.
pub fn domain_purity() -> Result<()> {
    println!("==> cargo tree -p hania-domain -e normal");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "tree",
            "-p",
            "hania-domain",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(workspace_root())
        .output()
        .context("running cargo tree")?;
    if !output.status.success() {
        bail!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let tree = String::from_utf8_lossy(&output.stdout);
    let offenders: Vec<&str> = tree
        .lines()
        .filter(|line| {
            let name = line.split_whitespace().next().unwrap_or_default();
            FORBIDDEN_IN_DOMAIN
                .iter()
                .any(|f| name == *f || name.starts_with(&format!("{f}-")))
        })
        .collect();
    if !offenders.is_empty() {
        bail!(
            "hania-domain must stay pure, but depends on:\n{}",
            offenders.join("\n")
        );
    }
    println!("hania-domain is pure: none of {FORBIDDEN_IN_DOMAIN:?} in its tree");
    Ok(())
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() && !path.ends_with("target") {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Fails when a source file is longer than the limit.
pub fn file_sizes() -> Result<()> {
    let root = workspace_root();
    let mut files = Vec::new();
    for dir in ["crates", "xtask", "tests"] {
        if root.join(dir).is_dir() {
            rust_files(&root.join(dir), &mut files)?;
        }
    }
    let mut too_long = Vec::new();
    for file in &files {
        let lines = std::fs::read_to_string(file)?.lines().count();
        if lines > MAX_FILE_LINES {
            too_long.push(format!(
                "{} ({lines} lines)",
                file.strip_prefix(&root).unwrap_or(file).display()
            ));
        }
    }
    if !too_long.is_empty() {
        bail!(
            "files over {MAX_FILE_LINES} lines (split them):\n{}",
            too_long.join("\n")
        );
    }
    println!(
        "{} Rust files, none over {MAX_FILE_LINES} lines",
        files.len()
    );
    Ok(())
}

/// The committed OpenAPI document.
const OPENAPI_FILE: &str = "openapi/openapi.json";

/// Writes the OpenAPI document the server generates, or (`check`) fails
/// when the committed one differs, naming the command that fixes it.
pub fn codegen(check: bool) -> Result<()> {
    println!("==> hania openapi");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "run",
            "--quiet",
            "--package",
            "hania-server",
            "--bin",
            "hania",
            "--",
            "openapi",
        ])
        .current_dir(workspace_root())
        .output()
        .context("running hania openapi")?;
    if !output.status.success() {
        bail!(
            "hania openapi failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let generated = String::from_utf8(output.stdout).context("the spec is not UTF-8")?;
    let path = workspace_root().join(OPENAPI_FILE);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == generated {
        println!("{OPENAPI_FILE} is up to date");
        return Ok(());
    }
    if check {
        bail!("{OPENAPI_FILE} is stale: run `cargo xtask codegen` and commit the result");
    }
    std::fs::write(&path, generated).with_context(|| format!("writing {OPENAPI_FILE}"))?;
    println!("wrote {OPENAPI_FILE}");
    Ok(())
}

/// Runs the mock OpenAI-compatible server in the foreground.
pub fn mock_llm(args: &[String]) -> Result<()> {
    let mut command = vec![
        "run",
        "--release",
        "--quiet",
        "--package",
        "hania-mock-llm",
        "--",
    ];
    command.extend(args.iter().map(String::as_str));
    cargo(&command)
}

/// Runs a benchmark in release mode (with the `hania` binary the pinned
/// mode starts as its own process).
pub fn bench(args: &[String]) -> Result<()> {
    cargo(&["build", "--release", "--quiet", "--package", "hania-server"])?;
    let mut command = vec![
        "run",
        "--release",
        "--quiet",
        "--package",
        "hania-bench",
        "--",
    ];
    command.extend(args.iter().map(String::as_str));
    cargo(&command)
}
