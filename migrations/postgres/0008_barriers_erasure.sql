-- Reports sent with the "Barriere melden" form (public: also without sign-in). `ip` is kept
-- only to limit how many reports one address can send per hour.
CREATE TABLE barrier_reports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at BIGINT NOT NULL,
    page TEXT NOT NULL,
    description TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    ip TEXT NOT NULL,
    done_at BIGINT,
    done_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX barrier_reports_created ON barrier_reports (created_at);
CREATE INDEX barrier_reports_ip ON barrier_reports (ip, created_at);

-- What stays of a deleted person's completed courses: organisational evidence that a course
-- (in a content version) was completed in an org unit on a day, without name or e-mail.
CREATE TABLE erased_completions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_unit_id BIGINT REFERENCES org_units (id) ON DELETE SET NULL,
    course_slug TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    completed_at BIGINT NOT NULL,
    certificate_code TEXT,
    valid_until_day BIGINT,
    erased_at BIGINT NOT NULL
);
CREATE INDEX erased_completions_unit ON erased_completions (org_unit_id, course_slug);
