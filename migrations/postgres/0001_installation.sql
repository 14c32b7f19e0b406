-- One row describing this installation.
CREATE TABLE installation (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    created_at BIGINT NOT NULL
);
INSERT INTO installation (id, created_at) VALUES (1, CAST(EXTRACT(EPOCH FROM now()) AS BIGINT));
