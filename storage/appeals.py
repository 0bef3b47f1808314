"""Appeals to the mayor: drafts, registration numbers, statuses and their history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from sqlite3 import Row
from typing import Any

from storage._time import from_db, to_db
from storage.attachments import Attachment, attachments_from_db, attachments_to_db
from storage.db import Connection, fetch_all, fetch_one

# Statuses still waiting for the city council's answer: the deadline list watches these.
OPEN_STATUSES = ("submitted", "checking", "transferred", "extended")
NUMBER_PREFIX = "МР"

# Columns the dialog and the staff may set; anything else is the repository's business.
_EDITABLE = frozenset(
    {
        "draft_step",
        "surname",
        "given_name",
        "patronymic",
        "address",
        "phone",
        "email",
        "topic",
        "body",
        "attachments",
        "confidential",
        "priority",
        "short_term",
        "due_date",
        "council_number",
        "council_date",
        "forwarded_to",
        "outcome",
        "answer",
        "answer_files",
    }
)


@dataclass(frozen=True)
class Appeal:
    id: int
    user_id: int
    status: str
    draft_step: str | None
    number: str | None
    consent_at: datetime
    assisted_by: str | None
    surname: str | None
    given_name: str | None
    patronymic: str | None
    address: str | None
    phone: str | None
    email: str | None
    topic: str | None
    body: str | None
    attachments: tuple[Attachment, ...]
    confidential: bool
    priority: str | None
    repeat_of: str | None
    short_term: bool
    registered_at: datetime | None
    submitted_at: datetime | None
    due_date: date | None
    council_number: str | None
    council_date: date | None
    forwarded_to: str | None
    outcome: str | None
    answer: str | None
    answer_files: tuple[Attachment, ...]
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None = None  # personal parts removed when its term ran out

    @property
    def full_name(self) -> str:
        parts = (self.surname, self.given_name, self.patronymic)
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    note: str | None
    actor: str
    at: datetime


def format_number(year: int, seq: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{seq:06d}"


class AppealsRepo:
    async def create_draft(
        self, conn: Connection, user_id: int, now: datetime, *, assisted_by: str | None = None
    ) -> Appeal:
        """A new draft: called only once the person has consented."""
        stamp = to_db(now)
        cur = await conn.execute(
            "INSERT INTO appeals (user_id, consent_at, assisted_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, stamp, assisted_by, stamp, stamp),
        )
        assert cur.lastrowid is not None
        appeal = await self.get(conn, cur.lastrowid)
        assert appeal is not None
        return appeal

    async def get(self, conn: Connection, appeal_id: int) -> Appeal | None:
        row = await fetch_one(conn, "SELECT * FROM appeals WHERE id = ?", (appeal_id,))
        return _appeal(row) if row else None

    async def by_number(self, conn: Connection, number: str) -> Appeal | None:
        row = await fetch_one(conn, "SELECT * FROM appeals WHERE number = ?", (number,))
        return _appeal(row) if row else None

    async def draft_of(self, conn: Connection, user_id: int) -> Appeal | None:
        row = await fetch_one(
            conn,
            "SELECT * FROM appeals WHERE user_id = ? AND status = 'draft'"
            " ORDER BY updated_at DESC, id DESC LIMIT 1",
            (user_id,),
        )
        return _appeal(row) if row else None

    async def update(self, conn: Connection, appeal_id: int, now: datetime, **fields: Any) -> None:
        unknown = set(fields) - _EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        values = [_to_db_value(v) for v in fields.values()]
        assignments = ", ".join(f"{name} = ?" for name in fields)
        await conn.execute(
            f"UPDATE appeals SET {assignments}, updated_at = ? WHERE id = ?",
            (*values, to_db(now), appeal_id),
        )

    async def delete_draft(self, conn: Connection, appeal_id: int) -> None:
        await conn.execute("DELETE FROM appeals WHERE id = ? AND status = 'draft'", (appeal_id,))

    async def delete_stale_drafts(self, conn: Connection, untouched_since: datetime) -> int:
        cur = await conn.execute(
            "DELETE FROM appeals WHERE status = 'draft' AND updated_at < ?",
            (to_db(untouched_since),),
        )
        return cur.rowcount

    async def registered_since(
        self, conn: Connection, *, user_id: int | None, phone: str | None, since: datetime
    ) -> int:
        """Appeals a person registered since `since`: by their chat, or by phone at a branch."""
        row = await fetch_one(
            conn,
            "SELECT COUNT(*) FROM appeals WHERE registered_at >= ?"
            " AND ((user_id = ? AND assisted_by IS NULL) OR (phone IS NOT NULL AND phone = ?))",
            (to_db(since), user_id, phone),
        )
        return int(row[0]) if row else 0

    async def recent_of_person(
        self,
        conn: Connection,
        *,
        user_id: int | None,
        phone: str | None,
        since: datetime,
        exclude_id: int,
    ) -> list[Appeal]:
        rows = await fetch_all(
            conn,
            "SELECT * FROM appeals WHERE registered_at >= ? AND id != ?"
            " AND ((user_id = ? AND assisted_by IS NULL) OR (phone IS NOT NULL AND phone = ?))"
            " ORDER BY registered_at DESC",
            (to_db(since), exclude_id, user_id, phone),
        )
        return [_appeal(row) for row in rows]

    async def allocate_number(self, conn: Connection, year: int) -> tuple[int, str]:
        """The next number of `year`: call inside the transaction that registers the appeal."""
        row = await fetch_one(
            conn,
            "INSERT INTO appeal_counters (year, last) VALUES (?, 1)"
            " ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last",
            (year,),
        )
        assert row is not None
        seq = int(row[0])
        return seq, format_number(year, seq)

    async def register(
        self,
        conn: Connection,
        appeal_id: int,
        *,
        number: str,
        year: int,
        seq: int,
        now: datetime,
        due_date: date,
        repeat_of: str | None,
    ) -> None:
        stamp = to_db(now)
        await conn.execute(
            "UPDATE appeals SET status = 'submitted', draft_step = NULL, number = ?, year = ?,"
            " seq = ?, registered_at = ?, submitted_at = ?, due_date = ?, repeat_of = ?,"
            " updated_at = ? WHERE id = ? AND status = 'draft'",
            (number, year, seq, stamp, stamp, due_date.isoformat(), repeat_of, stamp, appeal_id),
        )

    async def resubmit(
        self, conn: Connection, appeal_id: int, *, now: datetime, due_date: date
    ) -> None:
        """A returned appeal, corrected: same number, the term starts again."""
        stamp = to_db(now)
        await conn.execute(
            "UPDATE appeals SET status = 'submitted', draft_step = NULL, submitted_at = ?,"
            " due_date = ?, updated_at = ? WHERE id = ? AND status = 'returned'",
            (stamp, due_date.isoformat(), stamp, appeal_id),
        )

    async def set_status(
        self,
        conn: Connection,
        appeal_id: int,
        status: str,
        *,
        actor: str,
        note: str | None,
        now: datetime,
    ) -> None:
        await conn.execute(
            "UPDATE appeals SET status = ?, updated_at = ? WHERE id = ?",
            (status, to_db(now), appeal_id),
        )
        await self.add_history(conn, appeal_id, status, actor=actor, note=note, now=now)

    async def add_history(
        self,
        conn: Connection,
        appeal_id: int,
        status: str,
        *,
        actor: str,
        note: str | None,
        now: datetime,
    ) -> None:
        await conn.execute(
            "INSERT INTO appeal_history (appeal_id, status, note, actor, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (appeal_id, status, note, actor, to_db(now)),
        )

    async def history(self, conn: Connection, appeal_id: int) -> list[HistoryEntry]:
        rows = await fetch_all(
            conn, "SELECT * FROM appeal_history WHERE appeal_id = ? ORDER BY id", (appeal_id,)
        )
        return [HistoryEntry(r["status"], r["note"], r["actor"], from_db(r["at"])) for r in rows]

    async def of_author(self, conn: Connection, user_id: int) -> list[Appeal]:
        """A citizen's own registered appeals, newest first (not those filed for others)."""
        rows = await fetch_all(
            conn,
            "SELECT * FROM appeals WHERE user_id = ? AND number IS NOT NULL"
            " AND assisted_by IS NULL ORDER BY registered_at DESC, id DESC",
            (user_id,),
        )
        return [_appeal(row) for row in rows]

    async def listing(
        self,
        conn: Connection,
        statuses: tuple[str, ...],
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Appeal]:
        """For staff: priority (Art. 20) first, then the nearest deadline; a page of them
        when `limit` is given."""
        marks = ", ".join("?" for _ in statuses)
        rows = await fetch_all(
            conn,
            f"SELECT * FROM appeals WHERE status IN ({marks})"
            f" ORDER BY {_LISTING_ORDER} LIMIT ? OFFSET ?",
            (*statuses, -1 if limit is None else limit, offset),
        )
        return [_appeal(row) for row in rows]

    async def count_listed(self, conn: Connection, statuses: tuple[str, ...]) -> int:
        marks = ", ".join("?" for _ in statuses)
        row = await fetch_one(
            conn, f"SELECT COUNT(*) FROM appeals WHERE status IN ({marks})", statuses
        )
        return int(row[0]) if row else 0

    async def due_by(
        self,
        conn: Connection,
        last_day: date,
        *,
        first_day: date | None = None,
        limit: int | None = None,
    ) -> list[Appeal]:
        """Open appeals whose answer is due on or before `last_day` (and on or after
        `first_day` when given; overdue ones included otherwise), nearest deadline first."""
        where, values = _due_filter(last_day, first_day)
        rows = await fetch_all(
            conn,
            f"SELECT * FROM appeals WHERE {where}"
            " ORDER BY due_date, priority IS NULL, registered_at, id LIMIT ?",
            (*values, -1 if limit is None else limit),
        )
        return [_appeal(row) for row in rows]

    async def count_due(
        self, conn: Connection, last_day: date, *, first_day: date | None = None
    ) -> int:
        where, values = _due_filter(last_day, first_day)
        row = await fetch_one(conn, f"SELECT COUNT(*) FROM appeals WHERE {where}", values)
        return int(row[0]) if row else 0

    async def submitted_before(
        self, conn: Connection, statuses: tuple[str, ...], before: datetime, *, limit: int
    ) -> list[Appeal]:
        """Appeals in `statuses` last (re)submitted before `before`, in the listing's order."""
        marks = ", ".join("?" for _ in statuses)
        rows = await fetch_all(
            conn,
            f"SELECT * FROM appeals WHERE status IN ({marks}) AND submitted_at < ?"
            f" ORDER BY {_LISTING_ORDER} LIMIT ?",
            (*statuses, to_db(before), limit),
        )
        return [_appeal(row) for row in rows]

    async def count_submitted_before(
        self, conn: Connection, statuses: tuple[str, ...], before: datetime
    ) -> int:
        marks = ", ".join("?" for _ in statuses)
        row = await fetch_one(
            conn,
            f"SELECT COUNT(*) FROM appeals WHERE status IN ({marks}) AND submitted_at < ?",
            (*statuses, to_db(before)),
        )
        return int(row[0]) if row else 0

    async def registered_between(
        self, conn: Connection, start: datetime, end: datetime
    ) -> list[Appeal]:
        """Registered in [start, end), in number order."""
        rows = await fetch_all(
            conn,
            "SELECT * FROM appeals WHERE number IS NOT NULL"
            " AND registered_at >= ? AND registered_at < ? ORDER BY year, seq",
            (to_db(start), to_db(end)),
        )
        return [_appeal(row) for row in rows]

    async def count(self, conn: Connection) -> int:
        """How many appeals are stored, drafts included."""
        row = await fetch_one(conn, "SELECT COUNT(*) FROM appeals")
        return int(row[0]) if row else 0

    # --- Privacy: what the person gets, what erasure and the retention term remove --------

    async def export(self, conn: Connection, user_id: int) -> list[dict[str, Any]]:
        """The person's own appeals (drafts too), each with its history."""
        rows = await fetch_all(
            conn,
            "SELECT * FROM appeals WHERE user_id = ? AND assisted_by IS NULL ORDER BY id",
            (user_id,),
        )
        appeals = [dict(row) for row in rows]
        for appeal in appeals:
            for key in ("attachments", "answer_files"):
                appeal[key] = json.loads(appeal[key])
            history = await fetch_all(
                conn,
                "SELECT status, note, actor, at FROM appeal_history WHERE appeal_id = ?"
                " ORDER BY id",
                (appeal["id"],),
            )
            appeal["history"] = [dict(row) for row in history]
        return appeals

    async def delete_drafts_of(self, conn: Connection, user_id: int) -> int:
        cur = await conn.execute(
            "DELETE FROM appeals WHERE user_id = ? AND status = 'draft' AND assisted_by IS NULL",
            (user_id,),
        )
        return cur.rowcount

    async def keep_lawful(self, conn: Connection, user_id: int) -> list[Appeal]:
        """The person asked to be forgotten: their submitted appeals keep what the archive
        rules require and lose the rest (phone, e-mail). `updated_at` stays as it was: the
        archive term runs from the end of the case, not from this request."""
        await conn.execute(
            "UPDATE appeals SET phone = NULL, email = NULL"
            " WHERE user_id = ? AND assisted_by IS NULL AND status != 'draft'",
            (user_id,),
        )
        rows = await fetch_all(
            conn,
            "SELECT * FROM appeals WHERE user_id = ? AND assisted_by IS NULL"
            " AND status != 'draft' AND erased_at IS NULL ORDER BY id",
            (user_id,),
        )
        return [_appeal(row) for row in rows]

    async def anonymise_before(
        self, conn: Connection, before: datetime, now: datetime, *, limit: int
    ) -> int:
        """Appeals last changed before `before` keep their number, dates, status, topic and
        outcome (the counts) and lose everything about the person."""
        rows = await fetch_all(
            conn,
            "SELECT id FROM appeals WHERE status != 'draft' AND erased_at IS NULL"
            " AND updated_at < ? ORDER BY id LIMIT ?",
            (to_db(before), limit),
        )
        ids = [(row[0],) for row in rows]
        await conn.executemany(
            "UPDATE appeals SET surname = NULL, given_name = NULL, patronymic = NULL,"
            " address = NULL, phone = NULL, email = NULL, body = NULL, attachments = '[]',"
            " answer = NULL, answer_files = '[]', erased_at = ? WHERE id = ?",
            [(to_db(now), appeal_id) for (appeal_id,) in ids],
        )
        await conn.executemany("UPDATE appeal_history SET note = NULL WHERE appeal_id = ?", ids)
        return len(ids)


