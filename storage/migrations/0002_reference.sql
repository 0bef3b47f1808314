-- Every question put to the knowledge base, what the bot decided and whether it helped:
-- the raw material for reports and for improving the articles.
CREATE TABLE kb_queries (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    question    TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('answer', 'suggest', 'none')),
    article_id  TEXT,            -- the article answered with, or later chosen from suggestions
    candidates  TEXT NOT NULL,   -- JSON [[article id, score], ...] as ranked
    asked_at    TEXT NOT NULL,
    feedback    TEXT CHECK (feedback IN ('helpful', 'not_helpful')),
    feedback_at TEXT
);
CREATE INDEX kb_queries_asked ON kb_queries (asked_at);
