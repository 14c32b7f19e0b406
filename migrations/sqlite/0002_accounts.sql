-- Accounts, org units, sessions, one-time password links, login throttling, audit log.
-- Times are unix seconds; flags are 0/1 integers (the same on both backends).
CREATE TABLE org_units (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES org_units (id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX org_units_parent ON org_units (parent_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    org_unit_id INTEGER REFERENCES org_units (id),
    role TEXT NOT NULL CHECK (role IN ('employee', 'coordinator', 'admin')),
    active INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX users_org_unit ON users (org_unit_id);

CREATE TABLE coordinator_scopes (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, org_unit_id)
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE password_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX password_tokens_user ON password_tokens (user_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at INTEGER NOT NULL,
    success INTEGER NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);

-- An uploaded CSV, kept between preview and commit (only its uploader can see or commit it).
CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY,
    created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    committed_at INTEGER
);

-- One-time messages for the next page of a session (e.g. a new password link after a form
-- post without JavaScript). Read once, then deleted.
CREATE TABLE flashes (
    id INTEGER PRIMARY KEY,
    session_hash TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX flashes_session ON flashes (session_hash);
