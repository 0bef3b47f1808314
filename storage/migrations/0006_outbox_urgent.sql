-- Replies to what a person just did go out before bulk messages from scheduled jobs (the
-- re-post job's reminders, the morning list): a resident never waits behind ten thousand
-- of them. Within one chat the order stays the order of queueing.
ALTER TABLE outbox ADD COLUMN urgent INTEGER NOT NULL DEFAULT 1;
CREATE INDEX outbox_pending_chat ON outbox (channel, chat_id, id) WHERE status = 'pending';
