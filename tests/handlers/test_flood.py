"""The per-resident rate limit: a flood gets one notice, then silence, and costs no rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers import texts
from handlers.flood import FloodGuard, Verdict
from handlers.queue.resident import ASK_QUESTION
from storage.db import Database
from storage.dialogs import DialogsRepo
from storage.users import UsersRepo
from tests.harness import TEST_CHANNEL, Chat, FakeClock, make_core

QUESTION = "Чи є в бібліотеці вайфай?"


def resident(db: Database, clock: FakeClock, limit: int = 20, user_id: str = "1001") -> Chat:
    core, delivery, sender = make_core(db, clock, rate_limit_per_minute=limit)
    return Chat(core, delivery, sender, user_id=user_id)


async def rows(db: Database) -> dict[str, int]:
    """Rows in every table: what a flood must not grow."""
    return await db.row_counts()


async def step_of(db: Database, chat: Chat) -> str | None:
    async with db.transaction() as conn:
        user = await UsersRepo().find(conn, TEST_CHANNEL, chat.user_id)
        assert user is not None
        saved = await DialogsRepo().load(conn, user.id)
    return saved[0] if saved else None


async def test_twenty_a_minute_are_answered_then_one_notice_then_silence_until_it_passes(
    db: Database, clock: FakeClock
) -> None:
    chat = resident(db, clock)
    # One a second: /start, 18 questions, then the librarian's button (the 20th).
    await chat.say("/start")
    clock.advance(seconds=1)
    for _ in range(18):
        [article] = await chat.say(QUESTION)
        assert "Wi-Fi" in article.text
        clock.advance(seconds=1)
    [prompt] = await chat.press(texts.BTN_LIBRARIAN)
    assert prompt.text == texts.ASK_PROMPT
    clock.advance(seconds=1)

    [notice] = await chat.say("Коли відкривається бібліотека?")  # the 21st
    assert notice.text == texts.RATE_LIMITED
    assert notice.chat_id == chat.chat_id and notice.labels == []
    before = await rows(db)
    for _ in range(19):  # the 22nd to the 40th
        clock.advance(seconds=1)
        assert await chat.say("Коли відкривається бібліотека?") == []
    assert await rows(db) == before
    assert before["kb_queries"] == 18 and before["tickets"] == 0
    assert await step_of(db, chat) == ASK_QUESTION  # the flood did not move the dialog

    clock.advance(seconds=21)  # a minute after the first message
    sent = await chat.say("Коли відкривається бібліотека?")
    [accepted] = [s for s in sent if s.chat_id == chat.chat_id]
    assert accepted.text.startswith("Дякую! Ваше запитання №1")
    assert (await rows(db))["tickets"] == 1


async def test_a_new_flood_after_the_minute_gets_a_new_notice(
    db: Database, clock: FakeClock
) -> None:
    chat = resident(db, clock, limit=3)
    for _ in range(3):
        assert await chat.say("/help")
    assert [s.text for s in await chat.say("/help")] == [texts.RATE_LIMITED]
    assert await chat.say("/help") == []

    clock.advance(minutes=1)
    for _ in range(3):
        assert await chat.say("/help")
    assert [s.text for s in await chat.say("/help")] == [texts.RATE_LIMITED]
    assert await chat.say("/help") == []


async def test_spam_over_the_limit_is_not_written_anywhere_not_even_the_inbox(
    db: Database, clock: FakeClock
) -> None:
    chat = resident(db, clock, limit=1)
    assert await chat.send(text="/help", update_key="u1")
    assert await chat.send(text="/help", update_key="u2")  # the notice: claimed, sent
    before = await rows(db)
    for number in range(3, 103):
        assert await chat.send(text=QUESTION, update_key=f"u{number}") == []
    assert await rows(db) == before
    # The notice's update, delivered again (e.g. after a restart), is not noticed twice.
    clock.advance(minutes=1)
    assert await chat.send(text="/help", update_key="u2") == []
    assert await chat.send(text="/help", update_key="u103")


async def test_one_residents_flood_does_not_silence_another(db: Database, clock: FakeClock) -> None:
    core, delivery, sender = make_core(db, clock, rate_limit_per_minute=2)
    flooder = Chat(core, delivery, sender, user_id="1001")
    other = Chat(core, delivery, sender, user_id="1002")
    for _ in range(5):
        await flooder.say("/help")
    assert flooder.last().text == texts.RATE_LIMITED
    [help_text] = await other.say("/help")
    assert help_text.chat_id == other.chat_id and "/cancel" in help_text.text


async def test_the_librarians_chat_is_never_limited(db: Database, clock: FakeClock) -> None:
    chat = resident(db, clock, limit=2)
    for _ in range(30):
        [reply] = await chat.staff_say("/help")
        assert reply.text == texts.STAFF_HELP
    # Nor does it use up the resident's allowance (the same person may be both).
    staff_member = Chat(chat.core, chat.delivery, chat.sender, user_id="9001")
    assert await staff_member.say("/help")
    assert await staff_member.say("/help")


async def test_zero_turns_the_limit_off(db: Database, clock: FakeClock) -> None:
    chat = resident(db, clock, limit=0)
    for _ in range(40):
        [reply] = await chat.say("/help")
        assert "/cancel" in reply.text
    assert texts.RATE_LIMITED not in [s.text for s in chat.sender.sent]


# --- the counter on its own ---------------------------------------------------------------

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_senders_idle_for_a_minute_are_forgotten() -> None:
    guard = FloodGuard(20)
    for user in range(1000):
        assert guard.check("telegram", str(user), T0) is Verdict.HANDLE
    assert len(guard) == 1000
    assert guard.check("telegram", "1", T0 + timedelta(seconds=61)) is Verdict.HANDLE
    assert len(guard) == 1


@pytest.mark.parametrize("limit", [1, 20])
def test_memory_stays_bounded_under_a_flood_of_new_ids(limit: int) -> None:
    guard = FloodGuard(limit, max_tracked=100)
    for user in range(5000):
        guard.check("viber", str(user), T0 + timedelta(milliseconds=user))
    assert len(guard) == 100


def test_the_same_id_on_two_channels_is_two_people() -> None:
    guard = FloodGuard(1)
    assert guard.check("telegram", "42", T0) is Verdict.HANDLE
    assert guard.check("viber", "42", T0) is Verdict.HANDLE
    assert guard.check("telegram", "42", T0) is Verdict.NOTICE
