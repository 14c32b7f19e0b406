-- The KI-Register (issue 17): the organisation's AI systems, their classification under the
-- AI Act, the duties that follow and the units that use them. Codes are German because they
-- travel in form values and exports. Every change is a new version with who/when/what, so the
-- register can show what was recorded at any time.
CREATE TABLE ai_systems (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL,
    product TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('geplant', 'erprobung', 'im-einsatz', 'ausser-betrieb')),
    org_role TEXT NOT NULL CHECK (org_role IN ('betreiber', 'anbieter')),
    responsible TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    approved_uses TEXT NOT NULL DEFAULT '',
    prohibited_uses TEXT NOT NULL DEFAULT '',
    data_classes TEXT NOT NULL DEFAULT '',
    instruction_url TEXT NOT NULL DEFAULT '',
    manual_url TEXT NOT NULL DEFAULT '',
    introduced_day BIGINT,
    reviewed_day BIGINT,
    answers TEXT NOT NULL DEFAULT '{}',
    risk_class TEXT CHECK (risk_class IN ('verboten', 'hochriskant', 'transparenz', 'gering')),
    oversight TEXT NOT NULL DEFAULT '',
    -- How people keep the system under control, in the organisation's words, for the public.
    public_oversight TEXT NOT NULL DEFAULT '',
    course_slug TEXT,
    oversight_course_slug TEXT,
    published BIGINT NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- A planned system is not shown to the public; a high-risk one has named oversight.
    CHECK (published = 0 OR status <> 'geplant'),
    CHECK (risk_class IS NULL OR risk_class <> 'hochriskant' OR oversight <> '')
);

CREATE TABLE ai_system_units (
    system_id BIGINT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    org_unit_id BIGINT NOT NULL REFERENCES org_units (id) ON DELETE CASCADE,
    PRIMARY KEY (system_id, org_unit_id)
);
CREATE INDEX ai_system_units_unit ON ai_system_units (org_unit_id);

CREATE TABLE ai_system_versions (
    system_id BIGINT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    changes TEXT NOT NULL,
    PRIMARY KEY (system_id, version)
);

CREATE TABLE ai_system_duties (
    system_id BIGINT NOT NULL REFERENCES ai_systems (id) ON DELETE CASCADE,
    duty TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'offen' CHECK (status IN ('offen', 'in-arbeit', 'erledigt', 'entfaellt')),
    day BIGINT,
    responsible TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (system_id, duty)
);

-- KI-Koordination: keeps the register (in addition to the person's role).
ALTER TABLE users ADD COLUMN ai_coordinator BIGINT NOT NULL DEFAULT 0 CHECK (ai_coordinator IN (0, 1));
-- An assignment the register derived (a unit uses a system that needs a course).
ALTER TABLE assignments ADD COLUMN ai_system_id BIGINT REFERENCES ai_systems (id) ON DELETE SET NULL;
