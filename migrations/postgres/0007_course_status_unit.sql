-- The org unit each status row counts for: the person's unit while they are active, NULL
-- otherwise. Kept current by db::course_status::refresh and db::users::update, so the dashboard
-- aggregates one index without joining users.
ALTER TABLE course_status ADD COLUMN org_unit_id BIGINT;
UPDATE course_status s SET org_unit_id = CASE WHEN u.active = 1 THEN u.org_unit_id END
FROM users u WHERE u.id = s.user_id;
CREATE INDEX course_status_unit ON course_status (org_unit_id, course_slug, valid_until_day, started_at, completed_at);
