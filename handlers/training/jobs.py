"""Scheduled work: reminders before sessions, offers of freed seats that ran out of time,
and people the bot can no longer reach.

Both jobs derive what is due from the bookings, and mark a reminder sent in the same
transaction that queues it: after a restart every pending one goes out once, and one
missed while the bot was down goes out only while the session has not begun.
"""

from __future__ import annotations

from handlers import texts
from handlers.context import Scope
from handlers.messages import Address, Button
from handlers.training import cards
from handlers.training.payloads import ReminderAnswer
from handlers.training.rules import BATCH, day_reminder_cutoff
from handlers.training.waitlist import address_of, fill_seats
from storage.bookings import ReminderKind


def reminder_ref(booking_id: int) -> str:
    return f"trrem:{booking_id}"


async def send_reminders(scope: Scope) -> bool:
    s = scope.services
    settings = s.training
    due = await s.bookings.due_reminders(
        scope.conn,
        scope.now,
        day_before=day_reminder_cutoff(scope.now, s.timezone, settings.day_before_at),
        soon_before=scope.now + settings.hours_before,
        limit=BATCH,
    )
    # The text is the same for everyone on a session: made once a session and kind.
    shown: dict[tuple[int, str], str] = {}
    marked: dict[ReminderKind, list[int]] = {"day": [], "soon": []}
    for item in due:
        key = (item.session_id, item.kind)
        if key not in shown:
            session = await s.courses.session(scope.conn, item.session_id)
            course = await s.courses.course(scope.conn, session.course_id) if session else None
            assert session is not None and course is not None  # the query joined them
            shown[key] = cards.reminder(course, session, s.timezone, soon=item.kind == "soon")
        buttons = [
            [
                Button(texts.BTN_TRAINING_COME, ReminderAnswer(item.booking_id, "come").pack()),
                Button(texts.BTN_TRAINING_CANNOT, ReminderAnswer(item.booking_id, "cannot").pack()),
            ]
        ]
        to = Address(item.channel, item.chat_id)
        scope.send(to, shown[key], buttons, ref=reminder_ref(item.booking_id))
        marked[item.kind].append(item.booking_id)
    for kind, ids in marked.items():
        await s.bookings.mark_reminded(scope.conn, ids, kind, scope.now)
    return len(due) == BATCH


async def expire_offers(scope: Scope) -> bool:
    """A freed seat not taken in time passes to the next in line."""
    s = scope.services
    expired = await s.bookings.expired_offers(scope.conn, scope.now, BATCH)
    for booking in expired:
        await s.bookings.set_status(scope.conn, booking.id, "expired", scope.now)
        to = await address_of(scope, booking.user_id)
        if to is not None:
            scope.send(to, texts.TRAINING_OFFER_EXPIRED)
        await fill_seats(scope, booking.session_id)
    return len(expired) == BATCH


async def on_undeliverable(scope: Scope, ref: str, _error: str) -> None:
    """A reminder or an offer could not be delivered for good (the bot is blocked, or a
    billed Viber message is not allowed): no more reminders until the person writes again.
    An offer nobody can see passes on at once."""
    _prefix, _, raw = ref.partition(":")
    if not raw.isdigit():
        return
    s = scope.services
    booking = await s.bookings.get(scope.conn, int(raw))
    if booking is None:
        return
    await s.bookings.mark_unreachable(scope.conn, booking.user_id, scope.now)
    if booking.status == "offered":
        await s.bookings.set_status(scope.conn, booking.id, "expired", scope.now)
        await fill_seats(scope, booking.session_id)
