-- The KI-Register, second part (issue 17). When a system's model, class or house rules change,
-- the people who learnt the old ones must hear of it: either a short update they read and
-- confirm ("delta") or the system's course again ("kurs"). `update_version` is the version
-- that made the last such change and `update_at` when; `update_changes` what changed (JSON,
-- for the notice). A person's confirmation is kept per system with the version confirmed.
ALTER TABLE ai_systems ADD COLUMN update_mode TEXT NOT NULL DEFAULT 'delta' CHECK (update_mode IN ('delta', 'kurs'));
ALTER TABLE ai_systems ADD COLUMN update_version INTEGER;
ALTER TABLE ai_systems ADD COLUMN update_at INTEGER;
ALTER TABLE ai_systems ADD COLUMN update_changes TEXT NOT NULL DEFAULT '[]';
-- What the EU database asks a deployer of a high-risk system (Annex VIII Section C).
ALTER TABLE ai_systems ADD COLUMN eu_database_url TEXT NOT NULL DEFAULT '';
ALTER TABLE ai_systems ADD COLUMN fria_summary TEXT NOT NULL DEFAULT '';
ALTER TABLE ai_systems ADD COLUMN dpia_summary TEXT NOT NULL DEFAULT '';

CREATE TABLE ai_system_acks (
    system_id INTEGER NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (system_id, user_id)
);
CREATE INDEX ai_system_acks_user ON ai_system_acks (user_id);
