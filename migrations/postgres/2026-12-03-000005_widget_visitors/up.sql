-- Each widget visitor's hourly request limit (widget keys only).
ALTER TABLE api_keys ADD COLUMN visitor_rate_limit_per_hour integer NOT NULL DEFAULT 60;
-- Secrets the server keeps for itself (the widget's visitor-token key),
-- created by the first instance to need one and shared by every instance.
CREATE TABLE server_secrets (
    name text PRIMARY KEY,
    secret text NOT NULL,
    created_at timestamptz NOT NULL
);
