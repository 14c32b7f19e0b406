-- Reports sent with the "Barriere melden" form (public: also without sign-in). `ip` is kept
-- only to limit how many reports one address can send per hour.
CREATE TABLE barrier_reports (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    page TEXT NOT NULL,
    description TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    ip TEXT NOT NULL,
    done_at INTEGER,
    done_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX barrier_reports_created ON barrier_reports (created_at);
CREATE INDEX barrier_reports_ip ON barrier_reports (ip, created_at);

-- What stays of a deleted person's completed courses: organisational evidence that a course
-- (in a content version) was completed in an org unit on a day, without name or e-mail.
CREATE TABLE erased_completions (
    id INTEGER PRIMARY KEY,
    org_unit_id INTEGER REFERENCES org_units (id) ON DELETE SET NULL,
    course_slug TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    completed_at INTEGER NOT NULL,
    certificate_code TEXT,
    valid_until_day INTEGER,
    erased_at INTEGER NOT NULL
);
CREATE INDEX erased_completions_unit ON erased_completions (org_unit_id, course_slug);
