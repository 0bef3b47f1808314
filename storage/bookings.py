"""Bookings of course sessions, the waitlist, reminders, attendance, and the people booking.

Capacity and "one place per person per session" are rules of the database itself
(migration 0007): `book` asks for a seat and takes the waitlist when the database refuses.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row
from typing import Any, Literal

from storage._time import from_db, to_db
from storage.db import Connection, fetch_all, fetch_one

ACTIVE = ("booked", "offered", "waiting")
ReminderKind = Literal["day", "soon"]


class AlreadyBooked(Exception):
    """The person already has a seat or a place in line for this session."""


@dataclass(frozen=True)
class Trainee:
    user_id: int
    name: str
    phone: str
    age_group: str | None


@dataclass(frozen=True)
class Booking:
    id: int
    session_id: int
    user_id: int
    name: str
    phone: str
    age_group: str | None
    status: str
    offer_until: datetime | None
    booked_at: datetime | None
    confirmed_at: datetime | None
    attended: bool
    created_at: datetime


@dataclass(frozen=True)
class Due:
    """A reminder to send now: which booking and session, which one, where the person is."""

    booking_id: int
    session_id: int
    kind: ReminderKind
    channel: str
    chat_id: str


class BookingsRepo:
    # --- The people -----------------------------------------------------------------------

    async def trainee(self, conn: Connection, user_id: int) -> Trainee | None:
        row = await fetch_one(conn, "SELECT * FROM trainees WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Trainee(row["user_id"], row["name"], row["phone"], row["age_group"])

    async def save_trainee(
        self,
        conn: Connection,
        user_id: int,
        *,
        name: str,
        phone: str,
        age_group: str | None,
        now: datetime,
    ) -> None:
        """Name and phone as last given (consent was asked before the first); reachable."""
        await conn.execute(
            "INSERT INTO trainees (user_id, name, phone, age_group, consent_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
            " phone = excluded.phone, age_group = excluded.age_group, unreachable_at = NULL",
            (user_id, name, phone, age_group, to_db(now)),
        )

    async def appeal_contact(self, conn: Connection, user_id: int) -> tuple[str, str] | None:
        """Name and phone from the person's latest appeal that has them, if any."""
        row = await fetch_one(
            conn,
            "SELECT given_name, surname, phone FROM appeals WHERE user_id = ?"
            " AND assisted_by IS NULL AND phone IS NOT NULL AND given_name IS NOT NULL"
            " AND surname IS NOT NULL ORDER BY updated_at DESC LIMIT 1",
            (user_id,),
        )
        if row is None:
            return None
        return f"{row['given_name']} {row['surname']}", row["phone"]

    async def mark_unreachable(self, conn: Connection, user_id: int, now: datetime) -> None:
        await conn.execute(
            "UPDATE trainees SET unreachable_at = ? WHERE user_id = ?", (to_db(now), user_id)
        )

    async def is_unreachable(self, conn: Connection, user_id: int) -> bool:
        row = await fetch_one(
            conn,
            "SELECT 1 FROM trainees t JOIN users u ON u.id = t.user_id WHERE t.user_id = ?"
            " AND t.unreachable_at IS NOT NULL AND t.unreachable_at >= u.last_seen",
            (user_id,),
        )
        return row is not None

    # --- Booking ---------------------------------------------------------------------------

    async def book(
        self,
        conn: Connection,
        session_id: int,
        user_id: int,
        *,
        name: str,
        phone: str,
        age_group: str | None,
        now: datetime,
        skip_day: bool = False,
        skip_soon: bool = False,
    ) -> Booking:
        """A seat if the database gives one, otherwise a place at the end of the waitlist.

        `skip_*`: that reminder's moment has passed already (booked late): none is due."""
        stamp = to_db(now)
        columns = (
            "INSERT INTO bookings (session_id, user_id, name, phone, age_group, status,"
            " booked_at, reminded_day, reminded_soon, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        day = stamp if skip_day else None
        soon = stamp if skip_soon else None
        try:
            cur = await conn.execute(
                columns,
                (
                    session_id,
                    user_id,
                    name,
                    phone,
                    age_group,
                    "booked",
                    stamp,
                    day,
                    soon,
                    stamp,
                    stamp,
                ),
            )
        except sqlite3.IntegrityError as error:
            if "session full" not in str(error):
                raise AlreadyBooked from error
            try:
                cur = await conn.execute(
                    columns,
                    (
                        session_id,
                        user_id,
                        name,
                        phone,
                        age_group,
                        "waiting",
                        None,
                        None,
                        None,
                        stamp,
                        stamp,
                    ),
                )
            except sqlite3.IntegrityError as again:
                raise AlreadyBooked from again
        assert cur.lastrowid is not None
        booking = await self.get(conn, cur.lastrowid)
        assert booking is not None
        return booking

    async def get(self, conn: Connection, booking_id: int) -> Booking | None:
        row = await fetch_one(conn, "SELECT * FROM bookings WHERE id = ?", (booking_id,))
        return _booking(row) if row else None

    async def active_for(self, conn: Connection, session_id: int, user_id: int) -> Booking | None:
        row = await fetch_one(
            conn,
            "SELECT * FROM bookings WHERE session_id = ? AND user_id = ?"
            " AND status IN ('booked', 'offered', 'waiting')",
            (session_id, user_id),
        )
        return _booking(row) if row else None

    async def upcoming_of(self, conn: Connection, user_id: int, now: datetime) -> list[Booking]:
        """The person's seats, offers and places in line for sessions not yet begun."""
        rows = await fetch_all(
            conn,
            "SELECT b.* FROM bookings b JOIN course_sessions s ON s.id = b.session_id"
            " WHERE b.user_id = ? AND b.status IN ('booked', 'offered', 'waiting')"
            " AND s.status = 'open' AND s.starts_at > ? ORDER BY s.starts_at, b.id",
            (user_id, to_db(now)),
        )
        return [_booking(row) for row in rows]

    async def set_status(
        self, conn: Connection, booking_id: int, status: str, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE bookings SET status = ?, offer_until = NULL, updated_at = ? WHERE id = ?",
            (status, to_db(now), booking_id),
        )

    async def take_offer(
        self, conn: Connection, booking_id: int, now: datetime, *, skip_day: bool, skip_soon: bool
    ) -> None:
        """An offered seat confirmed: booked from now, its reminders as for a new booking."""
        stamp = to_db(now)
        await conn.execute(
            "UPDATE bookings SET status = 'booked', offer_until = NULL, booked_at = ?,"
            " reminded_day = ?, reminded_soon = ?, updated_at = ? WHERE id = ?",
            (stamp, stamp if skip_day else None, stamp if skip_soon else None, stamp, booking_id),
        )

    async def confirm(self, conn: Connection, booking_id: int, now: datetime) -> None:
        await conn.execute(
            "UPDATE bookings SET confirmed_at = ?, updated_at = ? WHERE id = ?",
            (to_db(now), to_db(now), booking_id),
        )

    async def position(self, conn: Connection, booking: Booking) -> int:
        """1 for the first in line."""
        row = await fetch_one(
            conn,
            "SELECT COUNT(*) FROM bookings WHERE session_id = ? AND status = 'waiting' AND id <= ?",
            (booking.session_id, booking.id),
        )
        return int(row[0]) if row else 0

    async def first_waiting(self, conn: Connection, session_id: int) -> Booking | None:
        row = await fetch_one(
            conn,
            "SELECT * FROM bookings WHERE session_id = ? AND status = 'waiting'"
            " ORDER BY id LIMIT 1",
            (session_id,),
        )
        return _booking(row) if row else None

    async def offer(
        self, conn: Connection, booking_id: int, until: datetime, now: datetime
    ) -> None:
        """The first in line gets the freed seat to confirm (the database checks the seat)."""
        await conn.execute(
            "UPDATE bookings SET status = 'offered', offer_until = ?, updated_at = ? WHERE id = ?",
            (to_db(until), to_db(now), booking_id),
        )

    async def expired_offers(self, conn: Connection, now: datetime, limit: int) -> list[Booking]:
        rows = await fetch_all(
            conn,
            "SELECT * FROM bookings WHERE status = 'offered' AND offer_until <= ?"
            " ORDER BY offer_until, id LIMIT ?",
            (to_db(now), limit),
        )
        return [_booking(row) for row in rows]

    async def of_session(self, conn: Connection, session_id: int) -> list[Booking]:
        """Everyone holding a seat or waiting, seats first, each in the order they came."""
        rows = await fetch_all(
            conn,
            "SELECT * FROM bookings WHERE session_id = ?"
            " AND status IN ('booked', 'offered', 'waiting')"
            " ORDER BY status = 'waiting', id",
            (session_id,),
        )
        return [_booking(row) for row in rows]

    async def set_attended(
        self, conn: Connection, booking_id: int, attended: bool, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE bookings SET attended = ?, updated_at = ? WHERE id = ?",
            (1 if attended else None, to_db(now), booking_id),
        )

    async def trained(self, conn: Connection) -> list[tuple[str, str | None, int]]:
        """People who came, by course title and age group: what the library reports."""
        rows = await fetch_all(
            conn,
            "SELECT c.title, b.age_group, COUNT(*) FROM bookings b"
            " JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id"
            " WHERE b.attended = 1 GROUP BY c.id, b.age_group ORDER BY c.id, b.age_group",
        )
        return [(row[0], row[1], int(row[2])) for row in rows]

    # --- Reminders -------------------------------------------------------------------------

    async def due_reminders(
        self,
        conn: Connection,
        now: datetime,
        *,
        day_before: datetime,
        soon_before: datetime,
        limit: int,
    ) -> list[Due]:
        """Reminders to send now, derived from the bookings: a booked seat of an open session
        not begun yet, for a person who can be reached, whose reminder has not gone.

        The hours-before one is due for sessions starting up to `soon_before`; the day-before
        one for sessions starting before `day_before` (the end of tomorrow, local time, once
        the reminder hour has come) but later than `soon_before` — nearer than that, the
        hours-before reminder says it all."""
        n, soon, day = to_db(now), to_db(soon_before), to_db(day_before)
        rows = await fetch_all(
            conn,
            "SELECT b.id, b.session_id, u.channel, u.chat_id,"
            " CASE WHEN s.starts_at <= ? THEN 'soon' ELSE 'day' END AS kind"
            " FROM bookings b JOIN course_sessions s ON s.id = b.session_id"
            " JOIN users u ON u.id = b.user_id"
            " LEFT JOIN trainees t ON t.user_id = b.user_id"
            " WHERE b.status = 'booked' AND s.status = 'open' AND s.starts_at > ?"
            " AND ((s.starts_at <= ? AND b.reminded_soon IS NULL)"
            "  OR (s.starts_at > ? AND s.starts_at < ? AND b.reminded_day IS NULL))"
            " AND (t.unreachable_at IS NULL OR t.unreachable_at < u.last_seen)"
            " ORDER BY s.starts_at, b.id LIMIT ?",
            (soon, n, soon, soon, day, limit),
        )
        return [Due(r[0], r[1], r["kind"], r["channel"], r["chat_id"]) for r in rows]

    async def mark_reminded(
        self, conn: Connection, booking_ids: list[int], kind: ReminderKind, now: datetime
    ) -> None:
        """Queued in the same transaction as the reminders: after a restart none is sent
        again. The hours-before one makes a day-before one not yet sent unneeded."""
        stamp = to_db(now)
        for start in range(0, len(booking_ids), 500):  # SQLite's bound on parameters
            chunk = booking_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            if kind == "soon":
                sql = (
                    "UPDATE bookings SET reminded_soon = ?,"
                    f" reminded_day = COALESCE(reminded_day, ?) WHERE id IN ({marks})"
                )
                await conn.execute(sql, (stamp, stamp, *chunk))
            else:
                sql = f"UPDATE bookings SET reminded_day = ? WHERE id IN ({marks})"
                await conn.execute(sql, (stamp, *chunk))

    # --- Privacy ------------------------------------------------------------------------

    async def export(self, conn: Connection, user_id: int) -> dict[str, Any]:
        """What is kept about the person for training: their details and every booking."""
        trainee = await self.trainee(conn, user_id)
        rows = await fetch_all(
            conn,
            "SELECT b.id, b.status, b.name, b.phone, b.age_group, b.attended, b.created_at,"
            " s.starts_at, s.branch, c.title FROM bookings b"
            " JOIN course_sessions s ON s.id = b.session_id"
            " JOIN courses c ON c.id = s.course_id WHERE b.user_id = ? ORDER BY b.id",
            (user_id,),
        )
        return {
            "trainee": None
            if trainee is None
            else {"name": trainee.name, "phone": trainee.phone, "age_group": trainee.age_group},
            "bookings": [dict(row) for row in rows],
        }

    async def erase_of_user(self, conn: Connection, user_id: int) -> None:
        """Name and phone go from the person's details and bookings; what the library
        reports (who came, by course and age group) stays, unnamed."""
        await conn.execute("DELETE FROM trainees WHERE user_id = ?", (user_id,))
        await conn.execute(
            "UPDATE bookings SET name = '', phone = '' WHERE user_id = ?", (user_id,)
        )


def _booking(row: Row) -> Booking:
    def moment(key: str) -> datetime | None:
        value = row[key]
        return from_db(value) if value else None

    return Booking(
        id=row["id"],
        session_id=row["session_id"],
        user_id=row["user_id"],
        name=row["name"],
        phone=row["phone"],
        age_group=row["age_group"],
        status=row["status"],
        offer_until=moment("offer_until"),
        booked_at=moment("booked_at"),
        confirmed_at=moment("confirmed_at"),
        attended=bool(row["attended"]),
        created_at=from_db(row["created_at"]),
    )
