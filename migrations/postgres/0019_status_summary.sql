-- The Übersicht's figures per (org unit, course), kept current by triggers in the same
-- transaction as every change of course_status, so the top level of a Land's 100,000 people
-- does not need a pass over their two million pairs (issue 22). A pair's state depends on the
-- day: the table counts the states as of `status_summary_day.day`, with the renewal windows in
-- `status_windows` ('' = every course without its own); the first read on another day or with
-- other windows counts everything afresh (db::course_status::counts_by_unit). Rows carry the
-- unit of an active person only (see course_status), like the counts they replace.
CREATE TABLE status_windows (
    course_slug TEXT PRIMARY KEY,
    days BIGINT NOT NULL
);
CREATE TABLE status_summary_day (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    day BIGINT NOT NULL
);
INSERT INTO status_summary_day (id, day) VALUES (1, -1);
CREATE TABLE status_summary (
    org_unit_id BIGINT NOT NULL,
    course_slug TEXT NOT NULL,
    valid BIGINT NOT NULL DEFAULT 0,
    expiring BIGINT NOT NULL DEFAULT 0,
    expired BIGINT NOT NULL DEFAULT 0,
    started BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_unit_id, course_slug)
);

-- Adds (p_sign 1) or takes away (-1) one pair. The recount locks course_status against writers
-- (SHARE ROW EXCLUSIVE), so no change is in flight while it counts, and every change after it
-- sees its day.
CREATE FUNCTION status_summary_add(p_unit BIGINT, p_course TEXT, p_started BIGINT,
    p_completed BIGINT, p_valid BIGINT, p_sign BIGINT) RETURNS void AS $$
DECLARE
    d BIGINT;
    w BIGINT;
BEGIN
    IF p_unit IS NULL THEN
        RETURN;
    END IF;
    SELECT day INTO d FROM status_summary_day WHERE id = 1;
    w := COALESCE((SELECT days FROM status_windows WHERE course_slug = p_course),
                  (SELECT days FROM status_windows WHERE course_slug = ''), 0);
    INSERT INTO status_summary AS s (org_unit_id, course_slug, valid, expiring, expired, started)
    VALUES (p_unit, p_course,
        p_sign * (CASE WHEN p_valid > d + w THEN 1 ELSE 0 END),
        p_sign * (CASE WHEN p_valid >= d AND p_valid <= d + w THEN 1 ELSE 0 END),
        p_sign * (CASE WHEN p_valid < d THEN 1 ELSE 0 END),
        p_sign * (CASE WHEN p_valid IS NULL AND (p_started IS NOT NULL OR p_completed IS NOT NULL) THEN 1 ELSE 0 END))
    ON CONFLICT (org_unit_id, course_slug) DO UPDATE SET
        valid = s.valid + EXCLUDED.valid, expiring = s.expiring + EXCLUDED.expiring,
        expired = s.expired + EXCLUDED.expired, started = s.started + EXCLUDED.started;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION status_summary_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM status_summary_add(OLD.org_unit_id, OLD.course_slug, OLD.started_at,
            OLD.completed_at, OLD.valid_until_day, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM status_summary_add(NEW.org_unit_id, NEW.course_slug, NEW.started_at,
            NEW.completed_at, NEW.valid_until_day, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER status_summary AFTER INSERT OR UPDATE OR DELETE ON course_status
    FOR EACH ROW EXECUTE FUNCTION status_summary_change();
