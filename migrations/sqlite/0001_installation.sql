-- One row describing this installation.
CREATE TABLE installation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    created_at INTEGER NOT NULL
);
INSERT INTO installation (id, created_at) VALUES (1, CAST(strftime('%s', 'now') AS INTEGER));
