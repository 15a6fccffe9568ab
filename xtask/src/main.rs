//! `cargo xtask <task>`: project automation that CI and developers share.
//!
//! - `ci`: everything CI checks, in order (formatting, lints, invariants,
//!   the test suite, then schemathesis on both backends).
//! - `check-domain-purity`: fails when `hania-domain` depends on actix,
//!   diesel, reqwest or the tokio runtime.
//! - `check-file-sizes`: fails when a Rust source file passes the line limit.
//! - `check-layers`: fails when a module of `hania-http` imports one of its
//!   own layer or above, or when files import each other in a circle.
//! - `codegen [--check]`: writes `openapi/openapi.json` from the code, or
//!   with `--check` fails when the committed file is stale.
//! - `bench chat [--pin] [--seconds N]`: the chat benchmark (release build), server
//!   on SQLite and PostgreSQL against the mock, with the bare mock as baseline;
//!   `bench streams [--count N] [--h2c]` (slow streams held open) and `bench
//!   conversations [--count N] [--data FILE]` (the list at a million
//!   conversations), both with the server pinned to one core.
//! - `schemathesis [--seconds N]`: schemathesis with every check against
//!   the served spec, on SQLite and on a throwaway PostgreSQL (also the
//!   last step of `ci`).
//! - `mock-llm [flags]`: runs the mock OpenAI-compatible server (see
//!   `crates/hania-mock-llm/src/main.rs` for the flags).

mod checks;
mod layers;
mod schemathesis;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => checks::ci(),
        Some("check-domain-purity") => checks::domain_purity(),
        Some("check-file-sizes") => checks::file_sizes(),
        Some("check-layers") => checks::layers(),
        Some("codegen") => checks::codegen(args.iter().any(|a| a == "--check")),
        Some("mock-llm") => checks::mock_llm(&args[1..]),
        Some("bench") => checks::bench(&args[1..]),
        Some("schemathesis") => checks::schemathesis(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci | check-domain-purity | check-file-sizes | check-layers | codegen [--check] | mock-llm [flags] | bench chat [--pin] [--seconds N] | bench streams [--count N] [--h2c] | bench conversations [--count N] [--data FILE] | schemathesis [--seconds N]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}
