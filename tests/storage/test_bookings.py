"""The database's own rules for bookings: seats and one place per person, whatever the code
above asks for."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from storage.bookings import AlreadyBooked, BookingsRepo
from storage.db import Database
from tests.helpers.storage import NewUser
from tests.helpers.training import add_session

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


async def _insert(db: Database, session_id: int, user_id: int, status: str) -> None:
    """A raw insert, past every check in Python."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO bookings (session_id, user_id, name, phone, status, created_at,"
            " updated_at) VALUES (?, ?, 'Х', '+380671234567', ?, 'x', 'x')",
            (session_id, user_id, status),
        )


async def test_a_seat_over_capacity_is_refused_by_the_database(
    db: Database, new_user: NewUser
) -> None:
    session_id = await add_session(db, seats=1)
    await _insert(db, session_id, await new_user("1"), "booked")
    with pytest.raises(sqlite3.IntegrityError, match="session full"):
        await _insert(db, session_id, await new_user("2"), "booked")
    with pytest.raises(sqlite3.IntegrityError, match="session full"):
        await _insert(db, session_id, await new_user("3"), "offered")
    await _insert(db, session_id, await new_user("4"), "waiting")
    async with db.transaction() as conn:
        with pytest.raises(sqlite3.IntegrityError, match="session full"):
            await conn.execute("UPDATE bookings SET status = 'booked' WHERE status = 'waiting'")


async def test_seats_cannot_drop_below_the_people_holding_them(
    db: Database, new_user: NewUser
) -> None:
    session_id = await add_session(db, seats=2)
    for person in ("1", "2"):
        await _insert(db, session_id, await new_user(person), "booked")
    async with db.transaction() as conn:
        with pytest.raises(sqlite3.IntegrityError, match="fewer seats"):
            await conn.execute("UPDATE course_sessions SET seats = 1 WHERE id = ?", (session_id,))


async def test_one_place_per_person_per_session(db: Database, new_user: NewUser) -> None:
    session_id = await add_session(db, seats=5)
    user = await new_user("1")
    await _insert(db, session_id, user, "booked")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        await _insert(db, session_id, user, "waiting")
    repo = BookingsRepo()
    async with db.transaction() as conn:
        with pytest.raises(AlreadyBooked):
            await repo.book(conn, session_id, user, name="Х", phone="+1", age_group=None, now=NOW)
    # Cancelled, the person may book again.
    async with db.transaction() as conn:
        await conn.execute("UPDATE bookings SET status = 'cancelled'")
        again = await repo.book(
            conn, session_id, user, name="Х", phone="+1", age_group=None, now=NOW
        )
    assert again.status == "booked"


async def test_book_takes_the_waitlist_when_the_seats_are_gone(
    db: Database, new_user: NewUser
) -> None:
    session_id = await add_session(db, seats=1)
    repo = BookingsRepo()
    one, two = await new_user("1"), await new_user("2")
    async with db.transaction() as conn:
        first = await repo.book(
            conn, session_id, one, name="А", phone="+1", age_group=None, now=NOW
        )
        second = await repo.book(
            conn, session_id, two, name="Б", phone="+1", age_group=None, now=NOW
        )
        assert (first.status, second.status) == ("booked", "waiting")
        assert await repo.position(conn, second) == 1
