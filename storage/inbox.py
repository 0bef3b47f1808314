"""Handled incoming updates, so that one redelivered after a crash is not handled again."""

from __future__ import annotations

from datetime import datetime

from storage._time import to_db
from storage.db import Connection


class InboxRepo:
    async def claim(self, conn: Connection, channel: str, update_key: str, now: datetime) -> bool:
        """Record the update as handled; False if it already was."""
        cur = await conn.execute(
            "INSERT OR IGNORE INTO inbox (channel, update_key, handled_at) VALUES (?, ?, ?)",
            (channel, update_key, to_db(now)),
        )
        return cur.rowcount == 1

    async def handled(self, conn: Connection, channel: str, update_key: str) -> bool:
        """Whether the update was recorded as handled."""
        async with conn.execute(
            "SELECT 1 FROM inbox WHERE channel = ? AND update_key = ?", (channel, update_key)
        ) as cur:
            return await cur.fetchone() is not None
