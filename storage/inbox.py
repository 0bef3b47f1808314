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
