-- Each widget visitor's hourly request limit (widget keys only).
ALTER TABLE api_keys ADD COLUMN visitor_rate_limit_per_hour INTEGER NOT NULL DEFAULT 60;
-- Secrets the server keeps for itself (the widget's visitor-token key),
-- created by the first instance to need one and shared by every instance.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL
);
