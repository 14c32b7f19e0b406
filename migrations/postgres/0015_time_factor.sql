-- Extra time for timed tests (Nachteilsausgleich, issue 16): the share of the normal time a
-- person gets, in percent; 100 is the normal time.
ALTER TABLE users ADD COLUMN time_percent BIGINT NOT NULL DEFAULT 100
    CHECK (time_percent BETWEEN 100 AND 300);
