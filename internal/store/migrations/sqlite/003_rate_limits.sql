-- +goose Up
-- One row per subject (an API token, or a client address that failed to
-- authenticate) and minute: how many requests it made in that minute.
-- Every replica counts in the same rows, so a limit holds across them.
CREATE TABLE rate_limit_windows (
    subject      TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (subject, window_start)
);

CREATE INDEX rate_limit_windows_start ON rate_limit_windows (window_start);
