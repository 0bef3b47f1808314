"""What every channel shares, in the shape of Rasa's `channel.py`.

- An `InputChannel` turns a messenger's updates into core `Event`s and hands them to
  `handle` (the core's entry point); it owns its `sender`.
- An `OutputChannel` (a sender) renders a `Reply` for one chat as its `parts`: the messages
  that show it, in order, each sent on its own. Delivery sends them one by one and records
  each the messenger confirmed, so a retry resumes at the first unsent one; a part raises
  `RetryLater` or `Undeliverable` so that delivery knows what to do with the outbox row.

Channels get from assembly only what they use: their own small config, the core's `handle`,
the staff chat; never the settings nor the database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from handlers.messages import Attachment, Event, Reply

if TYPE_CHECKING:
    from aiohttp import web

Handle = Callable[[Event], Awaitable[Any]]
# A command menu as a messenger shows it: (command without "/", description).
CommandMenu = Sequence[tuple[str, str]]


# One message of a reply. It is given the id of the reply's first message (None while that
# is unsent), which later parts may answer, and returns the id of the message it sent.
Part = Callable[[str | None], Awaitable[str | None]]


class OutputChannel(Protocol):
    def parts(self, chat_id: str, reply: Reply) -> Sequence[Part]:
        """The messages that show `reply`, in order. The same reply must always give the
        same parts: a retry, even after a restart, skips the ones already sent."""


class RetryLater(Exception):
    """Not now (flood control, network, the messenger down): try again in `seconds`."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class Undeliverable(Exception):
    """The chat cannot be reached at all (blocked the bot, deleted, …): do not retry."""


class InputChannel:
    """A messenger's way in; `sender` is its way out, delivery sends through it."""

    name: ClassVar[str]
    sender: OutputChannel
    # Takes updates over HTTP, so needs the shared web server (a webhook).
    listens: bool = False

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def register(self, app: web.Application) -> None:
        """Add this channel's routes to the one web server every webhook shares."""

    def stopping(self) -> None:
        """The bot is stopping: what is left to send goes now or after the restart, never
        held back by waiting (see pacing.py)."""

    async def close(self) -> None:
        """Release what the channel holds (HTTP sessions)."""


def backoff(attempts: int) -> float:
    """Seconds to wait before the next try of a message that failed `attempts` times."""
    return float(min(300, 2 ** (attempts + 1)))


def shown_name(attachment: Attachment) -> str:
    """What to call a file where only its name can be shown."""
    return attachment.file_name or attachment.kind


class ChatLocks:
    """One lock a chat, made on demand and dropped when nobody holds or waits for it:
    events of one chat are handled strictly in order while other chats go on."""

    def __init__(self) -> None:
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat: object) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat, (asyncio.Lock(), 0))
        self._locks[chat] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat]
            if users == 1:
                del self._locks[chat]
            else:
                self._locks[chat] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
