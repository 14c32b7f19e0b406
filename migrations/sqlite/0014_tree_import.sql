-- An uploaded file is a people import or an org tree (issue 15); each preview reads its own.
ALTER TABLE import_batches ADD COLUMN kind TEXT NOT NULL DEFAULT 'personen'
    CHECK (kind IN ('personen', 'struktur'));
