-- Imports from HR exports (issue 15): people carry their personnel number, units an optional
-- external code (the HR system's key), and an uploaded file remembers the column mapping and
-- the options chosen for it, so the preview and the commit read the file the same way.
ALTER TABLE users ADD COLUMN personnel_no TEXT;
CREATE UNIQUE INDEX users_personnel_no ON users (personnel_no);
ALTER TABLE org_units ADD COLUMN code TEXT;
CREATE UNIQUE INDEX org_units_code ON org_units (code);
-- JSON: {"spalten": [field code or "" per column], "einheiten_unter": …, "abgleich": …}
ALTER TABLE import_batches ADD COLUMN mapping TEXT;
-- German alphabetical order (server::collation::key), filled in by the program: SQL cannot
-- compute it. Sorted bytewise on both backends.
ALTER TABLE users ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
CREATE INDEX users_sort_name ON users (sort_name);
