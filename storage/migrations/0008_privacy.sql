-- Consents to the processing of personal data: for what, to which text of the notice, when,
-- and when withdrawn. An appeal's row keeps its own consent_at too (the same moment).
CREATE TABLE consents (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose      TEXT NOT NULL CHECK (purpose IN ('appeal', 'question', 'booking')),
    version      TEXT NOT NULL,        -- which wording of the notice was agreed to
    given_at     TEXT NOT NULL,
    withdrawn_at TEXT,
    appeal_id    INTEGER REFERENCES appeals (id) ON DELETE SET NULL
);
CREATE INDEX consents_by_user ON consents (user_id, purpose);

-- Appeals filed before this table: their consent, with the wording unknown.
INSERT INTO consents (user_id, purpose, version, given_at, appeal_id)
SELECT user_id, 'appeal', 'before-0008', consent_at, id FROM appeals WHERE assisted_by IS NULL;

-- When a record's personal parts were removed (on request, or when its term ran out); the
-- row stays for the counts.
ALTER TABLE tickets ADD COLUMN erased_at TEXT;
ALTER TABLE appeals ADD COLUMN erased_at TEXT;
CREATE INDEX tickets_by_user ON tickets (user_id);
CREATE INDEX kb_queries_by_user ON kb_queries (user_id);
