-- Fixed-window request counters that several instances share: one row
-- per limited bucket (a key, a widget visitor) and clock hour.
CREATE TABLE rate_limit_windows (
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
