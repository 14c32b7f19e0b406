-- Course assignments and the per-person course status the coordinator view reads.
-- An assignment targets either an org unit (its sub-units and later members included) or one
-- person. Due dates are day numbers since 1970-01-01 (German calendar day), like certificate
-- validity.
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    course_slug TEXT NOT NULL,
    org_unit_id INTEGER REFERENCES org_units (id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    due_day INTEGER,
    mandatory INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    CHECK ((org_unit_id IS NULL) <> (user_id IS NULL))
);
CREATE UNIQUE INDEX assignments_unit ON assignments (org_unit_id, course_slug) WHERE org_unit_id IS NOT NULL;
CREATE UNIQUE INDEX assignments_user ON assignments (user_id, course_slug) WHERE user_id IS NOT NULL;

-- One row per person and course they have touched, kept current in the transactions that
-- record module progress, completions and revocations (see db::course_status::refresh).
CREATE TABLE course_status (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    started_at INTEGER,
    completed_at INTEGER,
    valid_until_day INTEGER,
    PRIMARY KEY (user_id, course_slug)
);

INSERT INTO course_status (user_id, course_slug, started_at, completed_at, valid_until_day)
SELECT k.user_id, k.course_slug,
    (SELECT MIN(m.completed_at) FROM module_progress m WHERE m.user_id = k.user_id AND m.course_slug = k.course_slug),
    (SELECT MAX(c.completed_at) FROM course_completions c WHERE c.user_id = k.user_id AND c.course_slug = k.course_slug),
    (SELECT MAX(z.valid_until_day) FROM certificates z WHERE z.user_id = k.user_id AND z.course_slug = k.course_slug AND z.revoked_at IS NULL)
FROM (SELECT user_id, course_slug FROM module_progress UNION SELECT user_id, course_slug FROM course_completions) k;
