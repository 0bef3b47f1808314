-- Users: one row per (channel, user id on that channel).
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    display_name TEXT,
    language    TEXT NOT NULL DEFAULT 'uk',
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    UNIQUE (channel, external_id)
);

-- Where each user is in a dialog; data is the step's JSON scratchpad.
CREATE TABLE dialogs (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    step       TEXT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

-- Incoming updates already handled, so that a redelivered one is not handled twice.
CREATE TABLE inbox (
    channel    TEXT NOT NULL,
    update_key TEXT NOT NULL,
    handled_at TEXT NOT NULL,
    PRIMARY KEY (channel, update_key)
) WITHOUT ROWID;

-- Every outgoing message, written in the same transaction as the state that caused it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    reply           TEXT NOT NULL,
    ref             TEXT,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    external_id     TEXT,
    error           TEXT
);
CREATE INDEX outbox_pending ON outbox (status, not_before) WHERE status = 'pending';
CREATE INDEX outbox_external ON outbox (channel, chat_id, external_id);
