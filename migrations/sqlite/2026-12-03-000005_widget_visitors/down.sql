DROP TABLE server_secrets;
ALTER TABLE api_keys DROP COLUMN visitor_rate_limit_per_hour;
