"""Courses and their sessions at library branches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from sqlite3 import Row

from storage._time import from_db, to_db
from storage.db import Connection, fetch_all, fetch_one

SEAT_HOLDING = ("booked", "offered")


@dataclass(frozen=True)
class Course:
    id: int
    code: str
    title: str
    description: str
    audience: str
    duration: str
    bring: str


@dataclass(frozen=True)
class Session:
    id: int
    course_id: int
    branch: str
    address: str
    starts_at: datetime
    minutes: int
    seats: int
    teacher: str
    status: str
    taken: int = 0  # seats held (booked or offered)
    waiting: int = 0

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def free(self) -> int:
        return max(0, self.seats - self.taken)


@dataclass(frozen=True)
class NewCourse:
    code: str
    title: str
    description: str
    audience: str
    duration: str
    bring: str


@dataclass(frozen=True)
class NewSession:
    branch: str
    address: str
    starts_at: datetime
    minutes: int
    seats: int
    teacher: str


_COUNTS = (
    "SELECT s.*,"
    " (SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id"
    "  AND b.status IN ('booked', 'offered')) AS taken,"
    " (SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id"
    "  AND b.status = 'waiting') AS waiting"
    " FROM course_sessions s"
)


class CoursesRepo:
    async def upsert_course(self, conn: Connection, course: NewCourse, now: datetime) -> int:
        """By its code: a new course, or the same one with its texts updated."""
        await conn.execute(
            "INSERT INTO courses (code, title, description, audience, duration, bring,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (code) DO UPDATE SET title = excluded.title,"
            " description = excluded.description, audience = excluded.audience,"
            " duration = excluded.duration, bring = excluded.bring",
            (
                course.code,
                course.title,
                course.description,
                course.audience,
                course.duration,
                course.bring,
                to_db(now),
            ),
        )
        row = await fetch_one(conn, "SELECT id FROM courses WHERE code = ?", (course.code,))
        assert row is not None
        return int(row["id"])

    async def upsert_session(
        self, conn: Connection, course_id: int, session: NewSession, now: datetime
    ) -> int:
        """One course, branch and start is one session: importing a file again updates it.

        Fewer seats than are already taken is refused by the database (sqlite3 raises)."""
        await conn.execute(
            "INSERT INTO course_sessions (course_id, branch, address, starts_at, minutes, seats,"
            " teacher, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (course_id, branch, starts_at) DO UPDATE SET"
            " address = excluded.address, minutes = excluded.minutes, seats = excluded.seats,"
            " teacher = excluded.teacher",
            (
                course_id,
                session.branch,
                session.address,
                to_db(session.starts_at),
                session.minutes,
                session.seats,
                session.teacher,
                to_db(now),
            ),
        )
        row = await fetch_one(
            conn,
            "SELECT id FROM course_sessions WHERE course_id = ? AND branch = ? AND starts_at = ?",
            (course_id, session.branch, to_db(session.starts_at)),
        )
        assert row is not None
        return int(row["id"])

    async def courses(self, conn: Connection) -> list[Course]:
        rows = await fetch_all(conn, "SELECT * FROM courses ORDER BY id")
        return [_course(row) for row in rows]

    async def course(self, conn: Connection, course_id: int) -> Course | None:
        row = await fetch_one(conn, "SELECT * FROM courses WHERE id = ?", (course_id,))
        return _course(row) if row else None

    async def session(self, conn: Connection, session_id: int) -> Session | None:
        row = await fetch_one(conn, _COUNTS + " WHERE s.id = ?", (session_id,))
        return _session(row) if row else None

    async def upcoming(
        self, conn: Connection, now: datetime, course_id: int | None = None
    ) -> list[Session]:
        """Open sessions not yet begun, soonest first."""
        sql = _COUNTS + " WHERE s.status = 'open' AND s.starts_at > ?"
        params: list[object] = [to_db(now)]
        if course_id is not None:
            sql += " AND s.course_id = ?"
            params.append(course_id)
        rows = await fetch_all(conn, sql + " ORDER BY s.starts_at, s.id", params)
        return [_session(row) for row in rows]

    async def cancel_session(self, conn: Connection, session_id: int) -> bool:
        cur = await conn.execute(
            "UPDATE course_sessions SET status = 'cancelled' WHERE id = ? AND status = 'open'",
            (session_id,),
        )
        return cur.rowcount > 0


def _course(row: Row) -> Course:
    return Course(
        id=row["id"],
        code=row["code"],
        title=row["title"],
        description=row["description"],
        audience=row["audience"],
        duration=row["duration"],
        bring=row["bring"],
    )


def _session(row: Row) -> Session:
    return Session(
        id=row["id"],
        course_id=row["course_id"],
        branch=row["branch"],
        address=row["address"],
        starts_at=from_db(row["starts_at"]),
        minutes=row["minutes"],
        seats=row["seats"],
        teacher=row["teacher"],
        status=row["status"],
        taken=row["taken"],
        waiting=row["waiting"],
    )
