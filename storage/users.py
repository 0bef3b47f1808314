"""Citizens and librarians as the bot knows them: one row per (channel, user)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row
from typing import Any

from storage._time import from_db, to_db
from storage.db import Connection, fetch_one


@dataclass(frozen=True)
class User:
    id: int
    channel: str
    external_id: str
    chat_id: str
    display_name: str | None
    language: str
    first_seen: datetime
    last_seen: datetime


class UsersRepo:
    async def touch(
        self,
        conn: Connection,
        *,
        channel: str,
        external_id: str,
        chat_id: str,
        display_name: str | None,
        now: datetime,
    ) -> User:
        """Create the user on first contact, otherwise record the activity.

        Every message does this: RETURNING gives the row as inserted or updated in the same
        round trip to the database thread, instead of a second one to read it back."""
        stamp = to_db(now)
        row = await fetch_one(
            conn,
            "INSERT INTO users (channel, external_id, chat_id, display_name, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, external_id) DO UPDATE SET"
            "  last_seen = excluded.last_seen, chat_id = excluded.chat_id,"
            "  display_name = COALESCE(excluded.display_name, users.display_name)"
            " RETURNING *",
            (channel, external_id, chat_id, display_name, stamp, stamp),
        )
        assert row is not None
        return _user(row)

    async def find(self, conn: Connection, channel: str, external_id: str) -> User | None:
        row = await fetch_one(
            conn,
            "SELECT * FROM users WHERE channel = ? AND external_id = ?",
            (channel, external_id),
        )
        return _user(row) if row else None

    async def get(self, conn: Connection, user_id: int) -> User | None:
        row = await fetch_one(conn, "SELECT * FROM users WHERE id = ?", (user_id,))
        return _user(row) if row else None

    async def export(self, conn: Connection, user_id: int) -> dict[str, Any]:
        """What the bot keeps about the person themself (for «Мої дані»)."""
        row = await fetch_one(
            conn,
            "SELECT channel, external_id, chat_id, display_name, language, first_seen,"
            " last_seen FROM users WHERE id = ?",
            (user_id,),
        )
        return dict(row) if row else {}

    async def erase(self, conn: Connection, user_id: int) -> None:
        """Forget who the person is: the name and the messenger's ids go; the row stays,
        unrecognisable, for what the law keeps (a submitted appeal) and for the counts.
        Writing again makes a new user."""
        await conn.execute(
            "UPDATE users SET display_name = NULL, external_id = 'erased:' || id,"
            " chat_id = 'erased:' || id WHERE id = ?",
            (user_id,),
        )

    async def anonymise_inactive(self, conn: Connection, before: datetime, *, limit: int) -> int:
        """People silent since `before` whose appeals (if any) are anonymised already lose
        their name and ids; how many this round."""
        cur = await conn.execute(
            "UPDATE users SET display_name = NULL, external_id = 'erased:' || id,"
            " chat_id = 'erased:' || id WHERE id IN (SELECT id FROM users"
            " WHERE last_seen < ? AND external_id NOT LIKE 'erased:%'"
            " AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.user_id = users.id"
            "  AND a.status != 'draft' AND a.erased_at IS NULL) LIMIT ?)",
            (to_db(before), limit),
        )
        return cur.rowcount


def _user(row: Row) -> User:
    return User(
        id=row["id"],
        channel=row["channel"],
        external_id=row["external_id"],
        chat_id=row["chat_id"],
        display_name=row["display_name"],
        language=row["language"],
        first_seen=from_db(row["first_seen"]),
        last_seen=from_db(row["last_seen"]),
    )
