"""Questions for librarians (tickets) and the messages exchanged under each."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row
from typing import Any

from storage._time import from_db, to_db
from storage.attachments import Attachment, attachments_from_db, attachments_to_db
from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True)
class Ticket:
    id: int
    user_id: int
    question: str
    source: str
    candidates: list[str]
    status: str
    assignee_id: str | None
    assignee_name: str | None
    created_at: datetime
    answered_at: datetime | None
    answered_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    reposted_at: datetime | None
    reminded_at: datetime | None
    rating: str | None
    delivery_error: str | None
    erased_at: datetime | None = None  # its personal parts removed (on request or by age)


@dataclass(frozen=True)
class TicketMessage:
    author: str
    author_name: str | None
    text: str
    attachments: tuple[Attachment, ...]
    created_at: datetime


class TicketsRepo:
    async def open(
        self,
        conn: Connection,
        *,
        user_id: int,
        question: str,
        source: str,
        candidates: list[str],
        query_id: int | None,
        now: datetime,
        attachments: Sequence[Attachment] = (),
    ) -> Ticket:
        cur = await conn.execute(
            "INSERT INTO tickets (user_id, question, source, query_id, candidates, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, question, source, query_id, json.dumps(candidates), to_db(now)),
        )
        assert cur.lastrowid is not None
        await self.add_message(conn, cur.lastrowid, "citizen", None, question, attachments, now)
        ticket = await self.get(conn, cur.lastrowid)
        assert ticket is not None
        return ticket

    async def get(self, conn: Connection, ticket_id: int) -> Ticket | None:
        row = await fetch_one(conn, "SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        return _ticket(row) if row else None

    async def active_of_user(
        self, conn: Connection, user_id: int, answered_since: datetime
    ) -> Ticket | None:
        """The person's latest ticket still open, or answered since `answered_since`."""
        row = await fetch_one(
            conn,
            "SELECT * FROM tickets WHERE user_id = ? AND (status = 'open'"
            " OR (status = 'answered' AND answered_at >= ?)) ORDER BY id DESC LIMIT 1",
            (user_id, to_db(answered_since)),
        )
        return _ticket(row) if row else None

    async def of_user(self, conn: Connection, user_id: int) -> list[Ticket]:
        """Every ticket the person opened, oldest first."""
        rows = await fetch_all(
            conn, "SELECT * FROM tickets WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [_ticket(row) for row in rows]

    async def open_tickets(self, conn: Connection) -> list[Ticket]:
        """Tickets still waiting for a librarian's answer, oldest first."""
        rows = await fetch_all(
            conn, "SELECT * FROM tickets WHERE status = 'open' ORDER BY created_at, id"
        )
        return [_ticket(row) for row in rows]

    async def count_open(self, conn: Connection) -> int:
        row = await fetch_one(conn, "SELECT COUNT(*) FROM tickets WHERE status = 'open'")
        return int(row[0]) if row else 0

    async def open_page(self, conn: Connection, *, limit: int, offset: int = 0) -> list[Ticket]:
        """One page of the open tickets, oldest first, as `open_tickets` orders them."""
        rows = await fetch_all(
            conn,
            "SELECT * FROM tickets WHERE status = 'open' ORDER BY created_at, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_ticket(row) for row in rows]

    # A ticket is overdue when it has waited, since it was asked or last re-posted, from a
    # moment at or before `cutoff` (working hours are turned into that moment by the caller).

    async def count_overdue(self, conn: Connection, cutoff: datetime) -> int:
        row = await fetch_one(
            conn,
            "SELECT COUNT(*) FROM tickets WHERE status = 'open'"
            " AND COALESCE(reposted_at, created_at) <= ?",
            (to_db(cutoff),),
        )
        return int(row[0]) if row else 0

    async def overdue(self, conn: Connection, cutoff: datetime, *, limit: int) -> list[Ticket]:
        """The longest-waiting overdue tickets, oldest first."""
        rows = await fetch_all(
            conn,
            "SELECT * FROM tickets WHERE status = 'open'"
            " AND COALESCE(reposted_at, created_at) <= ? ORDER BY created_at, id LIMIT ?",
            (to_db(cutoff), limit),
        )
        return [_ticket(row) for row in rows]

    async def mark_overdue_reposted(self, conn: Connection, cutoff: datetime, now: datetime) -> int:
        """Every overdue ticket counts as re-posted now: the next reminder is due one full
        wait later. Returns how many."""
        cur = await conn.execute(
            "UPDATE tickets SET reposted_at = ? WHERE status = 'open'"
            " AND COALESCE(reposted_at, created_at) <= ?",
            (to_db(now), to_db(cutoff)),
        )
        return cur.rowcount

    async def to_remind(self, conn: Connection, *, limit: int) -> list[Ticket]:
        """Open tickets re-posted as overdue whose resident has not yet been told that the
        question is not forgotten, in the order they were asked."""
        rows = await fetch_all(
            conn,
            "SELECT * FROM tickets WHERE status = 'open' AND reposted_at IS NOT NULL"
            " AND reminded_at IS NULL ORDER BY id LIMIT ?",
            (limit,),
        )
        return [_ticket(row) for row in rows]

    async def mark_reminded(
        self, conn: Connection, ticket_ids: Sequence[int], now: datetime
    ) -> None:
        await conn.executemany(
            "UPDATE tickets SET reminded_at = ? WHERE id = ?",
            [(to_db(now), ticket_id) for ticket_id in ticket_ids],
        )

    async def assign(
        self, conn: Connection, ticket_id: int, assignee_id: str, assignee_name: str
    ) -> None:
        await conn.execute(
            "UPDATE tickets SET assignee_id = ?, assignee_name = ? WHERE id = ?",
            (assignee_id, assignee_name, ticket_id),
        )

    async def mark_answered(self, conn: Connection, ticket_id: int, by: str, now: datetime) -> None:
        await conn.execute(
            "UPDATE tickets SET status = 'answered', answered_at = ?, answered_by = ?,"
            " delivery_error = NULL WHERE id = ? AND status != 'closed'",
            (to_db(now), by, ticket_id),
        )

    async def reopen(self, conn: Connection, ticket_id: int) -> None:
        """A follow-up from the citizen: the ticket waits for a librarian again."""
        await conn.execute(
            "UPDATE tickets SET status = 'open', closed_at = NULL, closed_by = NULL WHERE id = ?",
            (ticket_id,),
        )

    async def close(self, conn: Connection, ticket_id: int, by: str, now: datetime) -> None:
        await conn.execute(
            "UPDATE tickets SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ?",
            (to_db(now), by, ticket_id),
        )

    async def rate(self, conn: Connection, ticket_id: int, rating: str) -> None:
        await conn.execute("UPDATE tickets SET rating = ? WHERE id = ?", (rating, ticket_id))

    async def delivery_failed(self, conn: Connection, ticket_id: int, error: str) -> None:
        await conn.execute("UPDATE tickets SET delivery_error = ? WHERE id = ?", (error, ticket_id))

    async def add_message(
        self,
        conn: Connection,
        ticket_id: int,
        author: str,
        author_name: str | None,
        text: str,
        attachments: Sequence[Attachment],
        now: datetime,
    ) -> None:
        await conn.execute(
            "INSERT INTO ticket_messages"
            " (ticket_id, author, author_name, text, attachments, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                ticket_id,
                author,
                author_name,
                text,
                attachments_to_db(attachments),
                to_db(now),
            ),
        )

    async def messages(self, conn: Connection, ticket_id: int) -> list[TicketMessage]:
        rows = await fetch_all(
            conn, "SELECT * FROM ticket_messages WHERE ticket_id = ? ORDER BY id", (ticket_id,)
        )
        return [
            TicketMessage(
                author=row["author"],
                author_name=row["author_name"],
                text=row["text"],
                attachments=attachments_from_db(row["attachments"]),
                created_at=from_db(row["created_at"]),
            )
            for row in rows
        ]

    async def export(self, conn: Connection, user_id: int) -> list[dict[str, Any]]:
        """The person's tickets, each with its thread of messages."""
        rows = await fetch_all(
            conn,
            "SELECT id, question, source, status, created_at, answered_at, answered_by,"
            " closed_at, closed_by, rating, erased_at FROM tickets WHERE user_id = ? ORDER BY id",
            (user_id,),
        )
        tickets = [dict(row) for row in rows]
        for ticket in tickets:
            messages = await fetch_all(
                conn,
                "SELECT author, author_name, text, attachments, created_at FROM ticket_messages"
                " WHERE ticket_id = ? ORDER BY id",
                (ticket["id"],),
            )
            ticket["messages"] = [
                dict(row) | {"attachments": json.loads(row["attachments"])} for row in messages
            ]
        return tickets

    async def ids_of_user(self, conn: Connection, user_id: int) -> list[int]:
        """The person's tickets whose personal parts are still there."""
        rows = await fetch_all(
            conn,
            "SELECT id FROM tickets WHERE user_id = ? AND erased_at IS NULL ORDER BY id",
            (user_id,),
        )
        return [row[0] for row in rows]

    async def expired(self, conn: Connection, before: datetime, *, limit: int) -> list[int]:
        """Tickets whose last activity was before `before`, personal parts still there."""
        rows = await fetch_all(
            conn,
            "SELECT id FROM tickets WHERE erased_at IS NULL"
            " AND COALESCE(closed_at, answered_at, created_at) < ? ORDER BY id LIMIT ?",
            (to_db(before), limit),
        )
        return [row[0] for row in rows]

    async def erase(self, conn: Connection, ticket_ids: Sequence[int], now: datetime) -> None:
        """The question and the thread go; the ticket stays, closed, for the counts (when,
        how fast, the rating)."""
        stamp = to_db(now)
        await conn.executemany(
            "UPDATE tickets SET question = '', status = 'closed',"
            " closed_at = COALESCE(closed_at, ?), delivery_error = NULL, erased_at = ?"
            " WHERE id = ?",
            [(stamp, stamp, ticket_id) for ticket_id in ticket_ids],
        )
        await conn.executemany(
            "DELETE FROM ticket_messages WHERE ticket_id = ?", [(i,) for i in ticket_ids]
        )


def _maybe(text: str | None) -> datetime | None:
    return from_db(text) if text else None


def _ticket(row: Row) -> Ticket:
    return Ticket(
        id=row["id"],
        user_id=row["user_id"],
        question=row["question"],
        source=row["source"],
        candidates=json.loads(row["candidates"]),
        status=row["status"],
        assignee_id=row["assignee_id"],
        assignee_name=row["assignee_name"],
        created_at=from_db(row["created_at"]),
        answered_at=_maybe(row["answered_at"]),
        answered_by=row["answered_by"],
        closed_at=_maybe(row["closed_at"]),
        closed_by=row["closed_by"],
        reposted_at=_maybe(row["reposted_at"]),
        reminded_at=_maybe(row["reminded_at"]),
        rating=row["rating"],
        delivery_error=row["delivery_error"],
        erased_at=_maybe(row["erased_at"]),
    )
