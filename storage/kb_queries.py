"""Questions asked of the knowledge base, the decision taken, and the citizen's feedback."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage._time import to_db
from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True)
class KbQuery:
    id: int
    user_id: int | None
    question: str
    decision: str
    article_id: str | None
    candidates: list[tuple[str, float]]


class KbQueriesRepo:
    async def add(
        self,
        conn: Connection,
        *,
        user_id: int,
        question: str,
        decision: str,
        article_id: str | None,
        candidates: list[tuple[str, float]],
        now: datetime,
    ) -> int:
        cur = await conn.execute(
            "INSERT INTO kb_queries (user_id, question, decision, article_id, candidates, asked_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, question, decision, article_id, json.dumps(candidates), to_db(now)),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def get(self, conn: Connection, query_id: int) -> KbQuery | None:
        row = await fetch_one(conn, "SELECT * FROM kb_queries WHERE id = ?", (query_id,))
        if row is None:
            return None
        return KbQuery(
            id=row["id"],
            user_id=row["user_id"],
            question=row["question"],
            decision=row["decision"],
            article_id=row["article_id"],
            candidates=[(a, float(s)) for a, s in json.loads(row["candidates"])],
        )

    async def choose(self, conn: Connection, query_id: int, article_id: str) -> None:
        """The citizen picked this article from the suggestions."""
        await conn.execute(
            "UPDATE kb_queries SET article_id = ? WHERE id = ?", (article_id, query_id)
        )

    async def feedback(self, conn: Connection, query_id: int, helpful: bool, now: datetime) -> None:
        await conn.execute(
            "UPDATE kb_queries SET feedback = ?, feedback_at = ? WHERE id = ?",
            ("helpful" if helpful else "not_helpful", to_db(now), query_id),
        )

    async def feedback_of(self, conn: Connection, query_id: int) -> str | None:
        """The citizen's verdict on the answer: 'helpful', 'not_helpful', or None if not given."""
        row = await fetch_one(conn, "SELECT feedback FROM kb_queries WHERE id = ?", (query_id,))
        return row["feedback"] if row else None

    async def export(self, conn: Connection, user_id: int) -> list[dict[str, Any]]:
        rows = await fetch_all(
            conn,
            "SELECT id, question, decision, article_id, asked_at, feedback FROM kb_queries"
            " WHERE user_id = ? ORDER BY id",
            (user_id,),
        )
        return [dict(row) for row in rows]

    async def erase_of_user(self, conn: Connection, user_id: int) -> None:
        """The person's questions lose their text and their author; the decision, the
        article and the feedback stay for the counts."""
        await conn.execute(
            "UPDATE kb_queries SET question = '', user_id = NULL WHERE user_id = ?", (user_id,)
        )

    async def anonymise_before(self, conn: Connection, before: datetime, *, limit: int) -> int:
        cur = await conn.execute(
            "UPDATE kb_queries SET question = '', user_id = NULL WHERE id IN"
            " (SELECT id FROM kb_queries WHERE asked_at < ?"
            "  AND (question != '' OR user_id IS NOT NULL) LIMIT ?)",
            (to_db(before), limit),
        )
        return cur.rowcount