_LISTING_ORDER = "priority IS NULL, due_date, registered_at, id"


def _due_filter(last_day: date, first_day: date | None) -> tuple[str, tuple[str, ...]]:
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    where = f"status IN ({marks}) AND due_date <= ?"
    values: tuple[str, ...] = (*OPEN_STATUSES, last_day.isoformat())
    if first_day is not None:
        where += " AND due_date >= ?"
        values += (first_day.isoformat(),)
    return where, values


def _to_db_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return attachments_to_db(value)
    return value


def _stamp(text: str | None) -> datetime | None:
    return from_db(text) if text else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _appeal(row: Row) -> Appeal:
    return Appeal(
        id=row["id"],
        user_id=row["user_id"],
        status=row["status"],
        draft_step=row["draft_step"],
        number=row["number"],
        consent_at=from_db(row["consent_at"]),
        assisted_by=row["assisted_by"],
        surname=row["surname"],
        given_name=row["given_name"],
        patronymic=row["patronymic"],
        address=row["address"],
        phone=row["phone"],
        email=row["email"],
        topic=row["topic"],
        body=row["body"],
        attachments=attachments_from_db(row["attachments"]),
        confidential=bool(row["confidential"]),
        priority=row["priority"],
        repeat_of=row["repeat_of"],
        short_term=bool(row["short_term"]),
        registered_at=_stamp(row["registered_at"]),
        submitted_at=_stamp(row["submitted_at"]),
        due_date=_day(row["due_date"]),
        council_number=row["council_number"],
        council_date=_day(row["council_date"]),
        forwarded_to=row["forwarded_to"],
        outcome=row["outcome"],
        answer=row["answer"],
        answer_files=attachments_from_db(row["answer_files"]),
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        erased_at=_stamp(row["erased_at"]),
    )
