-- The org unit each status row counts for: the person's unit while they are active, NULL
-- otherwise. Kept current by db::course_status::refresh and db::users::update, so the dashboard
-- reads one covering index in (unit, course) order instead of joining users and sorting.
-- SQLite: the table is rebuilt WITHOUT ROWID (rows stored in primary-key order).
CREATE TABLE course_status_new (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    org_unit_id INTEGER,
    started_at INTEGER,
    completed_at INTEGER,
    valid_until_day INTEGER,
    PRIMARY KEY (user_id, course_slug)
) WITHOUT ROWID;
INSERT INTO course_status_new (user_id, course_slug, org_unit_id, started_at, completed_at, valid_until_day)
SELECT s.user_id, s.course_slug, CASE WHEN u.active = 1 THEN u.org_unit_id END,
    s.started_at, s.completed_at, s.valid_until_day
FROM course_status s JOIN users u ON u.id = s.user_id;
DROP TABLE course_status;
ALTER TABLE course_status_new RENAME TO course_status;
CREATE INDEX course_status_unit ON course_status (org_unit_id, course_slug, valid_until_day, started_at, completed_at);
