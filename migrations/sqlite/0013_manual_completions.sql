-- Completions a coordinator records (issue 15): a classroom training, a webinar or an external
-- course, for one person or a whole list, with an optional attendance list (PDF). Each
-- person's completion is a course_completions row like a passed test, so status, evidence
-- and certificates treat both alike; it points at its session instead of an attempt.
CREATE TABLE manual_completions (
    id INTEGER PRIMARY KEY,
    course_slug TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('praesenz', 'webinar', 'extern')),
    completed_day INTEGER NOT NULL,
    trainer TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    attendance_name TEXT,
    attendance_pdf BLOB,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);

-- attempt_id becomes optional: SQLite rebuilds the table (the program runs migrations with
-- foreign keys off and checks them afterwards, as SQLite's documentation prescribes).
CREATE TABLE course_completions_new (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    attempt_id INTEGER UNIQUE REFERENCES attempts (id),
    manual_id INTEGER REFERENCES manual_completions (id),
    completed_at INTEGER NOT NULL,
    CHECK ((attempt_id IS NULL) <> (manual_id IS NULL))
);
INSERT INTO course_completions_new (id, user_id, course_slug, content_hash, attempt_id, completed_at)
    SELECT id, user_id, course_slug, content_hash, attempt_id, completed_at FROM course_completions;
DROP TABLE course_completions;
ALTER TABLE course_completions_new RENAME TO course_completions;
CREATE INDEX course_completions_user ON course_completions (user_id, course_slug);
-- A person once per session.
CREATE UNIQUE INDEX course_completions_manual ON course_completions (manual_id, user_id);
