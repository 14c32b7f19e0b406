-- The Übersicht's figures per (org unit, course), kept current by triggers in the same
-- transaction as every change of course_status, so the top level of a Land's 100,000 people
-- does not need a pass over their two million pairs (issue 22). A pair's state depends on the
-- day: the table counts the states as of `status_summary_day.day`, with the renewal windows in
-- `status_windows` ('' = every course without its own); the first read on another day or with
-- other windows counts everything afresh (db::course_status::counts_by_unit). Rows carry the
-- unit of an active person only (see course_status), like the counts they replace.
CREATE TABLE status_windows (
    course_slug TEXT PRIMARY KEY,
    days INTEGER NOT NULL
);
CREATE TABLE status_summary_day (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    day INTEGER NOT NULL
);
INSERT INTO status_summary_day (id, day) VALUES (1, -1);
CREATE TABLE status_summary (
    org_unit_id INTEGER NOT NULL,
    course_slug TEXT NOT NULL,
    valid INTEGER NOT NULL DEFAULT 0,
    expiring INTEGER NOT NULL DEFAULT 0,
    expired INTEGER NOT NULL DEFAULT 0,
    started INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_unit_id, course_slug)
);

CREATE TRIGGER status_summary_insert AFTER INSERT ON course_status
BEGIN
    INSERT INTO status_summary (org_unit_id, course_slug, valid, expiring, expired, started)
    SELECT NEW.org_unit_id, NEW.course_slug,
        (CASE WHEN NEW.valid_until_day > s.day + s.w THEN 1 ELSE 0 END),
        (CASE WHEN NEW.valid_until_day >= s.day AND NEW.valid_until_day <= s.day + s.w THEN 1 ELSE 0 END),
        (CASE WHEN NEW.valid_until_day < s.day THEN 1 ELSE 0 END),
        (CASE WHEN NEW.valid_until_day IS NULL AND (NEW.started_at IS NOT NULL OR NEW.completed_at IS NOT NULL) THEN 1 ELSE 0 END)
    FROM (SELECT d.day AS day, COALESCE(
              (SELECT days FROM status_windows WHERE course_slug = NEW.course_slug),
              (SELECT days FROM status_windows WHERE course_slug = ''), 0) AS w
          FROM status_summary_day d WHERE d.id = 1) s
    WHERE NEW.org_unit_id IS NOT NULL
    ON CONFLICT (org_unit_id, course_slug) DO UPDATE SET
        valid = valid + excluded.valid, expiring = expiring + excluded.expiring,
        expired = expired + excluded.expired, started = started + excluded.started;
END;

CREATE TRIGGER status_summary_delete AFTER DELETE ON course_status
BEGIN
    INSERT INTO status_summary (org_unit_id, course_slug, valid, expiring, expired, started)
    SELECT OLD.org_unit_id, OLD.course_slug,
        -(CASE WHEN OLD.valid_until_day > s.day + s.w THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.valid_until_day >= s.day AND OLD.valid_until_day <= s.day + s.w THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.valid_until_day < s.day THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.valid_until_day IS NULL AND (OLD.started_at IS NOT NULL OR OLD.completed_at IS NOT NULL) THEN 1 ELSE 0 END)
    FROM (SELECT d.day AS day, COALESCE(
              (SELECT days FROM status_windows WHERE course_slug = OLD.course_slug),
              (SELECT days FROM status_windows WHERE course_slug = ''), 0) AS w
          FROM status_summary_day d WHERE d.id = 1) s
    WHERE OLD.org_unit_id IS NOT NULL
    ON CONFLICT (org_unit_id, course_slug) DO UPDATE SET
        valid = valid + excluded.valid, expiring = expiring + excluded.expiring,
        expired = expired + excluded.expired, started = started + excluded.started;
END;

CREATE TRIGGER status_summary_update AFTER UPDATE ON course_status
BEGIN
    INSERT INTO status_summary (org_unit_id, course_slug, valid, expiring, expired, started)
    SELECT OLD.org_unit_id, OLD.course_slug,
        -(CASE WHEN OLD.valid_until_day > s.day + s.w THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.valid_until_day >= s.day AND OLD.valid_until_day <= s.day + s.w THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.valid_until_day < s.day THEN 1 ELSE 0 END),
        -(CASE WHEN OLD.valid_until_day IS NULL AND (OLD.started_at IS NOT NULL OR OLD.completed_at IS NOT NULL) THEN 1 ELSE 0 END)
    FROM (SELECT d.day AS day, COALESCE(
              (SELECT days FROM status_windows WHERE course_slug = OLD.course_slug),
              (SELECT days FROM status_windows WHERE course_slug = ''), 0) AS w
          FROM status_summary_day d WHERE d.id = 1) s
    WHERE OLD.org_unit_id IS NOT NULL
    ON CONFLICT (org_unit_id, course_slug) DO UPDATE SET
        valid = valid + excluded.valid, expiring = expiring + excluded.expiring,
        expired = expired + excluded.expired, started = started + excluded.started;
    INSERT INTO status_summary (org_unit_id, course_slug, valid, expiring, expired, started)
    SELECT NEW.org_unit_id, NEW.course_slug,
        (CASE WHEN NEW.valid_until_day > s.day + s.w THEN 1 ELSE 0 END),
        (CASE WHEN NEW.valid_until_day >= s.day AND NEW.valid_until_day <= s.day + s.w THEN 1 ELSE 0 END),
        (CASE WHEN NEW.valid_until_day < s.day THEN 1 ELSE 0 END),
        (CASE WHEN NEW.valid_until_day IS NULL AND (NEW.started_at IS NOT NULL OR NEW.completed_at IS NOT NULL) THEN 1 ELSE 0 END)
    FROM (SELECT d.day AS day, COALESCE(
              (SELECT days FROM status_windows WHERE course_slug = NEW.course_slug),
              (SELECT days FROM status_windows WHERE course_slug = ''), 0) AS w
          FROM status_summary_day d WHERE d.id = 1) s
    WHERE NEW.org_unit_id IS NOT NULL
    ON CONFLICT (org_unit_id, course_slug) DO UPDATE SET
        valid = valid + excluded.valid, expiring = expiring + excluded.expiring,
        expired = expired + excluded.expired, started = started + excluded.started;
END;
