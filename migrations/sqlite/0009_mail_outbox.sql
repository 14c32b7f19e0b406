-- Every mail the platform sends, written in the same transaction as the event that causes it
-- (a person created, a link issued). The worker delivers from here, so an acknowledged event
-- is never without its mail and a crash loses nothing. `message_id` is stable across retries.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- queued, sending, sent, failed
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- A claimed mail belongs to one worker until then (a crashed worker's claim runs out).
    claimed_until INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
CREATE INDEX mail_outbox_recipient ON mail_outbox (recipient, kind, created_at);
