//! `hania-mock-llm [--bind ADDR] [--first-token-ms N] [--inter-token-ms N]
//! [--reply TEXT] [--fail-status CODE --fail-every N]`: runs the mock
//! OpenAI-compatible server until interrupted (also `cargo xtask mock-llm`).

use std::time::Duration;

use hania_mock_llm::{Fault, MockConfig, MockLlm};

fn parse() -> Result<(String, MockConfig), String> {
    let mut args = std::env::args().skip(1);
    let (mut bind, mut config) = ("127.0.0.1:9090".to_owned(), MockConfig::default());
    let (mut status, mut every) = (None, 1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag} takes a number"))
        };
        match flag.as_str() {
            "--bind" => bind = value.clone(),
            "--first-token-ms" => config.first_token_latency = Duration::from_millis(number()?),
            "--inter-token-ms" => config.inter_token_delay = Duration::from_millis(number()?),
            "--reply" => config.reply = value.clone(),
            "--fail-status" => {
                status = Some(u16::try_from(number()?).map_err(|_| "bad status".to_owned())?)
            }
            "--fail-every" => every = number()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if let Some(status) = status {
        config.fault = Fault::Status { status, every };
    }
    Ok((bind, config))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let (bind, config) = parse().map_err(std::io::Error::other)?;
    let mock = MockLlm::start_on(&bind, config).await?;
    println!(
        "mock OpenAI-compatible server at {} (Ctrl-C to stop)",
        mock.base_url()
    );
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result?,
        _ = terminate.recv() => {}
    }
    drop(mock);
    Ok(())
}
