"""Outgoing messages: queued in the handler's transaction, delivered and marked afterwards."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row
from typing import Any, Protocol

from storage._time import from_db, to_db
from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    chat_id: str
    reply: str  # the reply serialised as JSON by the caller
    ref: str | None
    attempts: int  # tries since the last message of it was confirmed
    created_at: datetime
    is_due: bool
    parts_sent: int = 0  # messages of the reply already confirmed by the messenger
    external_id: str | None = None  # the id of its first message, once that is sent


class SentMark(Protocol):
    """A reply the messenger confirmed whole (delivery's journal marks are such)."""

    @property
    def item_id(self) -> int: ...
    @property
    def parts_sent(self) -> int: ...
    @property
    def external_id(self) -> str | None: ...


_INSERT = (
    "INSERT INTO outbox (channel, chat_id, reply, ref, not_before, created_at, urgent)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


class OutboxRepo:
    async def add(
        self,
        conn: Connection,
        *,
        channel: str,
        chat_id: str,
        reply: str,
        ref: str | None,
        now: datetime,
        urgent: bool = True,
    ) -> int:
        """Queue a message; `urgent=False` for bulk from scheduled jobs, which yields to
        replies to what people just did."""
        stamp = to_db(now)
        cur = await conn.execute(
            _INSERT,
            (channel, chat_id, reply, ref, stamp, stamp, int(urgent)),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def add_many(
        self,
        conn: Connection,
        items: list[tuple[str, str, str, str | None]],
        now: datetime,
        *,
        urgent: bool = True,
    ) -> None:
        """Queue (channel, chat_id, reply, ref) messages in one statement: what an event
        or a job queues (thousands of reminders, say) is written in one call."""
        stamp = to_db(now)
        await conn.executemany(
            _INSERT,
            [(ch, chat, reply, ref, stamp, stamp, int(urgent)) for ch, chat, reply, ref in items],
        )

    async def pending(
        self,
        conn: Connection,
        now: datetime,
        limit: int = 100,
        skip: Collection[tuple[str, str]] = (),
    ) -> list[OutboxItem]:
        """The next pending item of each chat — urgent ones first, then in the order they
        were queued — including ones not due yet (their chat waits: messages to one chat
        arrive in the order they were queued). Chats in `skip` ((channel, chat_id): being
        served, say) are left out: their replies, whole articles, are not read for
        nothing."""
        # One JSON parameter however many chats are skipped (thousands, when flood control
        # postpones a bulk job's chats): SQLite limits the number of parameters.
        skipped = json.dumps([f"{channel} {chat_id}" for channel, chat_id in skip])
        rows = await fetch_all(
            conn,
            "SELECT *, not_before <= ? AS is_due FROM outbox AS o WHERE status = 'pending'"
            " AND NOT EXISTS (SELECT 1 FROM outbox AS e WHERE e.status = 'pending'"
            " AND e.channel = o.channel AND e.chat_id = o.chat_id AND e.id < o.id)"
            " AND o.channel || ' ' || o.chat_id NOT IN (SELECT value FROM json_each(?))"
            " ORDER BY urgent DESC, id LIMIT ?",
            (to_db(now), skipped, limit),
        )
        return [_item(row) for row in rows]

    async def next_due_at(self, conn: Connection) -> datetime | None:
        row = await fetch_one(conn, "SELECT MIN(not_before) FROM outbox WHERE status = 'pending'")
        return from_db(row[0]) if row and row[0] else None

    async def mark_part_sent(
        self, conn: Connection, item_id: int, parts_sent: int, external_id: str | None
    ) -> None:
        """The first `parts_sent` messages of a reply are delivered; more are to come.

        The count of tries starts again: a long reply slowed by flood control is given up
        only when it stops making progress, not after so many refusals in all.
        """
        await conn.execute(
            "UPDATE outbox SET parts_sent = ?, external_id = ?, attempts = 0 WHERE id = ?",
            (parts_sent, external_id, item_id),
        )

    async def postpone(
        self, conn: Connection, item_id: int, not_before: datetime, error: str
    ) -> None:
        await conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE id = ?",
            (to_db(not_before), error, item_id),
        )

    async def mark_failed(self, conn: Connection, item_id: int, error: str) -> None:
        await conn.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = ? WHERE id = ?",
            (error, item_id),
        )

    async def find_ref(
        self, conn: Connection, channel: str, chat_id: str, external_id: str
    ) -> str | None:
        """The ref of a message we sent, e.g. the ticket a staff-chat card belongs to."""
        row = await fetch_one(
            conn,
            "SELECT ref FROM outbox WHERE channel = ? AND chat_id = ? AND external_id = ? LIMIT 1",
            (channel, chat_id, external_id),
        )
        return row["ref"] if row else None

    async def is_ours(self, conn: Connection, channel: str, chat_id: str, external_id: str) -> bool:
        """Whether we sent that message: a reply to it is said to the bot."""
        row = await fetch_one(
            conn,
            "SELECT 1 FROM outbox WHERE channel = ? AND chat_id = ? AND external_id = ? LIMIT 1",
            (channel, chat_id, external_id),
        )
        return row is not None

    async def recent_buttons(
        self, conn: Connection, channel: str, chat_id: str, limit: int = 3
    ) -> list[list[list[dict[str, Any]]]]:
        """The buttons (rows of {label, payload, url}) of the latest replies queued for a
        chat, newest first. Only the buttons are read out of each row: a reply's text may
        be a whole article."""
        rows = await fetch_all(
            conn,
            "SELECT json_extract(reply, '$.buttons') AS buttons FROM outbox"
            " WHERE channel = ? AND chat_id = ? ORDER BY id DESC LIMIT ?",
            (channel, chat_id, limit),
        )
        return [json.loads(row["buttons"]) if row["buttons"] else [] for row in rows]

    async def find_external(
        self, conn: Connection, channel: str, chat_id: str, ref: str
    ) -> str | None:
        """The id of the latest message we sent to that chat under this exact ref."""
        row = await fetch_one(
            conn,
            "SELECT external_id FROM outbox WHERE channel = ? AND chat_id = ? AND ref = ?"
            " AND status = 'sent' AND external_id IS NOT NULL ORDER BY id DESC LIMIT 1",
            (channel, chat_id, ref),
        )
        return row["external_id"] if row else None

    # --- Privacy: the outbox keeps copies of what was said; they go with the person -------

    async def erase_chat(self, conn: Connection, channel: str, chat_id: str, alias: str) -> None:
        """Everything queued for the person's chat loses its text and their chat id; what
        was not sent yet is not sent any more."""
        await conn.execute(
            "UPDATE outbox SET reply = '{}', chat_id = ?,"
            " error = CASE status WHEN 'pending' THEN 'erased' ELSE error END,"
            " status = CASE status WHEN 'pending' THEN 'failed' ELSE status END"
            " WHERE channel = ? AND chat_id = ?",
            (alias, channel, chat_id),
        )

    async def with_ref(
        self, conn: Connection, channel: str, chat_id: str, ref: str
    ) -> list[tuple[int, str | None, str]]:
        """(id, the sent message's id, reply) of the messages to that chat under `ref` or
        `ref:…`."""
        rows = await fetch_all(
            conn,
            "SELECT id, external_id, reply FROM outbox WHERE channel = ? AND chat_id = ?"
            " AND (ref = ? OR ref LIKE ? ESCAPE '\\')",
            (channel, chat_id, ref, _like_prefix(ref + ":")),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def set_reply(self, conn: Connection, item_id: int, reply: str) -> None:
        await conn.execute("UPDATE outbox SET reply = ? WHERE id = ?", (reply, item_id))

    async def blank_mentions(
        self, conn: Connection, channel: str, chat_id: str, fragments: list[str]
    ) -> int:
        """Copies of messages already sent to that chat which contain any of `fragments`
        (a name, a question) lose their text; how many."""
        if not fragments:
            return 0
        found = " OR ".join("instr(reply, ?) > 0" for _ in fragments)
        cur = await conn.execute(
            f"UPDATE outbox SET reply = '{{}}' WHERE channel = ? AND chat_id = ?"
            f" AND status != 'pending' AND ({found})",
            (channel, chat_id, *fragments),
        )
        return cur.rowcount

    async def blank_sent_before(
        self, conn: Connection, before: datetime, *, limit: int, ref_prefix: str | None = None
    ) -> int:
        """Copies of messages sent (or given up) before `before` lose their text: delivery
        no longer needs it, and a card is always redrawn from its record."""
        where = "status != 'pending' AND reply != '{}' AND created_at < ?"
        values: list[object] = [to_db(before)]
        if ref_prefix is not None:
            where += " AND ref LIKE ? ESCAPE '\\'"
            values.append(_like_prefix(ref_prefix))
        cur = await conn.execute(
            f"UPDATE outbox SET reply = '{{}}' WHERE id IN"
            f" (SELECT id FROM outbox WHERE {where} LIMIT ?)",
            (*values, limit),
        )
        return cur.rowcount

    async def mark_sent(self, conn: Connection, marks: Sequence[SentMark], now: datetime) -> None:
        """Whole replies delivered (every message of each), in one statement: delivery
        records together what finished since its last turn."""
        stamp = to_db(now)
        await conn.executemany(
            "UPDATE outbox SET status = 'sent', sent_at = ?, external_id = ?, parts_sent = ?,"
            " attempts = attempts + 1, error = NULL WHERE id = ?",
            [(stamp, m.external_id, m.parts_sent, m.item_id) for m in marks],
        )


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _item(row: Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        channel=row["channel"],
        chat_id=row["chat_id"],
        reply=row["reply"],
        ref=row["ref"],
        attempts=row["attempts"],
        created_at=from_db(row["created_at"]),
        is_due=bool(row["is_due"]),
        parts_sent=row["parts_sent"],
        external_id=row["external_id"],
    )
