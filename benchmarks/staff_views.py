"""The librarians' views with 10,000 open questions and 10,000 appeals: time, messages, size.

Run by hand (`.venv/bin/python benchmarks/staff_views.py`); it prints figures and asserts
nothing. A fresh database in a temporary folder is filled through the repositories (the
questions from 10,000 residents, all waiting long enough to be overdue; the appeals
registered over the last 60 days, in every status, so that all three groups of the
morning list are long), then the real core handles:

- `/queue`, `/appeals`, and a ◀️ ▶️ press: the time to handle and commit the event, and
  what it queued — messages as Telegram would carry them (a text over 4,096 characters is
  several) and characters;
- the re-post job: its whole run, how many transactions it took and the longest one (the
  time it held the database), and what it queued;
- the morning deadlines list: the same;
- a resident's reply while the re-post job runs: residents write "/start" every 20 ms
  during the job; each one's wait is the time from writing until the reply is committed
  to the outbox (the delivery is not running, so only the database stands between);
- a resident's reply while the job's thousands of reminders go out: the outbox is
  delivered to a sender that takes 5 ms a message (a messenger over the network), and
  residents write meanwhile; each one's wait is until their reply is sent.

Working hours are 9:00–18:00 in Kyiv; the clock is Thursday 26.11.2026, 10:00 there.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from bot import render  # noqa: E402
from bot.app import utc_now  # noqa: E402
from bot.channels.base import Part  # noqa: E402
from bot.delivery import Delivery  # noqa: E402
from handlers.appeals.staff import DEADLINES_JOB  # noqa: E402
from handlers.context import Outgoing, Services  # noqa: E402
from handlers.core import Core  # noqa: E402
from handlers.features import build_routes  # noqa: E402
from handlers.hours import WorkingHours  # noqa: E402
from handlers.messages import Address, Event, Reply  # noqa: E402
from knowledge_base.holder import KnowledgeBaseHolder  # noqa: E402
from storage.appeals import AppealsRepo  # noqa: E402
from storage.db import Connection, Database  # noqa: E402
from storage.outbox import OutboxRepo  # noqa: E402
from storage.tickets import TicketsRepo  # noqa: E402
from storage.users import UsersRepo  # noqa: E402

KYIV = ZoneInfo("Europe/Kyiv")
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # 10:00 in Kyiv, a Thursday
CHANNEL = "bench"
STAFF_CHAT = "-100500"
TICKETS = 10_000
APPEALS = 10_000
FILL_BATCH = 500
RESIDENT_EVERY = 0.02  # seconds between residents' messages while the job runs

QUESTION = (
    "Добрий день! Підкажіть, будь ласка, як передати показники лічильника води, якщо я "
    "зараз у лікарні, а онука не знає пароля від особистого кабінету? Запитання №{n}."
)
BODY = (
    "Прошу відремонтувати тротуар біля будинку на вулиці Садовій: там глибокі ями, люди "
    "похилого віку падають, а взимку там ще й слизько. Звернення №{n}."
)
TOPICS = ("housing", "roads", "improvement", "social", "education", "health", "other")
STATUSES = ("submitted", "checking", "transferred", "extended", "answered", "closed")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Held:
    """How long each transaction held the database, by the task that ran it."""

    spans: list[tuple[str, float]] = field(default_factory=list)

    def of(self, task: str) -> list[float]:
        return [seconds for name, seconds in self.spans if name == task]


def time_transactions(db: Database, held: Held) -> None:
    """Wrap `db.transaction` (an event's) and `db.in_thread` (a job's) to record, per
    transaction, the time from BEGIN done to COMMIT done: the time the database was held
    (waiting for the lock is not counted)."""
    for name in ("transaction", "in_thread"):
        setattr(db, name, _timed(getattr(db, name), held))


def _timed(
    original: Callable[[], AbstractAsyncContextManager[Connection]], held: Held
) -> Callable[[], AbstractAsyncContextManager[Connection]]:
    @asynccontextmanager
    async def timed() -> AsyncIterator[Connection]:
        context = original()
        conn = await context.__aenter__()
        start = time.perf_counter()
        try:
            yield conn
        except BaseException as exc:
            await context.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        else:
            await context.__aexit__(None, None, None)
        finally:
            task = asyncio.current_task()
            held.spans.append((task.get_name() if task else "?", time.perf_counter() - start))

    return timed


async def fill(db: Database) -> None:
    rnd = random.Random(20261126)
    users, tickets, appeals = UsersRepo(), TicketsRepo(), AppealsRepo()
    for start in range(0, TICKETS, FILL_BATCH):
        async with db.transaction() as conn:
            for n in range(start, start + FILL_BATCH):
                # A day and more before: every one has waited over 2 working hours.
                asked = NOW - timedelta(days=1, minutes=TICKETS - n)
                user = await users.touch(
                    conn,
                    channel=CHANNEL,
                    external_id=f"r{n}",
                    chat_id=f"r{n}",
                    display_name=f"Мешканка {n}",
                    now=asked,
                )
                await tickets.open(
                    conn,
                    user_id=user.id,
                    question=QUESTION.format(n=n),
                    source="menu",
                    candidates=[],
                    query_id=None,
                    now=asked,
                )
    for start in range(0, APPEALS, FILL_BATCH):
        async with db.transaction() as conn:
            author = await users.touch(
                conn,
                channel=CHANNEL,
                external_id=f"a{start}",
                chat_id=f"a{start}",
                display_name=None,
                now=NOW,
            )
            for n in range(start, start + FILL_BATCH):
                submitted = NOW - timedelta(minutes=rnd.randrange(60 * 24 * 60))
                draft = await appeals.create_draft(conn, author.id, submitted)
                await appeals.update(
                    conn,
                    draft.id,
                    submitted,
                    surname="Шевченко",
                    given_name="Олена",
                    patronymic="Петрівна",
                    topic=rnd.choice(TOPICS),
                    body=BODY.format(n=n),
                    priority="veteran" if rnd.random() < 0.05 else None,
                )
                seq, number = await appeals.allocate_number(conn, 2026)
                due = submitted.astimezone(KYIV).date() + timedelta(days=30)
                await appeals.register(
                    conn,
                    draft.id,
                    number=number,
                    year=2026,
                    seq=seq,
                    now=submitted,
                    due_date=due,
                    repeat_of=None,
                )
                status = rnd.choice(STATUSES)
                if status != "submitted":
                    await appeals.set_status(
                        conn, draft.id, status, actor="Ірина", note=None, now=submitted
                    )


def size(queued: list[Outgoing]) -> tuple[int, int]:
    """(messages as Telegram carries them, characters) of what was queued."""
    messages = sum(len(render.split(o.reply.text, render.to_html)) for o in queued)
    return messages, sum(len(o.reply.text) for o in queued)


def staff_event(text: str | None = None, payload: str | None = None) -> Event:
    return Event(
        CHANNEL,
        "9001",
        STAFF_CHAT,
        display_name="Бібліотекарка Ірина",
        text=text,
        payload=payload,
        message_id="777" if payload else None,
        from_staff_chat=True,
        is_staff=True,
    )


def line(what: str, seconds: float, queued: list[Outgoing], extra: str = "") -> None:
    messages, characters = size(queued)
    print(
        f"{what:<34} {seconds * 1000:>9.1f} ms  {messages:>6} messages  "
        f"{characters:>10,} characters{extra}"
    )


async def view(core: Core, what: str, event: Event) -> None:
    start = time.perf_counter()
    queued = await core.handle(event)
    line(what, time.perf_counter() - start, queued)


async def resident_says(core: Core, n: int) -> float:
    start = time.perf_counter()
    await core.handle(Event(CHANNEL, f"w{n}", f"w{n}", display_name="Мешканець", text="/start"))
    return time.perf_counter() - start


async def job_with_residents(core: Core, held: Held, name: str) -> int:
    """Run the job while residents write; how many residents wrote."""
    [job] = [j for j in core.routes.features.jobs if j.name == name]
    held.spans.clear()
    runner = asyncio.create_task(core.run_job(job), name="job")
    start = time.perf_counter()
    waits: list[asyncio.Task[float]] = []
    while not runner.done():
        waits.append(asyncio.create_task(resident_says(core, len(waits))))
        await asyncio.sleep(RESIDENT_EVERY)
    queued = await runner
    took = time.perf_counter() - start
    done = [await w for w in waits]
    spans = held.of("job")
    line(
        f"job {name}",
        took,
        queued,
        f"  {len(spans)} transactions: p50 {statistics.median(spans) * 1000:.1f} ms,"
        f" longest {max(spans) * 1000:.1f} ms",
    )
    if done:
        print(
            f"{'  residents writing meanwhile':<34} {len(done):>6} replies: "
            f"p50 {statistics.median(done) * 1000:.1f} ms, max {max(done) * 1000:.1f} ms"
        )
    return len(done)


class SlowSender:
    """A messenger that takes `seconds` to accept each message; records when each chat's
    message went out."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.sent_at: dict[str, float] = {}
        self.count = 0
        self.changed = asyncio.Event()

    def parts(self, chat_id: str, reply: Reply) -> list[Part]:
        return [lambda first: self.send(chat_id)]

    async def send(self, chat_id: str) -> str:
        await asyncio.sleep(self.seconds)
        self.count += 1
        self.sent_at.setdefault(chat_id, time.perf_counter())
        self.changed.set()
        return str(self.count)


