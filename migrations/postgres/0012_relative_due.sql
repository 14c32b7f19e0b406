-- Relative due dates (issue 15): an assignment is due by a fixed day or "within N days",
-- counted per person from the later of the assignment day and the day they joined their
-- unit. `unit_since` is that day (day number in Germany); it changes with the unit.
ALTER TABLE assignments ADD COLUMN due_days BIGINT CHECK (due_days IS NULL OR due_days BETWEEN 1 AND 3650);
ALTER TABLE users ADD COLUMN unit_since BIGINT NOT NULL DEFAULT 0;
UPDATE users SET unit_since = created_at / 86400;
CREATE INDEX users_unit_since ON users (unit_since);
-- A fixed date and a number of days exclude each other.
ALTER TABLE assignments ADD CONSTRAINT assignments_one_due CHECK (due_day IS NULL OR due_days IS NULL);
