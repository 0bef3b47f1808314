"""How a session, a booking and its calendar file look to the resident."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers import texts
from handlers.messages import Attachment, Markdown
from handlers.training import calendar
from handlers.training.rules import seats, when
from storage.bookings import Booking
from storage.courses import Course, Session


def course_text(course: Course) -> str:
    return texts.TRAINING_COURSE.format(
        title=course.title,
        description=course.description,
        audience=course.audience,
        duration=course.duration,
        bring=course.bring,
    )


def availability(session: Session) -> str:
    if session.free:
        return texts.TRAINING_FREE.format(seats=Markdown(seats(session.free)))
    return texts.TRAINING_FULL.format(waiting=session.waiting)


def session_text(course: Course, session: Session, tz: ZoneInfo) -> str:
    return texts.TRAINING_SESSION.format(
        title=course.title,
        when=when(session.starts_at, tz),
        branch=session.branch,
        address=session.address,
        teacher=session.teacher,
        bring=course.bring,
        availability=availability(session),
    )


def confirmation(course: Course, session: Session, tz: ZoneInfo) -> str:
    return texts.TRAINING_BOOKED.format(
        title=course.title,
        when=when(session.starts_at, tz),
        branch=session.branch,
        address=session.address,
        bring=course.bring,
    )


def ics(course: Course, session: Session, booking: Booking) -> Attachment:
    data = calendar.event(
        uid=f"booking-{booking.id}@pryimalnia",
        title=course.title,
        starts=session.starts_at,
        ends=session.ends_at,
        location=f"{session.branch}, {session.address}",
        description=texts.plain(texts.TRAINING_ICS_DESCRIPTION, bring=course.bring),
        stamp=booking.created_at,
    )
    return calendar.attachment(data, texts.plain(texts.TRAINING_ICS_NAME, id=booking.id))


def reminder(course: Course, session: Session, tz: ZoneInfo, *, soon: bool) -> str:
    template = texts.TRAINING_REMIND_SOON if soon else texts.TRAINING_REMIND_DAY
    return template.format(
        title=course.title,
        when=when(session.starts_at, tz),
        branch=session.branch,
        address=session.address,
        bring=course.bring,
    )
