-- Widget keys are public by design: their text is kept for the embed code.
ALTER TABLE api_keys ADD COLUMN widget_key_text TEXT;
-- The secret a site signs its logged-in users' ids with (widget keys only).
ALTER TABLE api_keys ADD COLUMN identity_secret TEXT;
