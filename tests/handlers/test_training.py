"""Course booking as residents and librarians live it: find a session, book, the calendar
file, reminders across a restart, «Не зможу» and the waitlist, limits, cancellation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.channels.base import Undeliverable
from bot.settings import SHIPPED_ARTICLES
from handlers import texts
from handlers.training.payloads import Attended, CancelSession
from knowledge_base.holder import KnowledgeBaseHolder
from knowledge_base.loader import parse_article
from storage.bookings import BookingsRepo
from storage.db import Database
from tests.harness import Chat, FakeClock, make_core, write_articles
from tests.helpers.training import ADDRESS, BRANCH, COURSE, add_session, book, run_job

REMINDERS = "training-reminders"
OFFERS = "training-offers"


def chat_of(db: Database, clock: FakeClock, user_id: str, name: str) -> Chat:
    core, delivery, sender = make_core(db, clock)
    return Chat(core, delivery, sender, user_id=user_id, name=name)


def friends(chat: Chat, user_id: str, name: str) -> Chat:
    """Another resident on the same bot (same core, outbox and sender)."""
    return Chat(chat.core, chat.delivery, chat.sender, user_id=user_id, name=name)


async def statuses(db: Database, session_id: int) -> list[tuple[str, str]]:
    async with db.transaction() as conn:
        found = await BookingsRepo().of_session(conn, session_id)
    return [(b.name, b.status) for b in found]


async def test_a_new_resident_books_gets_the_calendar_file_and_both_reminders_once(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    await add_session(db)
    await chat.say("/start")
    courses = await chat.press("Навчання")
    assert COURSE.title in courses[-1].labels
    course = await chat.press(COURSE.title)
    [session_label] = [label for label in course[-1].labels if BRANCH in label]
    assert session_label.startswith("сб 28.11, 10:00") and "10 вільних місць" in session_label
    session = await chat.press("сб 28.11")
    assert "субота, 28.11.2026, 10:00" in session[-1].text
    consent = await chat.press("Записатися")
    assert "ваші дані" in consent[-1].text
    await chat.press("Погоджуюсь")
    wrong = await chat.say("0671234567 Олена")
    assert wrong[-1].text == texts.TRAINING_ERR_NAME
    await chat.say("Олена Шевченко")
    bad_phone = await chat.say("12345")
    assert bad_phone[-1].text == texts.APPEAL_ERR_PHONE
    await chat.say("067 123 45 67")
    review = await chat.press("60 років")
    assert "Олена Шевченко" in review[-1].text and "+380671234567" in review[-1].text
    [confirmation] = await chat.press("Записатися")
    assert "Вас записано" in confirmation.text
    assert ADDRESS in confirmation.text and COURSE.bring in confirmation.text
    [ics] = confirmation.reply.attachments
    assert ics.mime_type == "text/calendar" and ics.file_name.endswith(".ics")
    body = ics.data.decode()
    assert "DTSTART:20261128T080000Z" in body and "UID:booking-1@pryimalnia" in body
    assert all(line.endswith("\r") for line in body.split("\n")[:-1])

    # Thursday evening: nothing yet. Friday 10:00 in Kyiv: the day-before reminder, once.
    await run_job(chat, REMINDERS)
    assert chat.last().text.startswith("✅")
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    before = len(chat.sender.sent)
    await run_job(chat, REMINDERS)
    [day] = chat.sender.sent[before:]
    assert "завтра заняття" in day.text and day.labels == ["👍 Буду", "✖️ Не зможу"]
    await run_job(chat, REMINDERS)
    # A restart: a new core on the same database sends nothing again.
    again = chat_of(db, clock, chat.user_id, chat.name)
    await run_job(again, REMINDERS)
    assert len(chat.sender.sent) == before + 1 and not again.sender.sent
    # Saturday 08:00: two hours before, the second one, on the restarted bot.
    clock.now = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
    await run_job(again, REMINDERS)
    await run_job(again, REMINDERS)
    [soon] = again.sender.sent
    assert "Скоро заняття" in soon.text
    await again.press("Буду")
    assert again.last().text == texts.TRAINING_SEE_YOU


async def test_a_reminder_missed_while_down_is_sent_only_before_the_session_begins(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    await add_session(db)
    await book(chat)
    await chat.press("Записатися")
    # Down from Thursday to Saturday 09:00: the day-before moment passed; the session has
    # not begun, so the hours-before reminder (which says it all) goes, just one.
    clock.now = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
    before = len(chat.sender.sent)
    await run_job(chat, REMINDERS)
    assert [s.text.split("\n")[0] for s in chat.sender.sent[before:]] == ["🔔 **Скоро заняття**"]


async def test_no_reminder_after_the_session_began(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    await add_session(db)
    await book(chat)
    await chat.press("Записатися")
    clock.now = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)  # down until half past the start
    before = len(chat.sender.sent)
    await run_job(chat, REMINDERS)
    assert chat.sender.sent[before:] == []


async def test_cannot_come_frees_the_seat_for_the_first_in_line_who_confirms_it(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    session_id = await add_session(db, seats=1)
    await book(chat)
    await chat.press("Записатися")
    petro = friends(chat, "1002", "Петро")
    await book(petro)
    [queued] = await petro.press("Записатися")
    assert queued.text == texts.TRAINING_WAITLISTED.format(position=1)
    ivan = friends(chat, "1003", "Іван")
    await book(ivan)
    await ivan.press("Записатися")
    assert "місце в черзі: 2" in ivan.last().text

    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    await run_job(chat, REMINDERS)
    await chat.press("Не зможу")
    assert chat.last().text == texts.TRAINING_DECLINED
    offer = petro.last()
    assert "Звільнилося місце" in offer.text and "27.11.2026, 22:00" in offer.text
    assert await statuses(db, session_id) == [
        ("Петро Шевченко", "offered"),
        ("Іван Шевченко", "waiting"),
    ]
    [booked] = await petro.press("Так, записатися")
    assert "Вас записано" in booked.text and booked.reply.attachments
    assert await statuses(db, session_id) == [
        ("Петро Шевченко", "booked"),
        ("Іван Шевченко", "waiting"),
    ]


async def test_an_offer_not_confirmed_in_time_passes_to_the_next_in_line(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    session_id = await add_session(db, starts=datetime(2026, 12, 5, 10, 0, tzinfo=UTC), seats=1)
    await book(chat, "сб 05.12")
    await chat.press("Записатися")
    petro, ivan = friends(chat, "1002", "Петро"), friends(chat, "1003", "Іван")
    for person in (petro, ivan):
        await book(person, "сб 05.12")
        await person.press("Записатися")
    await chat.press("Мої записи")
    await chat.press("Скасувати")
    await chat.press("Так, скасувати")
    assert "Звільнилося місце" in petro.last().text
    clock.advance(hours=11, minutes=59)
    await run_job(chat, OFFERS)
    assert await statuses(db, session_id) == [
        ("Петро Шевченко", "offered"),
        ("Іван Шевченко", "waiting"),
    ]
    clock.advance(minutes=1)
    await run_job(chat, OFFERS)
    assert petro.last().text == texts.TRAINING_OFFER_EXPIRED
    assert "Звільнилося місце" in ivan.last().text
    assert await statuses(db, session_id) == [("Іван Шевченко", "offered")]
    late = await petro.press("Так, записатися")
    assert late[-1].text.startswith(texts.TRAINING_OFFER_GONE)


async def test_fifty_presses_at_once_for_the_last_seat_book_exactly_one(
    db: Database, clock: FakeClock
) -> None:
    session_id = await add_session(db, seats=1)
    core, delivery, sender = make_core(db, clock)
    people = [Chat(core, delivery, sender, user_id=str(2000 + i), name="Марія") for i in range(50)]
    for person in people:
        await book(person)
    sends = [person.button("Записатися").payload for person in people]
    await asyncio.gather(
        *(core.handle(_press(p, payload)) for p, payload in zip(people, sends, strict=True))
    )
    found = [status for _name, status in await statuses(db, session_id)]
    assert found.count("booked") == 1 and found.count("waiting") == 49


def _press(chat: Chat, payload: str | None) -> object:
    from handlers.messages import Event
    from tests.harness import TEST_CHANNEL

    return Event(TEST_CHANNEL, chat.user_id, chat.chat_id, display_name=chat.name, payload=payload)


async def test_a_fourth_upcoming_booking_is_refused_before_any_question(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    for day in (1, 2, 3, 4):
        await add_session(db, starts=datetime(2026, 12, day, 10, 0, tzinfo=UTC))
    await book(chat, "вт 01.12")
    await chat.press("Записатися")
    for label in ("ср 02.12", "чт 03.12"):
        await book(chat, label, first_time=False)
        [booked] = await chat.press("Записатися")
        assert "Вас записано" in booked.text
    await chat.press("Навчання")
    await chat.press(COURSE.title)
    await chat.press("пт 04.12")
    [refused] = await chat.press("Записатися")
    assert "не більше 3 записи" in refused.text
    mine = await chat.press("Мої записи")
    assert mine[-1].text.count("Місце за вами") == 3


async def test_a_session_cancelled_by_staff_tells_everyone_and_sends_no_reminders(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    session_id = await add_session(db, seats=1)
    await book(chat)
    await chat.press("Записатися")
    petro = friends(chat, "1002", "Петро")
    await book(petro)
    await petro.press("Записатися")
    [ask] = await chat.staff_say(f"/cancel_session {session_id}")
    assert "Скасувати заняття" in ask.text
    done = await chat.staff_press(CancelSession(session_id).pack())
    told = {s.chat_id for s in done if "Заняття скасовано" in s.text}
    assert told == {chat.chat_id, petro.chat_id}
    assert "Повідомлено: 2 людини" in done[-1].text
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    before = len(chat.sender.sent)
    await run_job(chat, REMINDERS)
    assert chat.sender.sent[before:] == []
    assert await statuses(db, session_id) == []


async def test_a_resident_who_blocked_the_bot_is_skipped_until_they_write_again(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    await add_session(db)
    await book(chat)
    await chat.press("Записатися")

    async def blocked(chat_id: str, reply: object) -> str | None:
        raise Undeliverable("Forbidden: bot was blocked by the user")

    real = chat.sender.send
    chat.sender.send = blocked  # type: ignore[method-assign,assignment]
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    await run_job(chat, REMINDERS)
    async with db.transaction() as conn:
        assert await BookingsRepo().is_unreachable(conn, 1)
    chat.sender.send = real  # type: ignore[method-assign]
    clock.now = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
    before = len(chat.sender.sent)
    await run_job(chat, REMINDERS)
    assert chat.sender.sent[before:] == []
    # Back (unblocked and writing): the bot may reach them again.
    await chat.say("/start")
    async with db.transaction() as conn:
        assert not await BookingsRepo().is_unreachable(conn, 1)


async def test_name_and_phone_from_an_earlier_appeal_are_offered_after_consent(
    db: Database, chat: Chat
) -> None:
    await add_session(db)
    async with db.transaction() as conn:
        user = await chat.core.services.users.touch(
            conn,
            channel="test",
            external_id=chat.user_id,
            chat_id=chat.chat_id,
            display_name=None,
            now=datetime(2026, 11, 1, tzinfo=UTC),
        )
        appeal = await chat.core.services.appeals.create_draft(
            conn, user.id, datetime(2026, 11, 1, tzinfo=UTC)
        )
        await chat.core.services.appeals.update(
            conn,
            appeal.id,
            datetime(2026, 11, 1, tzinfo=UTC),
            surname="Коваль",
            given_name="Ганна",
            phone="+380671112233",
        )
    await book(chat, first_time=False)
    review = await chat.press("Погоджуюсь")
    assert "Ганна Коваль" in review[-1].text and "+380671112233" in review[-1].text
    [booked] = await chat.press("Записатися")
    assert "Вас записано" in booked.text


async def test_staff_see_who_booked_and_mark_who_came_for_the_reports(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    session_id = await add_session(db, seats=1)
    await book(chat)
    await chat.press("Записатися")
    petro = friends(chat, "1002", "Петро")
    await book(petro)
    await petro.press("Записатися")
    [listed] = await chat.staff_say(f"/attendees {session_id}")
    assert "1. Олена Шевченко, \\+380671234567, 60 років і старше" in listed.text
    assert "Черга:\n1. Петро Шевченко" in listed.text
    assert listed.labels == ["⬜ Олена Шевченко"]
    [marked] = await chat.staff_press(Attended(1).pack(), message_id=listed.message_id)
    assert marked.labels == ["✅ Олена Шевченко"] and marked.message_id == listed.message_id
    [report] = await chat.staff_say("/trained")
    assert "Навчено людей: 1" in report.text
    assert f"{COURSE.title}, 60 років і старше: 1" in report.text
    [courses] = await chat.staff_say("/courses")
    assert f"#{session_id} субота, 28.11.2026, 10:00" in courses.text
    assert "зайнято 1 з 1, у черзі 1" in courses.text


async def test_staff_add_a_session_with_the_guided_dialog(
    db: Database, clock: FakeClock, chat: Chat
) -> None:
    await add_session(db)
    await chat.staff_say("/new_session")
    from handlers.training.payloads import StaffNav, StaffPick

    await chat.staff_press(StaffPick("course", "1").pack())
    for answer in ("Бібліотека-філія №5", "вул. Велика Морська, 50", "32.12.2026 10:00"):
        last = await chat.staff_say(answer)
    assert last[-1].text == texts.TRAINING_STAFF_ERR_START
    for answer in ("01.12.2026 14:00", "120", "8", "Наталія Бондар"):
        last = await chat.staff_say(answer)
    assert "Нове заняття" in last[-1].text
    [created] = await chat.staff_press(StaffNav("send").pack())
    assert created.text.startswith("Заняття #2 курсу")
    await chat.say("/start")
    await chat.press("Навчання")
    course = await chat.press(COURSE.title)
    assert any(
        label == "вт 01.12, 14:00 · Бібліотека-філія №5 · 8 вільних місць"
        for label in course[-1].labels
    )


async def test_the_course_article_offers_the_booking_button(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    shipped = SHIPPED_ARTICLES / "robota-navchannia" / "computer-courses.md"
    article, _warnings = parse_article(shipped)
    assert article.offers_training
    kb = KnowledgeBaseHolder.load(
        write_articles(tmp_path / "kb", {"courses.md": shipped.read_text()})
    )
    core, delivery, sender = make_core(db, clock, kb=kb)
    chat = Chat(core, delivery, sender)
    await add_session(db)
    await chat.say("/start")
    await chat.press(texts.BTN_REFERENCE)
    await chat.press("Робота і навчання")
    shown = await chat.press("Безкоштовні курси")
    assert texts.BTN_KB_BOOK_COURSE in shown[-1].labels
    opened = await chat.press(texts.BTN_KB_BOOK_COURSE)
    assert opened[-1].text == texts.TRAINING_INTRO and COURSE.title in opened[-1].labels
