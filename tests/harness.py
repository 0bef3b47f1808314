"""A conversation with the real core, the real database and outbox, and a collecting channel.

Tests read like a chat: `await chat.say("/start")`, `await chat.press("Контакти")`.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.channels.base import Part
from bot.delivery import Delivery
from handlers import texts
from handlers.context import Privacy, Services
from handlers.core import Core
from handlers.features import build_routes
from handlers.hours import WorkingHours
from handlers.messages import Address, Button, Event, Reply
from handlers.routing import Routes
from knowledge_base.holder import KnowledgeBaseHolder
from storage.db import Database
from storage.outbox import OutboxItem

STAFF_CHAT = "-100500"
MENU_LABELS = [
    texts.BTN_REFERENCE,
    texts.BTN_APPEAL,
    texts.BTN_TRAINING,
    texts.BTN_LIBRARIAN,
    texts.BTN_CONTACTS,
    texts.BTN_PRIVACY,
]
TEST_CHANNEL = "test"


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Sent:
    chat_id: str
    reply: Reply
    message_id: str

    @property
    def text(self) -> str:
        return self.reply.text

    @property
    def labels(self) -> list[str]:
        return [b.label for row in self.reply.buttons for b in row]


@dataclass
class CollectingSender:
    sent: list[Sent] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def parts(self, chat_id: str, reply: Reply) -> list[Part]:
        # A reply is one message here; `send` is looked up when the part runs, so a test
        # may replace it.
        return [lambda first: self.send(chat_id, reply)]

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        # An edit keeps the id of the message it replaces, as in messengers.
        message_id = reply.edit or str(next(self.ids))
        self.sent.append(Sent(chat_id, reply, message_id))
        return message_id


class Chat:
    """One citizen talking to the bot; `staff_*` methods act in the librarians' chat."""

    def __init__(
        self,
        core: Core,
        delivery: Delivery,
        sender: CollectingSender,
        user_id: str = "1001",
        name: str = "Олена",
    ) -> None:
        self.core = core
        self.delivery = delivery
        self.sender = sender
        self.user_id = user_id
        self.name = name
        self.updates = itertools.count(1)

    @property
    def chat_id(self) -> str:
        return self.user_id

    async def _run(self, event: Event) -> list[Sent]:
        before = len(self.sender.sent)
        await self.core.handle(event)
        await self.delivery.flush()
        return self.sender.sent[before:]

    async def send(self, **fields: object) -> list[Sent]:
        event = Event(TEST_CHANNEL, self.user_id, self.chat_id, display_name=self.name, **fields)  # type: ignore[arg-type]
        return await self._run(event)

    async def say(self, text: str) -> list[Sent]:
        return await self.send(text=text)

    async def press(self, label: str) -> list[Sent]:
        """Press the most recent button in this chat whose label contains `label`."""
        return await self.send(payload=self.button(label).payload)

    def button(self, label: str) -> Button:
        for sent in reversed(self.sender.sent):
            if sent.chat_id != self.chat_id:
                continue
            for row in sent.reply.buttons:
                for button in row:
                    if label.casefold() in button.label.casefold():
                        return button
        raise AssertionError(f"no button {label!r} in {self.chat_id}")

    def last(self) -> Sent:
        return [s for s in self.sender.sent if s.chat_id == self.chat_id][-1]

    async def staff_send(
        self, *, user_id: str = "9001", is_staff: bool = True, **fields: object
    ) -> list[Sent]:
        """Something a librarian (or, with is_staff=False, an outsider) does in the staff chat."""
        event = Event(
            TEST_CHANNEL,
            user_id,
            STAFF_CHAT,
            display_name="Бібліотекарка Ірина",
            from_staff_chat=True,
            is_staff=is_staff,
            **fields,  # type: ignore[arg-type]
        )
        return await self._run(event)

    async def staff_say(self, text: str, **fields: object) -> list[Sent]:
        return await self.staff_send(text=text, **fields)  # type: ignore[arg-type]

    async def staff_press(self, payload: str, **fields: object) -> list[Sent]:
        return await self.staff_send(payload=payload, **fields)  # type: ignore[arg-type]


KYIV = ZoneInfo("Europe/Kyiv")
TEST_KB = Path(__file__).parent / "handlers" / "kb"


def write_articles(directory: Path, articles: dict[str, str]) -> Path:
    """Article files (name → text) in `directory`, sub-folders made as needed."""
    for name, text in articles.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return directory


@functools.cache
def test_kb() -> KnowledgeBaseHolder:
    """The small knowledge base of tests/handlers/kb, built once per test run."""
    return KnowledgeBaseHolder.load(TEST_KB)


def make_core(
    db: Database,
    clock: FakeClock,
    *,
    drafts_dir: Path | None = None,
    kb: KnowledgeBaseHolder | None = None,
    librarians: bool = True,
    routes: Routes | None = None,
    rate_limit_per_minute: int = 0,
    privacy: Privacy | None = None,
) -> tuple[Core, Delivery, CollectingSender]:
    """The core as the app builds it. The rate limit is off unless asked for: a conversation
    test sends its messages at one frozen instant, which a person never does."""
    sender = CollectingSender()
    # One chat at a time: conversation tests read replies across chats in a fixed order.
    delivery = Delivery(db, {TEST_CHANNEL: sender}, clock, parallel=1)
    services = Services(
        clock=clock,
        timezone=KYIV,
        kb=kb or test_kb(),
        hours=WorkingHours.parse("mon-sat 09:00-18:00", KYIV),
        drafts_dir=drafts_dir or db.path.parent / "_drafts",
        staff=Address(TEST_CHANNEL, STAFF_CHAT) if librarians else None,
        librarians=librarians,
        rate_limit_per_minute=rate_limit_per_minute,
        privacy=privacy or Privacy(),
    )
    core = Core(db, services, routes or build_routes(), on_queued=delivery.wake)

    async def report_failure(item: OutboxItem, error: str) -> None:
        await core.report_failure(item.ref, error)

    delivery.on_failed = report_failure
    return core, delivery, sender
