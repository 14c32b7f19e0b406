-- Reminders, notices and the coordinators' weekly digest (issue 13).
-- Per person: the language of their mails and whether they want reminder mails (invitations,
-- password mails and mandatory-course notices always go out) and, for coordinators, the digest.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'de';
ALTER TABLE users ADD COLUMN reminder_mails BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN digest_mails BIGINT NOT NULL DEFAULT 1;

-- Each reminder that went out, keyed by what it reminded of: the due date (or a certificate's
-- last valid day) is part of the key, so a changed date starts afresh and a repeated run sends
-- nothing twice.
CREATE TABLE mail_reminders (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    -- faellig (7 days before), ueberfaellig-1 … ueberfaellig-4, ablauf-60, ablauf-14
    kind TEXT NOT NULL,
    ref_day BIGINT NOT NULL,
    sent_day BIGINT NOT NULL,
    PRIMARY KEY (user_id, course_slug, kind, ref_day)
);

-- At most one reminder mail per person and day: the row is the claim.
CREATE TABLE mail_reminder_days (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- One digest per coordinator and week (the Monday's day number).
CREATE TABLE mail_digests (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    week_day BIGINT NOT NULL,
    PRIMARY KEY (user_id, week_day)
);

-- Periodic jobs run by one instance at a time: whoever holds the lease.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until BIGINT NOT NULL
);
