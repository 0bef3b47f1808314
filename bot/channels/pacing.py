"""Sending within a messenger's rate limits, so that it never has to tell us to wait.

Telegram asks bots for at most about 30 messages a second over all chats, one a second in
one chat (short bursts are tolerated) and 20 a minute in a group; past them it answers 429
with a wait that grows when a bot keeps pushing. Replies follow people, so these limits
bind only under a crowd or a scheduled job's bulk (reminders to every booked resident), and
then the whole bot would stall on 429s. The sender paces its messages instead.

Each limit is a bucket in the GCRA form: the time at which its next message is due. Taking
a message reserves its moment and returns how long to wait for it, so waiting messages go
out in the order they came, and each limit is a pure function of the clock (tested without
sleeping). aiolimiter's `AsyncLimiter` does the waiting for you but cannot say how long a
message will wait, which is what the tests check.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.channels.base import RetryLater

# A chat's bucket with nothing reserved is forgotten once this many are kept.
CHATS_KEPT = 1024


@dataclass(frozen=True)
class Rate:
    """`messages` per `seconds`, up to `burst` of them at once."""

    messages: int
    seconds: float
    burst: int = 1

    @property
    def interval(self) -> float:
        return self.seconds / self.messages


class Bucket:
    def __init__(self, rate: Rate) -> None:
        self.interval = rate.interval
        self.tolerance = rate.interval * (max(rate.burst, 1) - 1)
        self.due = float("-inf")  # the theoretical moment of the next message

    def wait(self, now: float) -> float:
        """The seconds the next message would wait, its place not taken."""
        return max(0.0, self.due - self.tolerance - now)

    def reserve(self, now: float) -> float:
        """Take the next message's place; return the seconds to wait before sending it."""
        wait = self.wait(now)
        self.due = max(self.due, now) + self.interval
        return wait

    def idle(self, now: float) -> bool:
        return self.due <= now


@dataclass(frozen=True)
class Limits:
    """A messenger's limits: over all chats, and in one chat by its kind."""

    overall: Rate | None = None
    private_chat: Rate | None = None
    group_chat: Rate | None = None


# https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
def telegram_limits(per_second: int) -> Limits | None:
    """Telegram's, with `per_second` over all chats (paid broadcasts allow more); 0: none,
    for a local Bot API server or a benchmark that measures the bot itself."""
    if per_second <= 0:
        return None
    return Limits(
        overall=Rate(per_second, 1.0),  # evenly: never more than that in any second
        private_chat=Rate(1, 1.0, burst=3),  # a long answer's first parts go out at once
        # At most 20 in any minute: a librarian's card, its edit and a reply go at once.
        group_chat=Rate(15, 60.0, burst=5),
    )


class Pacer:
    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        self.overall = Bucket(limits.overall) if limits.overall else None
        self._chats: dict[str, Bucket] = {}
        self._stopping = False

    async def wait(self, chat_id: str, *, group: bool) -> None:
        """Return when a message may go to `chat_id`: its chat's limit first, then the
        overall one (a message held by its own chat does not hold a place meanwhile).

        Once the bot is stopping, a message that would have to wait raises `RetryLater`
        instead: it stays in the outbox and goes after the restart, and the stop is not
        held up by a long queue (reminders to everyone booked, say)."""
        rate = self.limits.group_chat if group else self.limits.private_chat
        if rate is not None:
            await self._take(self._chat(chat_id, rate))
        if self.overall is not None:
            await self._take(self.overall)

    def stop(self) -> None:
        self._stopping = True

    async def _take(self, bucket: Bucket) -> None:
        now = self.clock()
        if self._stopping and bucket.wait(now) > 0:
            raise RetryLater(bucket.wait(now), "paced: sent after the restart")
        delay = bucket.reserve(now)
        if delay > 0:
            await self.sleep(delay)

    def _chat(self, chat_id: str, rate: Rate) -> Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if len(self._chats) >= CHATS_KEPT:
                now = self.clock()
                self._chats = {k: b for k, b in self._chats.items() if not b.idle(now)}
            bucket = self._chats[chat_id] = Bucket(rate)
        return bucket
