"""Courses and sessions for the training tests, and running its jobs as the scheduler does."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers import texts
from handlers.context import Job
from handlers.core import Core
from storage.courses import CoursesRepo, NewCourse, NewSession
from storage.db import Database
from tests.harness import KYIV, Chat

COURSE = NewCourse(
    "smartphone",
    "Смартфон для початківців",
    "Дзвінки, повідомлення, фото.",
    "Для людей старшого віку",
    "3 заняття по 1,5 години",
    "Свій смартфон, окуляри",
)
BRANCH = "Бібліотека-філія №11"
ADDRESS = "просп. Богоявленський, 24"
# The test clock starts on Thursday 26.11.2026, 12:00 in Kyiv.
SATURDAY_10 = datetime(2026, 11, 28, 10, 0, tzinfo=KYIV)


async def add_session(
    db: Database,
    *,
    starts: datetime = SATURDAY_10,
    seats: int = 10,
    branch: str = BRANCH,
    course: NewCourse = COURSE,
) -> int:
    repo = CoursesRepo()
    now = datetime(2026, 11, 1, tzinfo=UTC)
    async with db.transaction() as conn:
        course_id = await repo.upsert_course(conn, course, now)
        return await repo.upsert_session(
            conn, course_id, NewSession(branch, ADDRESS, starts, 90, seats, "Олена Ткаченко"), now
        )


def job(core: Core, name: str) -> Job:
    [found] = [j for j in core.routes.features.jobs if j.name == name]
    return found


async def run_job(chat: Chat, name: str) -> None:
    await chat.core.run_job(job(chat.core, name))
    await chat.delivery.flush()


async def book(chat: Chat, session_label: str = "сб 28.11", *, first_time: bool = True) -> None:
    """From the menu to «Записатися» on the review, as a resident taps it."""
    await chat.say("/start")
    await chat.press("Навчання")
    await chat.press(COURSE.title)
    session = await chat.press(session_label)
    full = texts.BTN_TRAINING_JOIN_WAITLIST in session[-1].labels
    await chat.press(texts.BTN_TRAINING_JOIN_WAITLIST if full else "Записатися")
    if first_time:
        await chat.press("Погоджуюсь")
        await chat.say(f"{chat.name} Шевченко")
        await chat.say("067 123 45 67")
        await chat.press("60 років")


# A resident's taps from the greeting to the form, over a messenger: (button, start of the
# screen it opens).
TAPS_TO_FORM = (
    (texts.BTN_TRAINING, "🎓"),
    (COURSE.title, COURSE.title),
    (" · ", COURSE.title),
    (texts.BTN_TRAINING_BOOK, "Перш ніж"),
    (texts.BTN_CONSENT_YES, "Напишіть"),
)
