"""Handled incoming updates, so that one redelivered after a crash is not handled again."""

from __future__ import annotations

from datetime import datetime

from storage._time import to_db
from storage.db import Connection, fetch_one


class InboxRepo:
    async def claim(self, conn: Connection, channel: str, update_key: str, now: datetime) -> bool:
        """Record the update as handled; False if it already was."""
        cur = await conn.execute(
            "INSERT OR IGNORE INTO inbox (channel, update_key, handled_at) VALUES (?, ?, ?)",
            (channel, update_key, to_db(now)),
        )
        return cur.rowcount == 1

    async def prune(self, conn: Connection, before: datetime, *, limit: int) -> int:
        """Forget at most `limit` updates handled before `before`; how many were forgotten.

        Telegram redelivers for a day at most and may reuse update ids after a week of
        quiet: old keys only cost space and could drop a new update."""
        cur = await conn.execute(
            "DELETE FROM inbox WHERE (channel, update_key) IN"
            " (SELECT channel, update_key FROM inbox WHERE handled_at < ? LIMIT ?)",
            (to_db(before), limit),
        )
        return cur.rowcount

    async def handled(self, conn: Connection, channel: str, update_key: str) -> bool:
        """Whether the update was recorded as handled."""
        row = await fetch_one(
            conn,
            "SELECT 1 FROM inbox WHERE channel = ? AND update_key = ?",
            (channel, update_key),
        )
        return row is not None
