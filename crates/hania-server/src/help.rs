//! The text `hania --help` shows after the commands: every setting with
//! its environment variable and default.

/// Every setting, as `hania --help` lists it.
pub const SETTINGS: &str = "\
Settings (environment variables; in a --config TOML file, the same names in
lower case without HANIA_, e.g. bind = \"0.0.0.0:8080\"; the environment wins):
  HANIA_BIND                  listen address [127.0.0.1:8080]
  DATABASE_URL                sqlite://PATH or postgres://user:pass@host/db
                              [sqlite://./hania-data/hania.db, relative to the working directory]
  HANIA_BOOTSTRAP_KEY         the first key (hania_sk_ + 40 hex) on an empty store [random, printed once]
  HANIA_BOOTSTRAP_BALANCE     the first workspace's balance in currency units [10]
  HANIA_LLM_BASE_URL          OpenAI-compatible base URL, e.g. http://localhost:11434/v1
                              [https://api.openai.com/v1 when a key is set, else the offline provider]
  HANIA_LLM_API_KEY           the provider's key (or OPENAI_API_KEY)
  HANIA_LLM_MODEL             model of bots without one [gpt-4o-mini; hania-offline offline]
  HANIA_LLM_TIMEOUT_MS        longest wait for a completion / a stream's first token [120000 / 60000]
  HANIA_LLM_IDLE_TIMEOUT_MS   longest silence within an answer [30000]
  HANIA_LLM_HTTP2             auto | prior-knowledge: HTTP/2 to the provider by ALPN, or always [auto]
  HANIA_MODEL_PRICES          model=PROMPT/COMPLETION per million tokens, comma-separated [all 0]
  HANIA_STREAM_KEEPALIVE_MS   silence before a stream's keep-alive comment [15000]
  HANIA_OUTBOUND_ALLOW_NETS   CIDRs webhook tools may reach although not public [none]
  HANIA_PUBLIC_URL            the server's address as browsers reach it, for embed codes [per request]
  HANIA_SCHEDULER             on | off: scheduled agent runs on this instance [on]
  HANIA_SCHEDULER_TICK_MS     how often the scheduler looks for due runs [1000]
  HANIA_JOBS                  on | off: background jobs on this instance [on]
  HANIA_JOBS_TICK_MS          how often the job worker looks for due jobs [1000]
  HANIA_JOB_LEASE_MS          how long a worker's claim on a job lasts [120000]
  HANIA_DB_POOL_SIZE          most PostgreSQL connections per instance [16]
  HANIA_DB_TIMEOUT_MS         longest wait for a PostgreSQL connection before 503 [5000]
  HANIA_RATE_LIMITS           shared | local: where PostgreSQL instances count rate limits [shared]
  HANIA_METRICS_TOKEN         bearer token GET /metrics requires [none: open]
  HANIA_KEY_CACHE_MS          how long an authenticated key is reused from memory; 0: never [5000]
  HANIA_CONFIG                the TOML file (same as --config)
  RUST_LOG, HANIA_LOG_FORMAT  log filter [info]; json for JSON lines

Example: HANIA_LLM_BASE_URL=http://localhost:11434/v1 HANIA_LLM_MODEL=llama3.2 hania serve
";
