-- Ed25519 keys that sign certificates (the newest one signs; older ones keep verifying).
CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY,
    secret_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Certificates, issued in the transaction that records a course completion. The signed fields
-- never change; revocation is recorded beside them.
CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    completion_id INTEGER NOT NULL UNIQUE REFERENCES course_completions (id),
    payload TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES signing_keys (key_id),
    course_slug TEXT NOT NULL,
    valid_until_day INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    revoked_at INTEGER,
    revoke_reason TEXT
);
CREATE INDEX certificates_user ON certificates (user_id);
