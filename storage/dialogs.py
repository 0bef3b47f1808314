"""Per-user dialog state: the current step and its scratch data, kept across restarts."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storage._time import to_db
from storage.db import Connection, fetch_one


class DialogsRepo:
    async def load(self, conn: Connection, user_id: int) -> tuple[str, dict[str, Any]] | None:
        row = await fetch_one(conn, "SELECT step, data FROM dialogs WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row["data"])
        return row["step"], data

    async def save(
        self, conn: Connection, user_id: int, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO dialogs (user_id, step, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET"
            "  step = excluded.step, data = excluded.data, updated_at = excluded.updated_at",
            (user_id, step, json.dumps(data, ensure_ascii=False), to_db(now)),
        )

    async def clear(self, conn: Connection, user_id: int) -> None:
        await conn.execute("DELETE FROM dialogs WHERE user_id = ?", (user_id,))

    async def export(self, conn: Connection, user_id: int) -> dict[str, Any] | None:
        row = await fetch_one(
            conn, "SELECT step, data, updated_at FROM dialogs WHERE user_id = ?", (user_id,)
        )
        if row is None:
            return None
        return {"step": row["step"], "data": json.loads(row["data"]), "updated": row["updated_at"]}

    async def prune(self, conn: Connection, before: datetime, *, limit: int) -> int:
        """Dialogs left half-way and untouched since `before` are forgotten."""
        cur = await conn.execute(
            "DELETE FROM dialogs WHERE user_id IN"
            " (SELECT user_id FROM dialogs WHERE updated_at < ? LIMIT ?)",
            (to_db(before), limit),
        )
        return cur.rowcount
