-- Relative due dates (issue 15): an assignment is due by a fixed day or "within N days",
-- counted per person from the later of the assignment day and the day they joined their
-- unit. `unit_since` is that day (day number in Germany); it changes with the unit.
ALTER TABLE assignments ADD COLUMN due_days INTEGER CHECK (due_days IS NULL OR due_days BETWEEN 1 AND 3650);
ALTER TABLE users ADD COLUMN unit_since INTEGER NOT NULL DEFAULT 0;
UPDATE users SET unit_since = created_at / 86400;
CREATE INDEX users_unit_since ON users (unit_since);
-- A fixed date and a number of days exclude each other (SQLite cannot add a CHECK later).
CREATE TRIGGER assignments_one_due_insert BEFORE INSERT ON assignments
WHEN NEW.due_day IS NOT NULL AND NEW.due_days IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'assignments_one_due'); END;
CREATE TRIGGER assignments_one_due_update BEFORE UPDATE ON assignments
WHEN NEW.due_day IS NOT NULL AND NEW.due_days IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'assignments_one_due'); END;
