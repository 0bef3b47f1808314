"""Consents to the processing of personal data: given to a worded notice, withdrawn later."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage._time import from_db, to_db
from storage.db import Connection, fetch_all, fetch_one

PURPOSES = ("appeal", "question", "booking")


@dataclass(frozen=True)
class Consent:
    id: int
    purpose: str
    version: str
    given_at: datetime
    withdrawn_at: datetime | None
    appeal_id: int | None


class ConsentsRepo:
    async def give(
        self,
        conn: Connection,
        user_id: int,
        purpose: str,
        notice: str,
        now: datetime,
        *,
        appeal_id: int | None = None,
    ) -> None:
        """Consent given to the wording `notice`: kept as its version, a short hash, so
        that an edited notice is told apart from the one agreed to."""
        version = notice_version(notice)
        await conn.execute(
            "INSERT INTO consents (user_id, purpose, version, given_at, appeal_id)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, purpose, version, to_db(now), appeal_id),
        )

    async def active(self, conn: Connection, user_id: int) -> list[Consent]:
        """Consents not withdrawn, newest first."""
        rows = await fetch_all(
            conn,
            "SELECT * FROM consents WHERE user_id = ? AND withdrawn_at IS NULL"
            " ORDER BY given_at DESC, id DESC",
            (user_id,),
        )
        return [_consent(row) for row in rows]

    async def has_active(self, conn: Connection, user_id: int, purpose: str) -> bool:
        row = await fetch_one(
            conn,
            "SELECT 1 FROM consents WHERE user_id = ? AND purpose = ? AND withdrawn_at IS NULL"
            " LIMIT 1",
            (user_id, purpose),
        )
        return row is not None

    async def withdraw(self, conn: Connection, user_id: int, purpose: str, now: datetime) -> int:
        cur = await conn.execute(
            "UPDATE consents SET withdrawn_at = ?"
            " WHERE user_id = ? AND purpose = ? AND withdrawn_at IS NULL",
            (to_db(now), user_id, purpose),
        )
        return cur.rowcount

    async def export(self, conn: Connection, user_id: int) -> list[dict[str, Any]]:
        rows = await fetch_all(
            conn,
            "SELECT purpose, version, given_at, withdrawn_at, appeal_id FROM consents"
            " WHERE user_id = ? ORDER BY id",
            (user_id,),
        )
        return [dict(row) for row in rows]

    async def erase(self, conn: Connection, user_id: int, *, keep_appeals: list[int]) -> None:
        """Forget the person's consents, except those of the appeals kept by law (the proof
        that their data was taken lawfully)."""
        marks = ", ".join("?" for _ in keep_appeals) or "NULL"
        await conn.execute(
            f"DELETE FROM consents WHERE user_id = ? AND (appeal_id IS NULL"
            f" OR appeal_id NOT IN ({marks}))",
            (user_id, *keep_appeals),
        )


def notice_version(notice: str) -> str:
    return hashlib.sha256(notice.encode()).hexdigest()[:12]


def _consent(row: Any) -> Consent:
    return Consent(
        id=row["id"],
        purpose=row["purpose"],
        version=row["version"],
        given_at=from_db(row["given_at"]),
        withdrawn_at=from_db(row["withdrawn_at"]) if row["withdrawn_at"] else None,
        appeal_id=row["appeal_id"],
    )
