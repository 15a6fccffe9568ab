//! `hania`: the Hania server binary.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};
use hania_server::admin::{self, AdminCommand};
use hania_server::config::Config;
use hania_server::store::{describe_store, migrate, open_store, require_existing_store};

/// Hania server: a self-hostable backend for AI chat agents — bots, chat
/// in three HTTP dialects, traces, metering and billing.
#[derive(Debug, Parser)]
#[command(version, after_help = hania_server::help::SETTINGS)]
struct Cli {
    /// A TOML file with the same settings as the environment (the
    /// environment wins).
    #[arg(long, env = "HANIA_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve {
        /// Listen address (overrides HANIA_BIND).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Operator commands.
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// Logs to stderr: `RUST_LOG` filters (default `info`); colours only on a
/// terminal; `HANIA_LOG_FORMAT=json` writes one JSON object per line with
/// the message and every field at its top level.
fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if std::env::var("HANIA_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init();
    } else {
        builder.init();
    }
}

#[actix_web::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        println!("{}", hania_http::openapi_json());
        return Ok(());
    }
    init_logging();
    let mut config = Config::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => {
            if bind.is_some() {
                config.bind = bind;
            }
            tracing::info!(store = %describe_store(&config.database_url()), "starting");
            let running = hania_server::start(&config, None).await?;
            if let Some(boot) = &running.bootstrap {
                // Printed once, to stdout, so it can be captured.
                println!(
                    "Created workspace {} with a full-access API key (shown once):",
                    boot.workspace.id
                );
                println!("{}", boot.secret.expose());
            }
            tracing::info!(addr = %running.addr, "listening");
            running.server.await?;
            let grace =
                std::time::Duration::from_secs(hania_server::server::SHUTDOWN_GRACE_SECONDS);
            if let Some(scheduler) = running.scheduler {
                scheduler.stop(grace).await;
            }
            if let Some(jobs) = running.jobs {
                jobs.stop(grace).await;
            }
            tracing::info!("stopped");
        }
        Command::Migrate => {
            migrate(&config.database_url()).await?;
            println!("migrations applied");
        }
        Command::Admin(command) => {
            let url = config.database_url();
            require_existing_store(&url)?;
            eprintln!("store: {}", describe_store(&url));
            let store = open_store(&url).await?;
            println!("{}", admin::run(store, command).await?);
        }
        Command::Openapi => {}
    }
    Ok(())
}
