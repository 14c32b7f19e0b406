-- Completions a coordinator records (issue 15): a classroom training, a webinar or an external
-- course, for one person or a whole list, with an optional attendance list (PDF). Each
-- person's completion is a course_completions row like a passed test, so status, evidence
-- and certificates treat both alike; it points at its session instead of an attempt.
CREATE TABLE manual_completions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    course_slug TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('praesenz', 'webinar', 'extern')),
    completed_day BIGINT NOT NULL,
    trainer TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    attendance_name TEXT,
    attendance_pdf BYTEA,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
ALTER TABLE course_completions ALTER COLUMN attempt_id DROP NOT NULL;
ALTER TABLE course_completions ADD COLUMN manual_id BIGINT REFERENCES manual_completions (id);
ALTER TABLE course_completions ADD CONSTRAINT course_completions_one_source
    CHECK ((attempt_id IS NULL) <> (manual_id IS NULL));
-- A person once per session.
CREATE UNIQUE INDEX course_completions_manual ON course_completions (manual_id, user_id);
