"""Everything kept about one person, part by part: collected for «Надіслати мої дані»,
removed for «Видалити мої дані».

Each part is one repository's share (the SQL is in `storage/`): what it collects, how it
reads to the person, and how it is erased. A new kind of record (course bookings) is one
more `Part` in `PARTS`; export and erasure pick it up from there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers import texts
from handlers.appeals.rules import status_label, topic_label
from handlers.context import Scope
from handlers.dates import fmt_stamp
from handlers.queue.cards import ticket_ref
from handlers.training.waitlist import release
from storage._time import from_db
from storage.appeals import Appeal
from storage.users import User


@dataclass
class Erasure:
    """One erasure under way: what the parts need from each other."""

    now: datetime
    # What the person is called and wrote: copies of messages holding these go too.
    fragments: list[str]
    kept: list[Appeal] = field(default_factory=list)  # submitted appeals the law keeps


Collect = Callable[[Scope, User], Awaitable[Any]]
Show = Callable[[Scope, Any], list[str]]
Erase = Callable[[Scope, User, Erasure], Awaitable[None]]


@dataclass(frozen=True)
class Part:
    key: str  # its name in the JSON file
    collect: Collect  # None or an empty list: nothing of this kind
    show: Show  # the readable lines (Markdown), its heading first
    erase: Erase


# --- Profile -------------------------------------------------------------------------


async def _collect_profile(scope: Scope, user: User) -> Any:
    return await scope.services.users.export(scope.conn, user.id)


def _show_profile(scope: Scope, data: Any) -> list[str]:
    tz = scope.services.timezone
    line = texts.PRIVACY_PROFILE.format(
        name=data.get("display_name") or "—",
        first=fmt_stamp(from_db(data["first_seen"]), tz),
        last=fmt_stamp(from_db(data["last_seen"]), tz),
    )
    return [texts.PRIVACY_SECTION_PROFILE, line]


async def _erase_profile(scope: Scope, user: User, erasure: Erasure) -> None:
    await scope.services.users.erase(scope.conn, user.id)


# --- Consents ------------------------------------------------------------------------


async def _collect_consents(scope: Scope, user: User) -> Any:
    return await scope.services.consents.export(scope.conn, user.id)


def _show_consents(scope: Scope, data: Any) -> list[str]:
    tz = scope.services.timezone
    lines = [texts.PRIVACY_SECTION_CONSENTS]
    for item in data:
        withdrawn = (
            texts.PRIVACY_EXPORT_WITHDRAWN.format(date=fmt_stamp(from_db(item["withdrawn_at"]), tz))
            if item["withdrawn_at"]
            else ""
        )
        lines.append(
            texts.PRIVACY_EXPORT_CONSENT.format(
                purpose=texts.PRIVACY_PURPOSES.get(item["purpose"], item["purpose"]),
                given=fmt_stamp(from_db(item["given_at"]), tz),
                withdrawn=withdrawn,
            )
        )
    return lines


async def _erase_consents(scope: Scope, user: User, erasure: Erasure) -> None:
    kept = [appeal.id for appeal in erasure.kept]
    await scope.services.consents.erase(scope.conn, user.id, keep_appeals=kept)


# --- The dialog in progress ----------------------------------------------------------


async def _collect_dialog(scope: Scope, user: User) -> Any:
    return await scope.services.dialogs.export(scope.conn, user.id)


def _show_dialog(scope: Scope, data: Any) -> list[str]:
    when = fmt_stamp(from_db(data["updated"]), scope.services.timezone)
    line = texts.PRIVACY_EXPORT_DIALOG.format(step=data["step"], when=when)
    return [texts.PRIVACY_SECTION_DIALOG, line]


async def _erase_dialog(scope: Scope, user: User, erasure: Erasure) -> None:
    await scope.services.dialogs.clear(scope.conn, user.id)


# --- Questions to the knowledge base ------------------------------------------------


async def _collect_questions(scope: Scope, user: User) -> Any:
    return await scope.services.kb_queries.export(scope.conn, user.id)


def _show_questions(scope: Scope, data: Any) -> list[str]:
    tz = scope.services.timezone
    lines = [texts.PRIVACY_SECTION_QUESTIONS]
    for item in data:
        when = fmt_stamp(from_db(item["asked_at"]), tz)
        lines.append(texts.PRIVACY_EXPORT_QUESTION.format(when=when, text=item["question"]))
    return lines


async def _erase_questions(scope: Scope, user: User, erasure: Erasure) -> None:
    await scope.services.kb_queries.erase_of_user(scope.conn, user.id)


# --- Questions to librarians (tickets) and their threads ----------------------------


async def _collect_tickets(scope: Scope, user: User) -> Any:
    return await scope.services.tickets.export(scope.conn, user.id)


def _show_tickets(scope: Scope, data: Any) -> list[str]:
    tz = scope.services.timezone
    lines = [texts.PRIVACY_SECTION_TICKETS]
    for ticket in data:
        status = texts.PRIVACY_TICKET_STATUSES.get(ticket["status"], ticket["status"])
        when = fmt_stamp(from_db(ticket["created_at"]), tz)
        lines.append(
            texts.PRIVACY_EXPORT_TICKET.format(number=ticket["id"], when=when, status=status)
        )
        for message in ticket["messages"]:
            shape = (
                texts.PRIVACY_EXPORT_MESSAGE_CITIZEN
                if message["author"] == "citizen"
                else texts.PRIVACY_EXPORT_MESSAGE_LIBRARIAN
            )
            text = message["text"]
            if message["attachments"]:
                files = texts.plain(texts.PRIVACY_EXPORT_FILES, count=len(message["attachments"]))
                text = f"{text} {files}".strip()
            when = fmt_stamp(from_db(message["created_at"]), tz)
            lines.append(shape.format(when=when, text=text))
    return lines


async def erase_tickets(
    scope: Scope, ticket_ids: list[int], now: datetime, *, on_request: bool = True
) -> None:
    """The tickets lose their question and thread; on request, their cards in the
    librarians' chat, and the copies of them in the outbox, say the data was erased.
    (Past their term the copies are long blank, SENT_COPIES_KEPT, and year-old cards are
    left as they are.)"""
    services, conn = scope.services, scope.conn
    if not on_request:
        await services.tickets.erase(conn, ticket_ids, now)
        return
    words: list[dict[str, str]] = []
    for ticket_id in ticket_ids:
        ticket = await services.tickets.get(conn, ticket_id)
        if ticket is None:
            continue
        words.append({"question": ticket.question})
        words += [{"text": m.text} for m in await services.tickets.messages(conn, ticket_id)]
        citizen = await services.users.get(conn, ticket.user_id)
        if citizen is not None:  # the answers relayed to the person: their copies go
            for item_id, _sent, _raw in await services.outbox.with_ref(
                conn, citizen.channel, citizen.chat_id, f"answer:{ticket_id}"
            ):
                await services.outbox.set_reply(conn, item_id, "{}")
    await services.tickets.erase(conn, ticket_ids, now)
    staff = services.staff
    if staff is None:
        return
    # Copies that quote them elsewhere in the librarians' chat (/queue, reminders).
    await services.outbox.blank_mentions(
        conn, staff.channel, staff.chat_id, sorted(set(fragments(words)))
    )
    for ticket_id in ticket_ids:
        erased = texts.PRIVACY_CARD_ERASED.format(number=ticket_id)
        posted: dict[str, None] = {}
        rows = await services.outbox.with_ref(
            scope.conn, staff.channel, staff.chat_id, ticket_ref(ticket_id)
        )
        for item_id, message_id, raw in rows:
            old = json.loads(raw) if raw else {}
            new: dict[str, object] = {
                "text": erased,
                "buttons": [],
                "request_contact": False,
                "attachments": [],
                "ref": old.get("ref"),
                "edit": old.get("edit"),
            }
            await services.outbox.set_reply(
                scope.conn, item_id, json.dumps(new, ensure_ascii=False)
            )
            if message_id is not None:
                posted[message_id] = None
        for message_id in posted:
            scope.edit_staff(message_id, erased, ref=ticket_ref(ticket_id))


async def _erase_tickets(scope: Scope, user: User, erasure: Erasure) -> None:
    ids = await scope.services.tickets.ids_of_user(scope.conn, user.id)
    await erase_tickets(scope, ids, erasure.now)


# --- Appeals ------------------------------------------------------------------------


async def _collect_appeals(scope: Scope, user: User) -> Any:
    return await scope.services.appeals.export(scope.conn, user.id)


def _show_appeals(scope: Scope, data: Any) -> list[str]:
    tz = scope.services.timezone
    lines = [texts.PRIVACY_SECTION_APPEALS]
    for appeal in data:
        name = " ".join(
            p for p in (appeal["surname"], appeal["given_name"], appeal["patronymic"]) if p
        )
        files = ", ".join(
            f.get("file_name") or texts.FILE_KINDS.get(f.get("kind", ""), "—")
            for f in appeal["attachments"]
        )
        lines.append(
            texts.PRIVACY_EXPORT_APPEAL.format(
                number=appeal["number"] or texts.PRIVACY_DRAFT,
                status=status_label(appeal["status"]),
                name=name or "—",
                address=appeal["address"] or "—",
                phone=appeal["phone"] or "—",
                email=appeal["email"] or "—",
                topic=topic_label(appeal["topic"]),
                body=appeal["body"]
                or (texts.PRIVACY_EXPORT_ERASED if appeal["erased_at"] else "—"),
                files=files or "—",
            )
        )
        for entry in appeal["history"]:
            note = f": {entry['note']}" if entry["note"] else ""
            lines.append(
                texts.PRIVACY_EXPORT_HISTORY.format(
                    when=fmt_stamp(from_db(entry["at"]), tz),
                    status=status_label(entry["status"]),
                    note=note,
                )
            )
    return lines


async def _erase_appeals(scope: Scope, user: User, erasure: Erasure) -> None:
    appeals = scope.services.appeals
    await appeals.delete_drafts_of(scope.conn, user.id)
    erasure.kept = await appeals.keep_lawful(scope.conn, user.id)


# --- Copies of messages in the outbox -----------------------------------------------


async def _collect_nothing(scope: Scope, user: User) -> Any:
    # The copies of what the bot said in the person's chat are not listed: they have it.
    return None


def _show_nothing(scope: Scope, data: Any) -> list[str]:
    return []


async def _erase_messages(scope: Scope, user: User, erasure: Erasure) -> None:
    outbox = scope.services.outbox
    await outbox.erase_chat(scope.conn, user.channel, user.chat_id, f"erased:{user.id}")
    staff = scope.services.staff
    if staff is not None:
        await outbox.blank_mentions(scope.conn, staff.channel, staff.chat_id, erasure.fragments)


# Shown and exported in this order; erased in the reverse one (the outbox copies first,
# while the person's chat is still known; the consents after the appeals the law keeps).
# --- Course bookings ----------------------------------------------------------------


async def _collect_bookings(scope: Scope, user: User) -> Any:
    data = await scope.services.bookings.export(scope.conn, user.id)
    return data if data["trainee"] or data["bookings"] else None


def _show_bookings(scope: Scope, data: Any) -> list[str]:
    tz = scope.services.timezone
    lines = [texts.PRIVACY_SECTION_BOOKINGS]
    if data["trainee"]:
        trainee = data["trainee"]
        lines.append(
            texts.PRIVACY_EXPORT_TRAINEE.format(name=trainee["name"], phone=trainee["phone"])
        )
    for item in data["bookings"]:
        lines.append(
            texts.PRIVACY_EXPORT_BOOKING.format(
                course=item["title"],
                when=fmt_stamp(from_db(item["starts_at"]), tz),
                branch=item["branch"],
            )
        )
    return lines


async def _erase_bookings(scope: Scope, user: User, erasure: Erasure) -> None:
    # Seats still held for sessions to come are freed first: the next in line gets one.
    for booking in await scope.services.bookings.upcoming_of(scope.conn, user.id, scope.now):
        if booking.status in ("booked", "offered", "waiting"):
            await release(scope, booking, "cancelled")
    await scope.services.bookings.erase_of_user(scope.conn, user.id)


PARTS: tuple[Part, ...] = (
    Part("profile", _collect_profile, _show_profile, _erase_profile),
    Part("consents", _collect_consents, _show_consents, _erase_consents),
    Part("dialog", _collect_dialog, _show_dialog, _erase_dialog),
    Part("questions", _collect_questions, _show_questions, _erase_questions),
    Part("tickets", _collect_tickets, _show_tickets, _erase_tickets),
    Part("appeals", _collect_appeals, _show_appeals, _erase_appeals),
    Part("bookings", _collect_bookings, _show_bookings, _erase_bookings),
    Part("messages", _collect_nothing, _show_nothing, _erase_messages),
)


async def collect(scope: Scope, user: User) -> dict[str, Any]:
    """Every part's data, by its key; empty parts left out."""
    found = {}
    for part in PARTS:
        data = await part.collect(scope, user)
        if data:
            found[part.key] = data
    return found


