-- Which modules a person has completed, with the content version they saw.
CREATE TABLE module_progress (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    module_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    completed_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, course_slug, module_id)
);
