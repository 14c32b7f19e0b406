-- Module checks and final tests. `drawn` holds the questions and option order shown (JSON);
-- `answers` what was submitted (JSON). An attempt is graded exactly once (submitted_at).
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('check', 'final')),
    module_id TEXT,
    content_hash TEXT NOT NULL,
    drawn TEXT NOT NULL,
    answers TEXT,
    points INTEGER,
    max_points INTEGER NOT NULL,
    passed INTEGER,
    started_at INTEGER NOT NULL,
    deadline_at INTEGER,
    submitted_at INTEGER
);
CREATE INDEX attempts_user ON attempts (user_id, course_slug, kind);

-- A course completed: passing the final test with every module complete. Written in the same
-- transaction as the grading.
CREATE TABLE course_completions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    attempt_id INTEGER NOT NULL UNIQUE REFERENCES attempts (id),
    completed_at INTEGER NOT NULL
);
CREATE INDEX course_completions_user ON course_completions (user_id, course_slug);
