"""A reply sent in several messages: each message reaches the chat once, in order, even when
the messenger refuses one of them for a while or the bot restarts between them.

Real senders (aiogram, our Viber client) against the fake servers over loopback; the outbox
in a real SQLite file; time moved by the test's clock.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties

from bot import render
from bot.channels.telegram import CHANNEL as TELEGRAM
from bot.channels.telegram import TelegramSender
from bot.channels.viber import CHANNEL as VIBER
from bot.channels.viber import ViberApi, ViberSender
from bot.delivery import Delivery
from handlers import texts
from handlers.messages import Attachment, Button, Reply
from storage.db import Database, fetch_one
from storage.outbox import OutboxRepo
from tests.fakes import ApiCall, FakeTelegramServer
from tests.fakes.viber_api import DEFAULT_USER, FakeViberServer
from tests.harness import FakeClock

CITIZEN = 1001
CALENDAR = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
CHART = b"\x89PNG\r\n\x1a\nchart"


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as server:
        yield server


@pytest.fixture
async def viber() -> AsyncIterator[FakeViberServer]:
    async with FakeViberServer() as server:
        server.subscribed.add(DEFAULT_USER)
        yield server


def telegram_bot(tg: FakeTelegramServer) -> Bot:
    # As the bot makes it: HTML is what the sender writes.
    return tg.make_bot(default=DefaultBotProperties(parse_mode="HTML"))


async def queue(db: Database, clock: FakeClock, channel: str, chat_id: str, reply: Reply) -> int:
    async with db.transaction() as conn:
        return await OutboxRepo().add(
            conn,
            channel=channel,
            chat_id=chat_id,
            reply=json.dumps(reply.to_json(), ensure_ascii=False),
            ref=reply.ref,
            now=clock(),
        )


async def status_of(db: Database, item_id: int) -> str:
    async with db.transaction() as conn:
        row = await fetch_one(conn, "SELECT status FROM outbox WHERE id = ?", (item_id,))
    assert row is not None
    return str(row["status"])


def delivered(tg: FakeTelegramServer) -> list[ApiCall]:
    """What reached the resident, in order: the calls Telegram accepted."""
    return [call for call in tg.calls if call.ok and call.chat_id == CITIZEN]


def long_reply() -> Reply:
    """Three paragraphs that together need three Telegram messages."""
    paragraphs = [f"Частина {n}. " + "Читальна зала працює щодня. " * 130 for n in (1, 2, 3)]
    return Reply("\n\n".join(paragraphs), buttons=((Button(texts.BTN_MENU, "menu"),),))


@pytest.mark.parametrize(
    ("error_code", "description"),
    [(429, "Too Many Requests: retry after 1"), (500, "Internal Server Error")],
)
async def test_a_long_reply_whose_second_part_fails_once_arrives_once_in_order(
    tg: FakeTelegramServer, db: Database, clock: FakeClock, error_code: int, description: str
) -> None:
    reply = long_reply()
    chunks = render.split(reply.text, render.to_html)
    assert len(chunks) == 3
    item = await queue(db, clock, TELEGRAM, str(CITIZEN), reply)
    tg.fail_next("sendMessage", error_code=error_code, description=description, after=1)
    bot = telegram_bot(tg)
    try:
        delivery = Delivery(db, {TELEGRAM: TelegramSender(bot)}, clock)
        assert await delivery.flush() == 0  # the second part was refused: the row waits
        clock.advance(seconds=5)
        assert await delivery.flush() == 1
        assert await delivery.flush() == 0
    finally:
        await bot.session.close()
    messages = delivered(tg)
    assert [m.params["text"] for m in messages] == chunks  # each once, in order
    assert [str(m.text).split(".")[0] for m in messages] == ["Частина 1", "Частина 2", "Частина 3"]
    assert [("reply_markup" in m.params) for m in messages] == [False, False, True]
    assert await status_of(db, item) == "sent"


async def test_an_attachment_that_fails_once_does_not_repeat_the_text_or_other_files(
    tg: FakeTelegramServer, db: Database, clock: FakeClock
) -> None:
    reply = Reply(
        "Ви записані на курс «Смартфон без страху»",
        attachments=(
            Attachment.generated(CALENDAR, "курс.ics", "text/calendar"),
            Attachment.generated(CHART, "розклад.png", "image/png", kind="photo"),
        ),
    )
    await queue(db, clock, TELEGRAM, str(CITIZEN), reply)
    tg.fail_next("sendDocument", error_code=500, description="Internal Server Error")
    bot = telegram_bot(tg)
    try:
        delivery = Delivery(db, {TELEGRAM: TelegramSender(bot)}, clock)
        await delivery.flush()
        clock.advance(seconds=5)
        await delivery.flush()
    finally:
        await bot.session.close()
    text, calendar, chart = delivered(tg)
    assert [c.method for c in (text, calendar, chart)] == [
        "sendMessage",
        "sendDocument",
        "sendPhoto",
    ]
    assert calendar.files["document"] == CALENDAR and chart.files["photo"] == CHART
    # The files still answer the one text message, as they do when nothing fails.
    first = text.result["message_id"]
    assert calendar.result["reply_to_message"]["message_id"] == first
    assert chart.result["reply_to_message"]["message_id"] == first


async def test_a_restart_between_parts_resumes_at_the_unsent_part(
    tg: FakeTelegramServer, db: Database, clock: FakeClock
) -> None:
    reply = Reply(
        "Відповідь на звернення №12 — у файлах нижче.",
        attachments=(
            Attachment.link("https://mkrada.gov.ua/відповідь.pdf"),
            Attachment.generated(CALENDAR, "прийом.ics", "text/calendar"),
        ),
    )
    item = await queue(db, clock, TELEGRAM, str(CITIZEN), reply)
    tg.fail_next("sendDocument", after=1)  # the second file meets flood control
    bot = telegram_bot(tg)
    try:
        await Delivery(db, {TELEGRAM: TelegramSender(bot)}, clock).flush()
    finally:
        await bot.session.close()
    assert [call.method for call in delivered(tg)] == ["sendMessage", "sendDocument"]
    path = db.path
    await db.close()

    clock.advance(seconds=5)
    reopened = await Database.open(path)
    bot = telegram_bot(tg)
    try:
        assert await Delivery(reopened, {TELEGRAM: TelegramSender(bot)}, clock).flush() == 1
        assert await status_of(reopened, item) == "sent"
    finally:
        await bot.session.close()
        await reopened.close()
    text, pdf, calendar = delivered(tg)
    assert [text.method, pdf.method, calendar.method] == ["sendMessage", *["sendDocument"] * 2]
    assert pdf.params["document"] == "https://mkrada.gov.ua/відповідь.pdf"
    assert calendar.files["document"] == CALENDAR
    # The first message's id outlived the restart: the file sent after it still answers it.
    assert calendar.result["reply_to_message"]["message_id"] == text.result["message_id"]


async def test_a_reply_in_many_parts_under_flood_control_is_not_given_up_while_it_progresses(
    tg: FakeTelegramServer, db: Database, clock: FakeClock
) -> None:
    # Like a long /queue: twelve messages, Telegram refusing each of them once.
    lines = [f"Запитання №{n}: " + "коли відкриється філія? " * 150 for n in range(1, 13)]
    reply = Reply("\n\n".join(lines))
    chunks = render.split(reply.text, render.to_html)
    assert len(chunks) == 12
    item = await queue(db, clock, TELEGRAM, str(CITIZEN), reply)
    for index in range(12):
        tg.fail_next("sendMessage", after=0 if index == 0 else 1)
    bot = telegram_bot(tg)
    try:
        delivery = Delivery(db, {TELEGRAM: TelegramSender(bot)}, clock)
        for _ in range(13):
            await delivery.flush()
            clock.advance(seconds=5)
    finally:
        await bot.session.close()
    assert [m.params["text"] for m in delivered(tg)] == chunks
    assert await status_of(db, item) == "sent"


async def test_a_librarians_answer_on_viber_whose_second_part_fails_once_arrives_once(
    viber: FakeViberServer, db: Database, clock: FakeClock
) -> None:
    # The librarian answered in Telegram with a photo: on Viber, the answer and then a
    # notice about the file, the rating keyboard on the last message.
    answer = Reply(
        texts.ANSWER_TO_CITIZEN.format(number=7, text="Філія відкриється в понеділок о 9:00."),
        buttons=((Button(texts.BTN_RATE_UP, "t:up:7"), Button(texts.BTN_RATE_DOWN, "t:down:7")),),
        attachments=(Attachment("photo", "AgACAgIAAxkBAAI-telegram-photo"),),
        ref="answer:7",
    )
    item = await queue(db, clock, VIBER, DEFAULT_USER, answer)
    viber.fail_next("send_message", status=12, after=1)  # too many requests, once
    api = ViberApi(viber.base_url, viber.token)
    try:
        delivery = Delivery(db, {VIBER: ViberSender(api, "Приймальня")}, clock)
        assert await delivery.flush() == 0
        clock.advance(seconds=10)
        assert await delivery.flush() == 1
    finally:
        await api.close()
    text, notice = [call for call in viber.sent() if call.ok]
    assert "Філія відкриється в понеділок о 9:00." in text.text
    assert "у Viber його показати неможливо" in notice.text
    assert notice.labels == [texts.BTN_RATE_UP, texts.BTN_RATE_DOWN]
    assert await status_of(db, item) == "sent"
