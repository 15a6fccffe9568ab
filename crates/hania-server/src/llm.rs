//! Choosing the model provider and the chat engine's settings from the
//! configuration.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use hania_domain::money::ModelPrice;
use hania_domain::ports::ModelProvider;
use hania_domain::pricing::price_of;
use hania_domain::services::ChatSettings;
use hania_llm::{OFFLINE_MODEL, OfflineProvider, OpenAiConfig, OpenAiProvider};

use crate::admin::parse_amount;
use crate::config::{Config, positive_millis};

/// Default model of bots without one, when a provider is configured.
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// Where a key without a base URL goes: OpenAI.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

/// The provider's base URL: `HANIA_LLM_BASE_URL`, else OpenAI's when only a
/// key is set (`OPENAI_API_KEY` alone means OpenAI), else none (offline).
pub fn base_url(config: &Config) -> Option<String> {
    config.llm_base_url.clone().or_else(|| {
        config
            .llm_api_key
            .as_ref()
            .map(|_| OPENAI_BASE_URL.to_owned())
    })
}

/// The OpenAI-compatible provider at [`base_url`], or the offline provider
/// (with a warning) when none is configured.
pub fn provider(config: &Config) -> Result<Arc<dyn ModelProvider>> {
    match &base_url(config) {
        Some(base) => {
            let mut settings = OpenAiConfig::new(base, config.llm_api_key.clone());
            if let Some(ms) = &config.llm_timeout_ms {
                let ms: u64 = ms
                    .trim()
                    .parse()
                    .context("HANIA_LLM_TIMEOUT_MS must be milliseconds")?;
                settings.request_timeout = std::time::Duration::from_millis(ms);
                settings.first_token_timeout = std::time::Duration::from_millis(ms);
            }
            if let Some(ms) = &config.llm_idle_timeout_ms {
                settings.idle_timeout = positive_millis(ms, "HANIA_LLM_IDLE_TIMEOUT_MS")?;
            }
            if let Some(mode) = &config.llm_http2 {
                settings.http2_prior_knowledge = http2_prior_knowledge(mode)?;
            }
            let provider = OpenAiProvider::new(settings).map_err(anyhow::Error::msg)?;
            tracing::info!(
                base_url = %base,
                default_model = %default_model(config),
                "model provider: OpenAI-compatible"
            );
            Ok(Arc::new(provider))
        }
        None => {
            tracing::warn!(
                "no model provider configured (HANIA_LLM_BASE_URL): replies come from the built-in offline provider, model '{OFFLINE_MODEL}'"
            );
            Ok(Arc::new(OfflineProvider))
        }
    }
}

/// Parses `HANIA_LLM_HTTP2`: whether to speak HTTP/2 to the provider
/// with prior knowledge.
pub fn http2_prior_knowledge(mode: &str) -> Result<bool> {
    match mode.trim() {
        "auto" => Ok(false),
        "prior-knowledge" => Ok(true),
        other => bail!("HANIA_LLM_HTTP2 must be 'auto' or 'prior-knowledge', not '{other}'"),
    }
}

/// Parses `HANIA_MODEL_PRICES`: `model=PROMPT/COMPLETION` pairs separated by
/// commas, in currency units per million tokens, e.g.
/// `gpt-4o-mini=0.15/0.60, gpt-4o=2.50/10`.
pub fn parse_prices(text: &str) -> Result<HashMap<String, ModelPrice>> {
    let mut prices = HashMap::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (model, price) = entry
            .split_once('=')
            .with_context(|| format!("'{entry}' is not model=PROMPT/COMPLETION"))?;
        let (prompt, completion) = price
            .split_once('/')
            .with_context(|| format!("'{entry}' is not model=PROMPT/COMPLETION"))?;
        let price = ModelPrice {
            prompt_per_million: parse_amount(prompt)?,
            completion_per_million: parse_amount(completion)?,
        };
        if price.prompt_per_million.micros() < 0 || price.completion_per_million.micros() < 0 {
            bail!("'{entry}': prices must not be negative");
        }
        prices.insert(model.trim().to_owned(), price);
    }
    Ok(prices)
}

/// The model of bots without one: `HANIA_LLM_MODEL`, else
/// [`DEFAULT_MODEL`] on a provider, else the offline model.
pub fn default_model(config: &Config) -> String {
    config.llm_model.clone().unwrap_or_else(|| {
        if base_url(config).is_some() {
            DEFAULT_MODEL.to_owned()
        } else {
            OFFLINE_MODEL.to_owned()
        }
    })
}

/// The chat engine's settings.
pub fn chat_settings(config: &Config) -> Result<ChatSettings> {
    let default_model = default_model(config);
    let prices = parse_prices(config.model_prices.as_deref().unwrap_or_default())
        .context("HANIA_MODEL_PRICES")?;
    if base_url(config).is_some() && price_of(&prices, &default_model, &default_model).is_none() {
        tracing::warn!(
            model = %default_model,
            "HANIA_MODEL_PRICES has no price for the default model: its turns are charged 0 (see unpriced_models in GET /api/v1/billing)"
        );
    }
    Ok(ChatSettings {
        default_model,
        prices,
        default_price: ModelPrice::default(),
        context_budget_tokens: 8_000,
        history_limit: 50,
        completion_hold_tokens: 4_096,
    })
}

#[cfg(test)]
mod tests {
    use hania_domain::money::Money;

    use super::*;

    #[test]
    fn http2_is_auto_or_prior_knowledge_and_nothing_else() {
        assert!(!http2_prior_knowledge("auto").unwrap());
        assert!(http2_prior_knowledge(" prior-knowledge ").unwrap());
        let error = http2_prior_knowledge("yes").unwrap_err().to_string();
        assert!(error.contains("HANIA_LLM_HTTP2"), "{error}");
        let mut config = Config::default();
        config.apply_env(|name| match name {
            "HANIA_LLM_BASE_URL" => Some("http://127.0.0.1:9/v1".to_owned()),
            "HANIA_LLM_HTTP2" => Some("h2".to_owned()),
            _ => None,
        });
        assert!(
            provider(&config).is_err(),
            "a bad HANIA_LLM_HTTP2 is refused at start"
        );
    }

    #[test]
    fn a_key_alone_means_openai_and_nothing_means_offline() {
        let mut config = Config::default();
        assert_eq!(base_url(&config), None);
        assert_eq!(default_model(&config), OFFLINE_MODEL);
        config.apply_env(|name| (name == "OPENAI_API_KEY").then(|| "sk-test".to_owned()));
        assert_eq!(base_url(&config).as_deref(), Some(OPENAI_BASE_URL));
        assert_eq!(default_model(&config), DEFAULT_MODEL);
        assert!(provider(&config).is_ok());
        config.llm_base_url = Some("http://127.0.0.1:11434/v1".into());
        assert_eq!(
            base_url(&config).as_deref(),
            Some("http://127.0.0.1:11434/v1")
        );
    }

    #[test]
    fn prices_parse_per_million_tokens() {
        let prices = parse_prices("gpt-4o-mini=0.15/0.60, gpt-4o=2.5/10").unwrap();
        assert_eq!(prices["gpt-4o-mini"].prompt_per_million, Money(150_000));
        assert_eq!(prices["gpt-4o"].completion_per_million, Money(10_000_000));
        assert!(parse_prices("").unwrap().is_empty());
        for bad in ["gpt", "gpt=1", "gpt=a/b", "gpt=-1/1"] {
            assert!(parse_prices(bad).is_err(), "{bad}");
        }
    }
}
