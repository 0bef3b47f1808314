-- Appeals to the mayor. A row is created only after the person consents to the processing
-- of personal data; until it is submitted it is a draft (deleted after 7 days untouched).

-- Registration numbers: one counter per year, bumped in the submitting transaction, so a
-- number is never skipped nor given twice.
CREATE TABLE appeal_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE appeals (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN (
                       'draft', 'submitted', 'checking', 'transferred', 'answered', 'closed',
                       'returned', 'forwarded', 'extended', 'rejected')),
    draft_step     TEXT,                 -- where the dialog was, to continue a draft there
    number         TEXT UNIQUE,          -- МР-2026-000123, from the first submission on
    year           INTEGER,
    seq            INTEGER,
    consent_at     TEXT NOT NULL,
    assisted_by    TEXT,                 -- the librarian who filed it at a branch (consent in person)
    surname        TEXT,
    given_name     TEXT,
    patronymic     TEXT,
    address        TEXT,
    phone          TEXT,                 -- E.164
    email          TEXT,
    topic          TEXT,
    body           TEXT,
    attachments    TEXT NOT NULL DEFAULT '[]',  -- JSON: messenger file ids, never the files
    confidential   INTEGER NOT NULL DEFAULT 0,  -- Art. 10: do not disclose name and address
    priority       TEXT,                 -- Art. 20 category, or NULL
    repeat_of      TEXT,                 -- number of a similar appeal in the last 30 days (Art. 8)
    short_term     INTEGER NOT NULL DEFAULT 0,  -- 15 days: needs no further study
    registered_at  TEXT,                 -- first submission
    submitted_at   TEXT,                 -- last (re)submission: the term runs from here
    due_date       TEXT,                 -- local date, YYYY-MM-DD
    council_number TEXT,
    council_date   TEXT,
    forwarded_to   TEXT,
    outcome        TEXT CHECK (outcome IN ('positive', 'explained', 'refused')),
    answer         TEXT,
    answer_files   TEXT NOT NULL DEFAULT '[]',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX appeals_by_user ON appeals (user_id, status);
CREATE INDEX appeals_by_status ON appeals (status, due_date);
CREATE INDEX appeals_by_phone ON appeals (phone, registered_at);

-- Every status change: what, who, when, and why.
CREATE TABLE appeal_history (
    id        INTEGER PRIMARY KEY,
    appeal_id INTEGER NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    status    TEXT NOT NULL,
    note      TEXT,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX appeal_history_by_appeal ON appeal_history (appeal_id, id);
