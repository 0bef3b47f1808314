"""Delivers the outbox: every queued reply reaches its chat once, in order, or is marked failed.

Rows are written by the core in the same transaction as the state that caused them, so a
crash before delivery only delays a message. A reply may take several messages (its
sender's `parts`); each is recorded as soon as the messenger confirms it — appended to the
sent journal, then marked in the outbox with one statement — and a retry, or a restart,
resumes at the first unrecorded one. So the only message that can go out twice is one the
messenger took but whose record was not written: the bot stopped between the two, or the
messenger's answer was lost on the way (a timeout after it had taken the message). That
is at most one message per such event and chat being served at that moment.

Rules about whether a message may go out at all on a channel (Viber's billed messages) are
delivery policies, consulted before each send: channels only render and send.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from bot.channels.base import OutputChannel, RetryLater, Undeliverable, backoff
from bot.sent_journal import Mark, SentJournal
from handlers.messages import Reply
from storage.db import Connection, Database
from storage.outbox import OutboxItem, OutboxRepo
from storage.users import UsersRepo

__all__ = [
    "Delivery",
    "FreeWindow",
    "Policy",
    "RetryLater",
    "Sender",
    "Undeliverable",
    "backoff",
    "viber_free_window",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8

Outcome = Literal["sent", "later", "failed"]
Sender = OutputChannel


class Policy(Protocol):
    async def refuse(self, conn: Connection, item: OutboxItem, now: datetime) -> str | None:
        """Why `item` must not be sent (it is failed for good with that reason), or None."""


@dataclass(frozen=True)
class FreeWindow:
    """Only to people who wrote within `window`, for a channel that bills later messages and
    whose chat is the person (Viber: the chat id is the user's id)."""

    window: timedelta
    reason: str
    users: UsersRepo = field(default_factory=UsersRepo)

    async def refuse(self, conn: Connection, item: OutboxItem, now: datetime) -> str | None:
        user = await self.users.find(conn, item.channel, item.chat_id)
        if user is None or now - user.last_seen > self.window:
            return self.reason
        return None


def viber_free_window() -> FreeWindow:
    """VIBER_PROACTIVE_MESSAGES=false: Viber bills what a bot starts 24 h after the person's
    last message (bots created since February 2024), so such messages are not sent."""
    return FreeWindow(
        timedelta(hours=24),
        "not sent: VIBER_PROACTIVE_MESSAGES=false and the person has not written "
        "for over 24 hours (Viber bills such messages)",
    )


# The same screens (the menu, a topic list, an article) go out over and over: the last
# replies read from their rows are kept (a Reply is immutable). A long row (a generated
# file travels inside its row) is read each time rather than kept.
READ_KEPT = 512
KEPT_UP_TO = 16 * 1024  # characters of a row


@functools.lru_cache(maxsize=READ_KEPT)
def _kept_reply(raw: str) -> Reply:
    return Reply.from_json(json.loads(raw))


def _reply(raw: str) -> Reply:
    if len(raw) > KEPT_UP_TO:
        return Reply.from_json(json.loads(raw))
    return _kept_reply(raw)


class Delivery:
    def __init__(
        self,
        db: Database,
        senders: dict[str, Sender],
        clock: Callable[[], datetime],
        outbox: OutboxRepo | None = None,
        on_failed: Callable[[OutboxItem, str], Awaitable[None]] | None = None,
        policies: dict[str, Policy] | None = None,
        parallel: int = 8,
        journal: SentJournal | None = None,
    ) -> None:
        self.db = db
        self.senders = senders
        self.clock = clock
        self.outbox = outbox or OutboxRepo()
        self.on_failed = on_failed
        self.policies = policies if policies is not None else {}
        self.parallel = parallel  # chats served at once; 1 = strictly one after another
        self.journal = journal  # marks written the instant a send is confirmed
        self._wake = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._next_due: datetime | None = None  # when the earliest postponed reply is due

    def wake(self) -> None:
        self._wake.set()

    async def recover(self) -> int:
        """At start: the outbox learns what was sent just before the bot stopped."""
        if self.journal is None:
            return 0
        marks = self.journal.read()
        async with self.db.transaction() as conn:
            await self.outbox.mark_sent(conn, [m for m in marks if m.done], self.clock())
            for mark in marks:
                if not mark.done:
                    await self.outbox.mark_part_sent(
                        conn, mark.item_id, mark.parts_sent, mark.external_id
                    )
        self.journal.clear()
        if marks:
            log.info("outbox: %d sends from before the stop recorded", len(marks))
        return len(marks)

    async def run(self) -> None:
        """Deliver until cancelled, sleeping until woken or until the next retry is due."""
        while True:
            self._wake.clear()
            await self.flush()
            timeout = None
            if self._next_due is not None:
                timeout = max(0.05, (self._next_due - self.clock()).total_seconds())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def flush(self) -> int:
        """Send everything due now; return how many replies went out.

        Chats are served in parallel (at most `parallel` at once), each chat strictly in
        order: one chat whose sends stall, or that is told to wait (429), holds back only
        itself. Urgent rows (replies to what people just did) are started first. A turn
        reads the next chats' heads (and, when nothing is left to do, the moment of the
        next retry) without a transaction: reads only, each consistent by itself."""
        async with self._flush_lock:
            sent = 0
            running: dict[asyncio.Task[Outcome], tuple[str, str]] = {}
            waiting: set[tuple[str, str]] = set()  # postponed or not due: not this flush
            while True:
                self._wake.clear()
                room = self.parallel - len(running)
                # A turn only reads: no BEGIN … COMMIT.
                async with self.db.autocommit() as conn:
                    heads: list[OutboxItem] = []
                    start: list[OutboxItem] = []
                    while room > 0:
                        # The heads of `room` chats neither being served nor waiting. Heads
                        # found not due join `waiting`, so reading again reaches further.
                        busy = {*running.values(), *waiting}
                        heads = await self.outbox.pending(conn, self.clock(), limit=room, skip=busy)
                        start = self._startable(heads, running, waiting)
                        if start or len(heads) < room:
                            break
                    if not running and not start:
                        # Nothing pending at all: no retry to ask the time of.
                        pending = heads or waiting
                        self._next_due = await self.outbox.next_due_at(conn) if pending else None
                for item in start:
                    running[asyncio.create_task(self._deliver(item))] = (item.channel, item.chat_id)
                if not running:
                    if self.journal is not None:
                        self.journal.clear_if_large()  # every mark is in the database now
                    return sent
                # Wait for a chat to finish or — with room for another — for something new
                # (a resident's reply) to be queued, whichever comes first.
                watched: set[asyncio.Task[Any]] = set(running)
                woken = None
                if len(running) < self.parallel:
                    woken = asyncio.create_task(self._wake.wait())
                    watched.add(woken)
                try:
                    done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
                except asyncio.CancelledError:
                    for task in watched:  # stopping: no send goes on behind our back
                        task.cancel()
                    raise
                if woken is not None:
                    woken.cancel()
                for task in done:
                    if task not in running:
                        continue  # the wake-up
                    chat = running.pop(task)
                    try:
                        outcome = task.result()
                    except Exception:  # _deliver handles its errors; this is a bug
                        log.exception("delivery task failed: chat left for the next round")
                        outcome = "later"
                    if outcome == "sent":
                        sent += 1
                    elif outcome == "later":
                        waiting.add(chat)

    def _startable(
        self,
        heads: list[OutboxItem],
        running: dict[asyncio.Task[Outcome], tuple[str, str]],
        waiting: set[tuple[str, str]],
    ) -> list[OutboxItem]:
        """The heads to start now: due, of a chat not being served, within `parallel`."""
        busy = set(running.values())
        start: list[OutboxItem] = []
        for item in heads:
            chat = (item.channel, item.chat_id)
            if chat in busy or chat in waiting:
                continue
            if not item.is_due:
                waiting.add(chat)
                continue
            if len(running) + len(start) >= self.parallel:
                break
            start.append(item)
            busy.add(chat)
        return start

    async def _deliver(self, item: OutboxItem) -> Outcome:
        sender = self.senders.get(item.channel)
        if sender is None:
            await self._fail(item, f"no such channel: {item.channel}")
            return "failed"
        refused = await self._refused(item)
        if refused is not None:
            await self._fail(item, refused)
            return "failed"
        parts = sender.parts(item.chat_id, _reply(item.reply))
        first = item.external_id
        for index in range(item.parts_sent, len(parts)):
            try:
                message_id = await parts[index](first)
            except RetryLater as exc:
                return await self._deliver_later(item, exc)
            except Undeliverable as exc:
                await self._fail(item, str(exc))
                return "failed"
            except Exception as exc:  # a bug or an unforeseen error: back off, keep the loop
                log.exception("delivery error: item=%d", item.id)
                later = RetryLater(backoff(item.attempts), repr(exc))
                return await self._deliver_later(item, later)
            first = first or message_id
            mark = Mark(item.id, index + 1, first, index + 1 == len(parts))
            if self.journal is not None:
                self.journal.write(mark)
            # Recorded at once, one statement (a staff card must be known by its id before
            # a librarian can reply to it), and before the next part goes out: a crash in
            # between repeats only this message (see the module's docstring).
            async with self.db.autocommit() as conn:
                if mark.done:
                    await self.outbox.mark_sent(conn, [mark], self.clock())
                else:
                    await self.outbox.mark_part_sent(conn, item.id, index + 1, first)
            item = replace(item, parts_sent=index + 1, external_id=first, attempts=0)
        return "sent"

    async def _refused(self, item: OutboxItem) -> str | None:
        policy = self.policies.get(item.channel)
        if policy is None:
            return None
        async with self.db.transaction() as conn:
            return await policy.refuse(conn, item, self.clock())

    async def _deliver_later(self, item: OutboxItem, exc: RetryLater) -> Outcome:
        if item.attempts + 1 >= MAX_ATTEMPTS:
            await self._fail(item, str(exc))
            return "failed"
        not_before = self.clock() + timedelta(seconds=exc.seconds)
        async with self.db.transaction() as conn:
            await self.outbox.postpone(conn, item.id, not_before, str(exc))
        log.warning("delivery postponed %.0fs: item=%d (%s)", exc.seconds, item.id, exc)
        return "later"

    async def _fail(self, item: OutboxItem, error: str) -> None:
        async with self.db.transaction() as conn:
            await self.outbox.mark_failed(conn, item.id, error)
        log.warning(
            "delivery failed for good: item=%d channel=%s (%s)", item.id, item.channel, error
        )
        if self.on_failed is not None:
            await self.on_failed(item, error)
