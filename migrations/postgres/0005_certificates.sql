-- Ed25519 keys that sign certificates (the newest one signs; older ones keep verifying).
CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY,
    secret_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Certificates, issued in the transaction that records a course completion. The signed fields
-- never change; revocation is recorded beside them.
CREATE TABLE certificates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    completion_id BIGINT NOT NULL UNIQUE REFERENCES course_completions (id),
    payload TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES signing_keys (key_id),
    course_slug TEXT NOT NULL,
    valid_until_day BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoke_reason TEXT
);
CREATE INDEX certificates_user ON certificates (user_id);