def readable(scope: Scope, found: dict[str, Any]) -> list[str]:
    """The collected data as lines a person reads, section by section."""
    lines: list[str] = []
    for part in PARTS:
        if part.key in found:
            if lines:
                lines.append("")
            lines += part.show(scope, found[part.key])
    return lines


async def erase(scope: Scope, user: User) -> Erasure:
    found = await collect(scope, user)
    erasure = Erasure(scope.now, fragments=sorted(set(fragments(found))))
    for part in reversed(PARTS):
        await part.erase(scope, user, erasure)
    return erasure


# Keys whose values are the person's own words or identity.
PERSONAL_KEYS = frozenset(
    {
        "display_name",
        "question",
        "text",
        "caption",
        "surname",
        "given_name",
        "patronymic",
        "address",
        "phone",
        "email",
        "body",
    }
)
_PLAIN_RUN = re.compile(r"[\w ]{5,}")
FRAGMENT = 60  # long enough to be theirs, short enough to survive a shortened listing


def fragments(found: Any) -> Iterator[str]:
    """Pieces of the person's words that a copy of a message would contain as they are:
    runs of letters, digits and spaces (markup escapes and JSON quoting split elsewhere)."""
    for key, value in _walk(found):
        if key in PERSONAL_KEYS and isinstance(value, str):
            runs = [run.strip() for run in _PLAIN_RUN.findall(value)]
            runs = [run[:FRAGMENT] for run in runs if len(run) >= 5]
            if runs:
                yield runs[0]
                yield max(runs, key=len)


def _walk(data: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _walk(v, k)
    elif isinstance(data, list):
        for item in data:
            yield from _walk(item, key)
    else:
        yield key, data
