-- A reply may go out as several messages (a long text split, files, a keyboard message).
-- Each one the messenger confirms is counted here at once, so that a retry, or a restart,
-- resumes at the first unsent part instead of repeating the ones already delivered.
-- `external_id` (the first message's id) is now written as soon as that message is sent.
ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
