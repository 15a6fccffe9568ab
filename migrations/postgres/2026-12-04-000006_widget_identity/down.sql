ALTER TABLE api_keys DROP COLUMN identity_secret;
ALTER TABLE api_keys DROP COLUMN widget_key_text;
