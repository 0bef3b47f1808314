"""Course booking under load: the last seats under a rush, and reminders after a restart.

Run by hand (`.venv/bin/python benchmarks/booking.py`); it prints figures and asserts only
what the issue requires of the outcome (exactly 20 booked). A fresh database in a temporary
folder; the real core, with the clock on Thursday 26.11.2026, 12:00 in Kyiv.

1. 1,000 residents (each has booked before, so «Записатися» leads straight to the review)
   press «✅ Записатися» for one session of 20 seats at the same moment: all 1,000 events go
   to the core at once. Printed: how long until every one is committed, how many got a
   seat, and whether the waitlist is in the order the presses arrived.
2. 10,000 booked seats on 50 sessions tomorrow, none reminded yet; the bot "restarts": the
   database is opened again, a new core built, and the reminder job runs once, as the
   scheduler does on its first minute. Printed: the time to open, the time until all
   10,000 reminders are queued (in rounds of a few hundred, each its own transaction),
   and the longest round.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from handlers.context import Job, Services  # noqa: E402
from handlers.core import Core  # noqa: E402
from handlers.features import build_routes  # noqa: E402
from handlers.hours import WorkingHours  # noqa: E402
from handlers.messages import Event  # noqa: E402
from handlers.training.payloads import BookPress, TrainingPress  # noqa: E402
from knowledge_base.holder import KnowledgeBaseHolder  # noqa: E402
from storage.bookings import BookingsRepo  # noqa: E402
from storage.courses import CoursesRepo, NewCourse, NewSession  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.users import UsersRepo  # noqa: E402

KYIV = ZoneInfo("Europe/Kyiv")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
COURSE = NewCourse("e-services", "Державні послуги онлайн", "Дія.", "Усі", "2 години", "Смартфон")
RESIDENTS = 1000
SEATS = 20
REMINDERS = 10_000


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def core_for(db: Database, clock: Clock, kb: KnowledgeBaseHolder) -> Core:
    services = Services(
        clock=clock,
        timezone=KYIV,
        kb=kb,
        hours=WorkingHours.parse("mon-sat 09:00-18:00", KYIV),
        drafts_dir=db.path.parent / "_drafts",
        rate_limit_per_minute=0,
    )
    return Core(db, services, build_routes())


async def add_session(db: Database, starts: datetime, seats: int, branch: str) -> int:
    repo = CoursesRepo()
    async with db.transaction() as conn:
        course_id = await repo.upsert_course(conn, COURSE, NOW)
        session = NewSession(branch, "вул. Потьомкінська, 143а", starts, 120, seats, "Ірина")
        return await repo.upsert_session(conn, course_id, session, NOW)


async def add_people(db: Database, count: int, first: int) -> list[int]:
    users, bookings = UsersRepo(), BookingsRepo()
    ids = []
    async with db.transaction() as conn:
        for n in range(first, first + count):
            user = await users.touch(
                conn,
                channel="bench",
                external_id=str(n),
                chat_id=str(n),
                display_name=None,
                now=NOW,
            )
            await bookings.save_trainee(
                conn,
                user.id,
                name=f"Мешканка {n}",
                phone="+380671234567",
                age_group=None,
                now=NOW,
            )
            ids.append(user.id)
    return ids


def event(n: int, payload: str) -> Event:
    return Event("bench", str(n), str(n), payload=payload)


async def rush(folder: Path, kb: KnowledgeBaseHolder) -> None:
    db = await Database.open(folder / "rush.sqlite3")
    clock = Clock()
    core = core_for(db, clock, kb)
    session_id = await add_session(db, NOW + timedelta(days=3), SEATS, "Бібліотека-філія №5")
    await add_people(db, RESIDENTS, 1)
    for n in range(1, RESIDENTS + 1):  # each at the review, one press from booking
        await core.handle(event(n, BookPress(session_id).pack()))
    send = TrainingPress("send").pack()
    started = time.perf_counter()
    await asyncio.gather(*(core.handle(event(n, send)) for n in range(1, RESIDENTS + 1)))
    took = time.perf_counter() - started
    async with db.transaction() as conn:
        found = await BookingsRepo().of_session(conn, session_id)
    booked = [b for b in found if b.status == "booked"]
    waiting = [b.name for b in found if b.status == "waiting"]
    in_order = waiting == [f"Мешканка {n}" for n in range(SEATS + 1, RESIDENTS + 1)]
    print(f"{RESIDENTS} residents press «Записатися» at once for {SEATS} seats:")
    print(f"  all handled and committed in {took:.2f} s ({took / RESIDENTS * 1000:.1f} ms each)")
    print(f"  booked: {len(booked)}, waitlisted: {len(waiting)}, in the order pressed: {in_order}")
    assert len(booked) == SEATS
    await db.close()


async def restart(folder: Path, kb: KnowledgeBaseHolder) -> None:
    path = folder / "reminders.sqlite3"
    db = await Database.open(path)
    sessions = 50
    tomorrow = datetime(2026, 11, 27, 14, 0, tzinfo=KYIV)
    ids = [
        await add_session(db, tomorrow + timedelta(minutes=10 * i), 200, f"Філія №{i}")
        for i in range(sessions)
    ]
    people = await add_people(db, REMINDERS, 100_000)
    repo = BookingsRepo()
    async with db.transaction() as conn:
        for index, user_id in enumerate(people):
            await repo.book(
                conn,
                ids[index % sessions],
                user_id,
                name="М",
                phone="+380671234567",
                age_group=None,
                now=NOW,
            )
    await db.close()

    clock = Clock()
    clock.now = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)  # 10:30 the day before, in Kyiv
    started = time.perf_counter()
    db = await Database.open(path)
    core = core_for(db, clock, kb)
    opened = time.perf_counter() - started
    [job] = [j for j in core.routes.features.jobs if j.name == "training-reminders"]
    rounds: list[float] = []

    async def timed(scope):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        more = await job.run(scope)
        rounds.append(time.perf_counter() - began)
        return more

    queued = await core.run_job(Job(job.name, timed, job.cron))
    took = time.perf_counter() - started
    again = await core.run_job(job)
    print(f"{REMINDERS} pending reminders restored after a restart:")
    print(f"  database opened and core built in {opened * 1000:.0f} ms")
    print(
        f"  {len(queued)} reminders queued in {took:.2f} s from the start, in {len(rounds)}"
        f" rounds (longest {max(rounds) * 1000:.0f} ms of work in one transaction)"
    )
    print(f"  a second run queues {len(again)} (none twice)")
    await db.close()


async def main() -> None:
    kb = KnowledgeBaseHolder.load(ROOT / "tests" / "handlers" / "kb")
    with tempfile.TemporaryDirectory() as folder:
        await rush(Path(folder), kb)
        await restart(Path(folder), kb)


if __name__ == "__main__":
    asyncio.run(main())
