-- Questions handed to librarians, and the thread of answers and follow-ups under each.
CREATE TABLE tickets (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    question      TEXT NOT NULL,
    source        TEXT NOT NULL,          -- menu, kb_none, kb_not_helpful, kb_suggest
    query_id      INTEGER REFERENCES kb_queries (id),
    candidates    TEXT NOT NULL DEFAULT '[]',  -- JSON article ids the bot considered
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
    assignee_id   TEXT,
    assignee_name TEXT,
    created_at    TEXT NOT NULL,
    answered_at   TEXT,
    answered_by   TEXT,
    closed_at     TEXT,
    closed_by     TEXT,
    reposted_at   TEXT,                   -- last re-post of the card as overdue
    reminded_at   TEXT,                   -- when the citizen was told it is not forgotten
    rating        TEXT CHECK (rating IN ('up', 'down')),
    delivery_error TEXT                   -- the last answer that could not reach the citizen
);
CREATE INDEX tickets_open ON tickets (status, created_at);

CREATE TABLE ticket_messages (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author      TEXT NOT NULL CHECK (author IN ('citizen', 'librarian')),
    author_name TEXT,
    text        TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',  -- JSON [{kind, file_id, file_name}]: ids, no files
    created_at  TEXT NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);