async def delivery_with_residents(core: Core, db: Database, earlier: int) -> None:
    """Residents write while the outbox holds the re-post job's reminders. The `earlier`
    residents' replies (written while the jobs ran, the delivery stopped) go first: they
    are replies too; the measurement starts once they are out."""
    sender = SlowSender(0.005)
    delivery = Delivery(db, {CHANNEL: sender}, utc_now)
    core.on_queued = delivery.wake
    async with db.transaction() as conn:
        backlog = len(await OutboxRepo().pending(conn, utc_now(), limit=100_000)) - earlier
    running = asyncio.create_task(delivery.run())
    while sender.count < earlier:
        sender.changed.clear()
        await sender.changed.wait()
    written: dict[str, float] = {}
    for n in range(40):
        await asyncio.sleep(0.05)
        chat = f"d{n}"
        written[chat] = time.perf_counter()
        await core.handle(Event(CHANNEL, chat, chat, display_name="Мешканець", text="/start"))
    while not all(chat in sender.sent_at for chat in written):
        sender.changed.clear()
        await sender.changed.wait()
    running.cancel()
    waits = [sender.sent_at[chat] - at for chat, at in written.items()]
    print(
        f"{'replies while reminders go out':<34} {len(waits):>6} replies: "
        f"p50 {statistics.median(waits) * 1000:.1f} ms, max {max(waits) * 1000:.1f} ms"
        f" (backlog {backlog:,} messages, 5 ms each; {sender.count:,} sent meanwhile)"
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        try:
            await measure(db, Path(folder))
        finally:
            await db.close()


async def measure(db: Database, folder: Path) -> None:
    clock = Clock(NOW)
    empty = folder / "kb"
    empty.mkdir()
    services = Services(
        clock=clock,
        timezone=KYIV,
        kb=KnowledgeBaseHolder.load(empty),
        hours=WorkingHours.parse("mon-sat 09:00-18:00", KYIV),
        drafts_dir=folder / "_drafts",
        staff=Address(CHANNEL, STAFF_CHAT),
    )
    core = Core(db, services, build_routes())
    held = Held()
    start = time.perf_counter()
    await fill(db)
    print(
        f"filled: {TICKETS:,} open questions, {APPEALS:,} appeals "
        f"in {time.perf_counter() - start:.1f} s"
    )
    time_transactions(db, held)

    baseline = [await resident_says(core, 100_000 + n) for n in range(50)]
    print(
        f"{'a resident alone (/start)':<34} {statistics.median(baseline) * 1000:>9.1f} ms"
        " (p50 of 50)"
    )
    await view(core, "/queue", staff_event("/queue"))
    await view(core, "/queue page 500 (▶️ press)", staff_event(payload="tk:page:500"))
    await view(core, "/appeals", staff_event("/appeals"))
    await view(core, "/appeals page 300 (▶️ press)", staff_event(payload="aps:page:300"))
    await view(core, "/appeals закрито", staff_event("/appeals закрито"))
    earlier = len(baseline)
    earlier += await job_with_residents(core, held, "repost-overdue-tickets")
    clock.now = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)  # 9:00 in Kyiv
    earlier += await job_with_residents(core, held, DEADLINES_JOB.name)
    await delivery_with_residents(core, db, earlier)


if __name__ == "__main__":
    asyncio.run(main())
