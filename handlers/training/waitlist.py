"""A freed seat goes to the first in line, who has a while to take it before it passes on."""

from __future__ import annotations

from handlers import texts
from handlers.context import Scope
from handlers.messages import Address, Button
from handlers.training.payloads import OfferAnswer
from handlers.training.rules import is_bookable, offer_until, when
from storage.bookings import Booking


def offer_ref(booking_id: int) -> str:
    return f"troffer:{booking_id}"


async def address_of(scope: Scope, user_id: int) -> Address | None:
    user = await scope.services.users.get(scope.conn, user_id)
    return Address(user.channel, user.chat_id) if user else None


async def fill_seats(scope: Scope, session_id: int) -> None:
    """Offer every free seat of the session to the next in line, in order."""
    s = scope.services
    while True:
        session = await s.courses.session(scope.conn, session_id)
        if session is None or not is_bookable(session, scope.now) or not session.free:
            return
        first = await s.bookings.first_waiting(scope.conn, session_id)
        if first is None:
            return
        until = offer_until(session, scope.now, s.training)
        await s.bookings.offer(scope.conn, first.id, until, scope.now)
        course = await s.courses.course(scope.conn, session.course_id)
        to = await address_of(scope, first.user_id)
        if course is None or to is None:
            continue
        text = texts.TRAINING_OFFER.format(
            title=course.title,
            when=when(session.starts_at, s.timezone),
            branch=session.branch,
            until=when(until, s.timezone),
        )
        buttons = [
            [Button(texts.BTN_TRAINING_OFFER_TAKE, OfferAnswer(first.id, "take").pack())],
            [Button(texts.BTN_TRAINING_OFFER_PASS, OfferAnswer(first.id, "pass").pack())],
        ]
        scope.send(to, text, buttons, ref=offer_ref(first.id))


async def release(scope: Scope, booking: Booking, status: str) -> None:
    """The booking leaves its seat or its place in line; a seat goes to the next."""
    await scope.services.bookings.set_status(scope.conn, booking.id, status, scope.now)
    if booking.status in ("booked", "offered"):
        await fill_seats(scope, booking.session_id)
