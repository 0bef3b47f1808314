"""What a handler gets: the event and its user (Context), the services, a transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handlers.hours import WorkingHours
from handlers.messages import STAFF_CHAT, Address, Attachment, Button, Event, Reply
from knowledge_base.holder import KnowledgeBaseHolder
from knowledge_base.search import SUGGESTIONS, SearchResult
from storage.appeals import AppealsRepo
from storage.bookings import BookingsRepo
from storage.consents import ConsentsRepo
from storage.courses import CoursesRepo
from storage.db import Connection
from storage.dialogs import DialogsRepo
from storage.inbox import InboxRepo
from storage.kb_queries import KbQueriesRepo
from storage.outbox import OutboxRepo
from storage.tickets import TicketsRepo
from storage.users import User, UsersRepo

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class TrainingSettings:
    """Course booking's settings (BOOKING_CONFIRM_HOURS, REMINDER_*, MAX_UPCOMING_BOOKINGS)."""

    confirm_within: timedelta = timedelta(hours=12)  # a freed seat offered waits this long
    day_before_at: time = time(10, 0)  # the day-before reminder, local time
    hours_before: timedelta = timedelta(hours=2)  # the second reminder, before the start
    max_upcoming: int = 3  # seats and places in line for sessions not yet begun


@dataclass(frozen=True)
class Privacy:
    """What the privacy feature is configured with (settings; see `handlers/privacy`)."""

    controller: str | None = None  # who holds the data: name and postal address
    email: str | None = None  # where residents write about their data
    questions_kept: timedelta = timedelta(days=365)  # questions to the knowledge base
    tickets_kept: timedelta = timedelta(days=365)  # questions to librarians, their threads
    appeals_kept_years: int = 5  # full calendar years after the case ends (archive rules)
    database: Path | None = None  # the file the nightly copy is made of
    backup_dir: Path | None = None  # where nightly copies go; None = none are made
    backup_copies: int = 7


@dataclass(frozen=True)
class Services:
    """Everything handlers may use besides the event; injected once by the application."""

    clock: Clock
    timezone: ZoneInfo
    kb: KnowledgeBaseHolder
    hours: WorkingHours
    drafts_dir: Path  # where "До бази знань" writes draft articles
    repost_after: timedelta = timedelta(hours=2)  # working time before a ticket is re-posted
    staff: Address | None = None  # the librarians' chat; None when not configured
    # False (LIBRARIANS=off): the bot runs without librarians and never offers one.
    librarians: bool = True
    # Messages a resident may send a minute before the bot stops answering; 0 = no limit.
    rate_limit_per_minute: int = 20
    users: UsersRepo = field(default_factory=UsersRepo)
    dialogs: DialogsRepo = field(default_factory=DialogsRepo)
    inbox: InboxRepo = field(default_factory=InboxRepo)
    outbox: OutboxRepo = field(default_factory=OutboxRepo)
    kb_queries: KbQueriesRepo = field(default_factory=KbQueriesRepo)
    tickets: TicketsRepo = field(default_factory=TicketsRepo)
    appeals: AppealsRepo = field(default_factory=AppealsRepo)
    training: TrainingSettings = field(default_factory=TrainingSettings)
    courses: CoursesRepo = field(default_factory=CoursesRepo)
    bookings: BookingsRepo = field(default_factory=BookingsRepo)
    consents: ConsentsRepo = field(default_factory=ConsentsRepo)
    privacy: Privacy = field(default_factory=Privacy)


@dataclass(frozen=True)
class SideEffect:
    """Work outside the database, done after the commit (see `Scope.after_commit`)."""

    action: Callable[[], object]
    failed: str  # said in the staff chat if the action raises


@dataclass(frozen=True)
class Outgoing:
    to: Address
    reply: Reply


