use std::collections::HashMap;

use super::*;

#[test]
fn environment_wins_over_the_file_and_secrets_are_redacted() {
    let mut config: Config =
        toml::from_str("bind = \"0.0.0.0:9000\"\nllm_model = \"file-model\"").unwrap();
    let env: HashMap<&str, &str> = [
        ("HANIA_LLM_MODEL", "env-model"),
        ("OPENAI_API_KEY", "sk-secret"),
        ("DATABASE_URL", "postgres://hania:pw@db:5432/hania"),
    ]
    .into();
    config.apply_env(|name| env.get(name).map(|v| v.to_string()));
    assert_eq!(config.bind(), "0.0.0.0:9000");
    assert_eq!(config.llm_model.as_deref(), Some("env-model"));
    assert_eq!(config.llm_api_key.as_deref(), Some("sk-secret"));
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("sk-secret") && !debug.contains(":pw@"),
        "{debug}"
    );
    assert!(toml::from_str::<Config>("unknown = 1").is_err());
    assert_eq!(
        config.scheduler_tick().unwrap(),
        Some(DEFAULT_SCHEDULER_TICK)
    );
    config.apply_env(|name| (name == "HANIA_SCHEDULER").then(|| "off".to_owned()));
    assert_eq!(config.scheduler_tick().unwrap(), None);
    config.scheduler = Some("sometimes".into());
    assert!(config.scheduler_tick().is_err());
    assert_eq!(Config::default().database_url(), DEFAULT_DATABASE_URL);
}

#[test]
fn pool_settings_default_and_parse_and_the_metrics_token_is_redacted() {
    let defaults = Config::default().pool_settings().unwrap();
    assert_eq!(defaults.max_size, hania_store_postgres::DEFAULT_POOL_SIZE);
    assert_eq!(defaults.timeout, hania_store_postgres::DEFAULT_POOL_TIMEOUT);
    let mut config = Config::default();
    let env: HashMap<&str, &str> = [
        ("HANIA_DB_POOL_SIZE", "4"),
        ("HANIA_DB_TIMEOUT_MS", "250"),
        ("HANIA_METRICS_TOKEN", "scrape-secret"),
    ]
    .into();
    config.apply_env(|name| env.get(name).map(|v| v.to_string()));
    let settings = config.pool_settings().unwrap();
    assert_eq!(settings.max_size, 4);
    assert_eq!(settings.timeout, std::time::Duration::from_millis(250));
    assert!(!format!("{config:?}").contains("scrape-secret"));
    config.db_timeout_ms = Some("0".into());
    assert!(config.pool_settings().is_err());
    config.db_timeout_ms = None;
    config.db_pool_size = Some("many".into());
    assert!(config.pool_settings().is_err());
    assert!(config.shared_rate_limits().unwrap());
    config.apply_env(|name| (name == "HANIA_RATE_LIMITS").then(|| "local".to_owned()));
    assert!(!config.shared_rate_limits().unwrap());
    config.rate_limits = Some("global".into());
    assert!(config.shared_rate_limits().is_err());
}

#[test]
fn the_key_cache_defaults_to_five_seconds_and_zero_turns_it_off() {
    let mut config = Config::default();
    assert_eq!(
        config.key_cache_ttl().unwrap(),
        std::time::Duration::from_secs(5)
    );
    config.apply_env(|name| (name == "HANIA_KEY_CACHE_MS").then(|| "0".to_owned()));
    assert_eq!(config.key_cache_ttl().unwrap(), std::time::Duration::ZERO);
    config.key_cache_ms = Some("soon".into());
    assert!(config.key_cache_ttl().is_err());
}
