"""A ticket as librarians see it: the card in the staff chat, its buttons, its refresh."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers import texts
from handlers.context import Scope
from handlers.messages import Address, Button, Markdown, escape
from handlers.queue.payloads import TicketPress
from storage.tickets import Ticket
from storage.users import User

SHORT_QUESTION = 80


def ticket_ref(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def card_buttons(ticket: Ticket) -> list[list[Button]]:
    return [
        [
            Button(texts.BTN_TAKE, TicketPress("take", ticket.id).pack()),
            Button(texts.BTN_CLOSE, TicketPress("close", ticket.id).pack()),
        ],
        [Button(texts.BTN_TO_KB, TicketPress("kb", ticket.id).pack())],
    ]


def card_text(scope: Scope, ticket: Ticket, citizen: User, *, overdue: bool = False) -> str:
    if ticket.erased_at is not None:
        return texts.PRIVACY_CARD_ERASED.format(number=ticket.id)
    kb = scope.services.kb.base
    titles = [
        "- " + escape(f"{article.title} ({article.id})")
        for article in (kb.get(article_id) for article_id in ticket.candidates)
        if article is not None
    ]
    when = local_time(scope, ticket.created_at)
    if ticket.status == "closed":
        status = texts.CARD_STATUS_CLOSED.format(
            name=ticket.closed_by or "—", when=local_time(scope, ticket.closed_at or scope.now)
        )
    elif ticket.status == "answered":
        status = texts.CARD_STATUS_ANSWERED.format(
            name=ticket.answered_by or "—", when=local_time(scope, ticket.answered_at or scope.now)
        )
    elif ticket.assignee_name:
        status = texts.CARD_STATUS_TAKEN.format(name=ticket.assignee_name)
    else:
        status = texts.CARD_STATUS_WAITING
    if ticket.delivery_error:
        status += texts.CARD_STATUS_UNDELIVERED.format(error=ticket.delivery_error)
    text = texts.CARD.format(
        number=ticket.id,
        name=person_name(citizen),
        channel=texts.CHANNEL_NAMES.get(citizen.channel, citizen.channel),
        asked=when,
        question=ticket.question,
        candidates=texts.CARD_CANDIDATES.format(items=Markdown("\n".join(titles)))
        if titles
        else "",
        status=status,
    )
    if ticket.status != "closed":
        text += texts.CARD_HINT
    if overdue:
        text = texts.CARD_OVERDUE.format(age=age(scope.now - ticket.created_at)) + text
    return text


async def refresh_card(scope: Scope, ticket_id: int, message_id: str | None) -> None:
    """Show the ticket's new state on its card (the one pressed, else the latest posted)."""
    services = scope.services
    ticket = await services.tickets.get(scope.conn, ticket_id)
    if ticket is None:
        return
    citizen = await services.users.get(scope.conn, ticket.user_id)
    assert citizen is not None
    if message_id is None:
        staff = services.staff
        if staff is None:
            return
        message_id = await services.outbox.find_external(
            scope.conn, staff.channel, staff.chat_id, ticket_ref(ticket.id)
        )
        if message_id is None:
            return
    buttons = [] if ticket.status == "closed" else card_buttons(ticket)
    scope.edit_staff(
        message_id, card_text(scope, ticket, citizen), buttons, ref=ticket_ref(ticket.id)
    )


async def citizen_address(ctx: Scope, ticket: Ticket) -> Address:
    user = await ctx.services.users.get(ctx.conn, ticket.user_id)
    assert user is not None
    return Address(user.channel, user.chat_id)


def person_name(user: User) -> str:
    return user.display_name or texts.RESIDENT_UNNAMED


def shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHORT_QUESTION else flat[: SHORT_QUESTION - 1] + "…"


def local_time(scope: Scope, moment: datetime) -> str:
    return moment.astimezone(scope.services.timezone).strftime("%d.%m %H:%M")


def age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return texts.AGE_MINUTES.format(minutes=minutes)
    hours = minutes // 60
    if hours < 24:
        return texts.AGE_HOURS.format(hours=hours, minutes=minutes % 60)
    return texts.AGE_DAYS.format(days=hours // 24, hours=hours % 24)


def librarian_name(display_name: str | None) -> str:
    return display_name or texts.LIBRARIAN_UNNAMED