class Scope:
    """Work inside one database transaction: messages queued here are committed with it."""

    def __init__(self, conn: Connection, services: Services) -> None:
        self.conn = conn
        self.services = services
        self.now = services.clock()
        self.outgoing: list[Outgoing] = []
        self.side_effects: list[SideEffect] = []

    def after_commit(self, action: Callable[[], object], *, failed: str) -> None:
        """Do `action` (a file write, …) only once the transaction has committed; if it
        fails then, `failed` is said in the staff chat."""
        self.side_effects.append(SideEffect(action, failed))

    def to_staff(
        self,
        text: str,
        buttons: Iterable[Iterable[Button]] = (),
        *,
        attachments: tuple[Attachment, ...] = (),
        ref: str | None = None,
    ) -> None:
        self.send(STAFF_CHAT, text, buttons, attachments=attachments, ref=ref)

    def edit_staff(
        self,
        message_id: str,
        text: str,
        buttons: Iterable[Iterable[Button]] = (),
        *,
        ref: str | None = None,
    ) -> None:
        """Replace a message the bot sent to the staff chat (e.g. a card's status line)."""
        self.send(STAFF_CHAT, text, buttons, ref=ref, edit=message_id)

    def send(
        self,
        to: Address,
        text: str,
        buttons: Iterable[Iterable[Button]] = (),
        *,
        request_contact: bool = False,
        attachments: tuple[Attachment, ...] = (),
        ref: str | None = None,
        edit: str | None = None,
    ) -> None:
        rows = tuple(tuple(row) for row in buttons)
        reply = Reply(text, rows, request_contact, attachments, ref=ref, edit=edit)
        self.outgoing.append(Outgoing(to, reply))


class SearchFirst(Exception):
    """Raised by `Context.search` when the question needs the meaning model: the core
    rolls the transaction back, searches with the database free, and handles the event
    again — the search is then remembered."""

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question


class Context(Scope):
    """One event being handled, inside one database transaction.

    Replies collected here are queued in the outbox in that same transaction, together with
    the dialog state: either all of it happens or none.
    """

    def __init__(
        self,
        event: Event,
        user: User,
        conn: Connection,
        services: Services,
        step: str | None,
        data: dict[str, Any],
        *,
        search_inside: bool = False,
    ) -> None:
        super().__init__(conn, services)
        self.event = event
        self.user = user
        self.step = step
        self.data = data
        self._search_inside = search_inside
        # For a reply in the staff chat: the `ref` of the bot message replied to.
        self.reply_ref: str | None = None

    async def search(self, question: str) -> SearchResult:
        """The knowledge base's decision for a question.

        The model takes tens of milliseconds, and the database is held while an event is
        handled: a question that needs it is searched before the transaction instead
        (`SearchFirst`), unless the core already tried that."""
        kb = self.services.kb
        if not self._search_inside and kb.needs_model(question):
            raise SearchFirst(question)
        return await kb.search(question)

    def articles_for_librarian(self, question: str) -> list[str]:
        """Up to three articles the word search finds for a question going to a librarian,
        named on its card. Words alone: the resident asked for a person, and the model's
        20–50 ms of CPU a question are kept for residents waiting for an answer."""
        found = self.services.kb.search_by_words(question)
        return [candidate.article.id for candidate in found.candidates[:SUGGESTIONS]]

    @property
    def here(self) -> Address:
        return Address(self.event.channel, self.event.chat_id)

    def say(
        self,
        text: str,
        buttons: Iterable[Iterable[Button]] = (),
        *,
        request_contact: bool = False,
        attachments: tuple[Attachment, ...] = (),
        ref: str | None = None,
    ) -> None:
        """Reply in the chat the event came from."""
        self.send(
            self.here,
            text,
            buttons,
            request_contact=request_contact,
            attachments=attachments,
            ref=ref,
        )

    def goto(self, step: str, **data: Any) -> None:
        """Move the dialog to `step`, merging `data` into its scratchpad."""
        self.step = step
        self.data.update(data)

    def finish(self) -> None:
        """Leave any dialog: the next free text is a fresh start."""
        self.step = None
        self.data = {}


@dataclass(frozen=True)
class Job:
    """A scheduled task: `run` gets a Scope; `cron` holds APScheduler cron fields, in the
    bot's time zone, e.g. {"day_of_week": "mon-fri", "hour": 9}.

    Jobs must be safe to run late or twice: they look at the database for what is due.
    A job with a big backlog works in bounded batches: `run` returns True when there is
    more, and runs again in a new transaction, never holding the database for long.
    """

    name: str
    run: Callable[[Scope], Awaitable[bool | None]]
    cron: dict[str, str | int]
    # Bulk (reminders, lists) yields to replies to what people just did; a one-off notice
    # (the start-up report, a delivery failure on a card) does not.
    bulk: bool = True
