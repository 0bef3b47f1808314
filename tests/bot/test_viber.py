"""The Viber channel: signed callbacks in, REST calls out, against a fake Viber over loopback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app import run_channels
from bot.channels.viber import (
    CHANNEL,
    WEBHOOK_PATH,
    ViberApi,
    ViberChannel,
    ViberConfig,
    ViberSender,
    build_messages,
)
from bot.delivery import Delivery, Policy, RetryLater, Undeliverable, viber_free_window
from bot.settings import Settings
from handlers import texts
from handlers.messages import Attachment, Button, Reply
from storage.db import Database
from storage.outbox import OutboxItem, OutboxRepo
from storage.users import UsersRepo
from tests.fakes import ApiCall, FakeTelegramServer
from tests.fakes.viber_api import DEFAULT_USER, FakeViberServer, ViberCall
from tests.harness import MENU_LABELS, TEST_KB, FakeClock
from tests.helpers.senders import send_all

STAFF_CHAT_ID = -1001234
LIBRARIAN = 555


@pytest.fixture
async def viber() -> AsyncIterator[FakeViberServer]:
    async with FakeViberServer() as server:
        yield server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings_for(viber: FakeViberServer, tmp_path: Path, **extra: object) -> Settings:
    port = free_port()
    fields: dict[str, object] = {
        "viber_auth_token": viber.token,
        "viber_api_url": viber.base_url,
        "viber_bot_name": "Приймальня",
        "webhook_base_url": f"http://127.0.0.1:{port}",
        "webhook_port": port,
        "database_path": tmp_path / "reception.sqlite3",
        "knowledge_base_dir": TEST_KB,
        # Words alone: which engine answers must not depend on how fast vectors are made.
        "semantic_search": False,
    }
    return Settings(_env_file=None, **(fields | extra))  # type: ignore[arg-type,call-arg]


@contextlib.asynccontextmanager
async def running(settings: Settings, viber: FakeViberServer) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_channels(settings, stop))
    # Started once Viber has accepted the webhook (it checked the address with a call).
    hook = await viber.wait_for("set_webhook", lambda call: call.ok, timeout=60)
    assert hook.body["url"] == f"{settings.webhook_base_url}{WEBHOOK_PATH}"
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def says(starting: str = "", *, containing: str = "") -> Callable[[ViberCall], bool]:
    def match(call: ViberCall) -> bool:
        return (
            call.ok
            and call.receiver == DEFAULT_USER
            and call.text.startswith(starting)
            and containing in call.text
        )

    return match


async def test_a_bad_or_missing_signature_is_refused_and_nothing_is_handled(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    async with running(settings_for(viber, tmp_path), viber):
        forged = viber.message({"type": "text", "text": "/start"})
        assert (await viber.post_callback(forged, signed_with="not-the-token"))[0] == 403
        assert (await viber.post_callback(forged, signed_with=None))[0] == 403
        await viber.send_text("/help")
        await viber.wait_for("send_message", says(containing="/cancel"))
        # Replies to one chat go out in order: a greeting would have come first.
        assert len(viber.sent()) == 1


async def test_opening_the_chat_and_start_greet_with_the_menu_as_a_keyboard(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    async with running(settings_for(viber, tmp_path), viber):
        status, welcome = await viber.conversation_started()
        assert status == 200 and welcome is not None
        assert welcome["sender"] == {"name": "Приймальня"}
        assert welcome["type"] == "text" and welcome["text"].startswith("Вітаю!")
        assert [b["Text"] for b in welcome["keyboard"]["Buttons"]] == MENU_LABELS
        assert viber.sent() == []  # the welcome travels in the answer, not by send_message

        await viber.send_text("/start")
        greeting = await viber.wait_for("send_message", says("Вітаю!"))
        assert greeting.labels == MENU_LABELS
        assert greeting.body["sender"] == {"name": "Приймальня"}
        buttons = greeting.body["keyboard"]["Buttons"]
        assert all(b["ActionType"] == "reply" and b["Columns"] == 6 for b in buttons)
        assert greeting.action(texts.BTN_CONTACTS) == "btn:contacts"


async def test_pressing_a_button_opens_its_screen_and_a_sticker_gets_a_friendly_reply(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    async with running(settings_for(viber, tmp_path), viber):
        await viber.send_text("/start")
        greeting = await viber.wait_for("send_message", says("Вітаю!"))
        await viber.press(greeting.action(texts.BTN_CONTACTS))
        contacts = await viber.wait_for("send_message", says("Центральна бібліотека"))
        assert "вул. Потьомкінська, 143а" in contacts.text
        assert "**" not in contacts.text  # Markdown rendered to plain text

        await viber.send_sticker()
        reply = await viber.wait_for("send_message", says(containing="стікери"))
        assert reply.labels == [texts.BTN_MENU]


async def test_an_answer_keeps_its_links_on_the_keyboard_viber_shows(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    # Viber shows the keyboard of the last message only: an answer is one message, so
    # its links stay on screen beside «did it help?».
    async with running(settings_for(viber, tmp_path), viber):
        await viber.send_text("як передати показники лічильника води")
        answer = await viber.wait_for("send_message", says("Як передати показники"))
        assert answer.text.endswith(texts.KB_FEEDBACK)
        assert answer.labels == ["Міська рада", texts.BTN_YES, texts.BTN_NO, texts.BTN_MENU]
        [link] = [b for b in answer.body["keyboard"]["Buttons"] if b["Text"] == "Міська рада"]
        assert link["ActionType"] == "open-url"
        assert link["ActionBody"] == "https://mkrada.gov.ua"
        assert len(viber.sent()) == 1


async def test_after_the_details_of_an_answer_viber_still_offers_yes_and_no(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    # The details' keyboard replaces the answer's on Viber: it must carry Так / Ні too.
    folder = tmp_path / "kb"
    folder.mkdir()
    steps = "\n\n".join(f"**Крок {i}.** " + "Заповніть поле заяви. " * 10 for i in range(1, 9))
    (folder / "guide.md").write_text(
        "---\nid: guide\ntitle: Реєстрація місця проживання\ncategory: Документи\n"
        "questions:\n  - як зареєструвати місце проживання\n---\n"
        "Зареєструватися можна онлайн у Дії.\n\n" + steps + "\n",
        encoding="utf-8",
    )
    async with running(settings_for(viber, tmp_path, knowledge_base_dir=folder), viber):
        await viber.send_text("як зареєструвати місце проживання")
        answer = await viber.wait_for("send_message", says("Реєстрація місця проживання"))
        assert answer.labels == [texts.BTN_MORE, texts.BTN_YES, texts.BTN_NO, texts.BTN_MENU]
        await viber.press(answer.action(texts.BTN_MORE))
        details = await viber.wait_for("send_message", lambda c: "Крок 8." in c.text)
        assert details.text.endswith(texts.KB_FEEDBACK)
        assert details.labels == [texts.BTN_YES, texts.BTN_NO, texts.BTN_MENU]
        await viber.press(details.action(texts.BTN_YES))
        await viber.wait_for("send_message", says(texts.KB_THANKS))


async def test_a_redelivered_callback_is_handled_once(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    async with running(settings_for(viber, tmp_path), viber):
        callback = await viber.send_text("/help")
        await viber.deliver(callback)  # Viber retries a callback it thinks failed
        await viber.send_text("/menu")
        await viber.wait_for("send_message", says(texts.MENU))
        assert [call.text.startswith(texts.MENU) for call in viber.sent()] == [False, True]


async def test_a_viber_question_reaches_librarians_in_telegram_and_the_answer_comes_back(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    async with FakeTelegramServer() as tg:
        settings = settings_for(
            viber,
            tmp_path,
            telegram_bot_token=tg.token,
            telegram_api_url=tg.base_url,
            staff_chat_id=STAFF_CHAT_ID,
        )
        tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN, "member")
        async with running(settings, viber):
            await viber.send_text("/start")
            greeting = await viber.wait_for("send_message", says("Вітаю!"))
            await viber.press(greeting.action(texts.BTN_LIBRARIAN))
            await viber.wait_for("send_message", says(texts.ASK_PROMPT[:20]))
            await viber.send_text("Коли відкриється філія на Соляних?")

            def in_staff_chat(call: ApiCall) -> bool:
                return call.ok and call.chat_id == STAFF_CHAT_ID

            card = await tg.wait_for("sendMessage", in_staff_chat)
            assert "Коли відкриється філія на Соляних?" in str(card.result["text"])
            await viber.wait_for("send_message", says("Дякую! Ваше запитання №1"))

            tg.send_text(
                "Філія відкриється в понеділок о 9:00.",
                user_id=LIBRARIAN,
                chat_id=STAFF_CHAT_ID,
                chat_type="supergroup",
                first_name="Ірина",
                reply_to_message_id=card.result["message_id"],
            )
            answer = await viber.wait_for("send_message", says("Відповідь бібліотекаря"))
            assert "Філія відкриється в понеділок о 9:00." in answer.text
            assert texts.BTN_RATE_UP in answer.labels


# --- the sender on its own ----------------------------------------------------------------


@contextlib.asynccontextmanager
async def sender_for(viber: FakeViberServer) -> AsyncIterator[ViberSender]:
    api = ViberApi(viber.base_url, viber.token)
    try:
        yield ViberSender(api, "Приймальня")
    finally:
        await api.close()


async def seen(db: Database, clock: FakeClock, user_id: str = DEFAULT_USER) -> None:
    async with db.transaction() as conn:
        await UsersRepo().touch(
            conn,
            channel=CHANNEL,
            external_id=user_id,
            chat_id=user_id,
            display_name=None,
            now=clock(),
        )


async def test_without_proactive_messages_a_person_silent_for_a_day_is_not_written_to(
    viber: FakeViberServer, db: Database, clock: FakeClock
) -> None:
    viber.subscribed.add(DEFAULT_USER)
    failures: list[str] = []

    async def failed(item: OutboxItem, error: str) -> None:
        failures.append(error)

    async with sender_for(viber) as sender:
        policies: dict[str, Policy] = {CHANNEL: viber_free_window()}
        delivery = Delivery(db, {CHANNEL: sender}, clock, on_failed=failed, policies=policies)
        outbox = OutboxRepo()

        async def queue(text: str) -> None:
            async with db.transaction() as conn:
                reply = Reply(text).to_json()
                await outbox.add(
                    conn,
                    channel=CHANNEL,
                    chat_id=DEFAULT_USER,
                    reply=json_of(reply),
                    ref=None,
                    now=clock(),
                )

        await seen(db, clock)
        clock.advance(hours=23)
        await queue("Відповідь на ваше запитання")
        assert await delivery.flush() == 1
        clock.advance(hours=2)  # 25 h since the person last wrote
        await queue("Нагадування")
        assert await delivery.flush() == 0
        assert [c.text for c in viber.sent()] == ["Відповідь на ваше запитання"]
        [reason] = failures
        assert "VIBER_PROACTIVE_MESSAGES=false" in reason and "24 hours" in reason

        await seen(db, clock)  # the person writes again: replies flow again
        await queue("Ще одна відповідь")
        assert await delivery.flush() == 1


def json_of(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


async def test_viber_status_codes_and_http_errors_map_to_delivery_outcomes(
    viber: FakeViberServer, db: Database, clock: FakeClock
) -> None:
    async with sender_for(viber) as sender:
        with pytest.raises(Undeliverable, match="not subscribed"):
            await send_all(sender, DEFAULT_USER, Reply("Привіт"))  # never wrote to the bot
        viber.subscribed.add(DEFAULT_USER)
        viber.fail_next("send_message", http_status=503)
        with pytest.raises(RetryLater):
            await send_all(sender, DEFAULT_USER, Reply("Привіт"))
        viber.fail_next("send_message", status=12)  # too many requests
        with pytest.raises(RetryLater):
            await send_all(sender, DEFAULT_USER, Reply("Привіт"))
        token = await send_all(sender, DEFAULT_USER, Reply("Привіт", edit="41"))
        assert token is not None and viber.sent()[-1].text == "Привіт"  # an edit: a new message


async def test_replies_become_valid_viber_messages(
    viber: FakeViberServer, db: Database, clock: FakeClock
) -> None:
    viber.subscribed.add(DEFAULT_USER)
    reply = Reply(
        "**Крок 1.** " + "Заповніть поле & перевірте. " * 400,
        buttons=(
            tuple(Button(str(i), f"p:{i}") for i in range(4)),
            (Button("Міська рада", url="https://mkrada.gov.ua"),),
        ),
        request_contact=True,
        attachments=(
            Attachment("photo", "https://dl-media.viber.com/1/share/2/long/bots/photo.jpg"),
            Attachment("document", "BQACAgIAAxkBAAI-telegram-id", file_name="відповідь.pdf"),
        ),
    )
    async with sender_for(viber) as sender:
        await send_all(sender, DEFAULT_USER, reply)
    calls = viber.sent()
    assert all(call.ok for call in calls)  # the fake refuses what Viber would refuse
    texts_sent = [c for c in calls if c.body["type"] == "text"]
    assert len(texts_sent) == 3 and all(len(c.text) <= 7000 for c in texts_sent[:2])
    assert "**" not in texts_sent[0].text
    assert calls[2].body == {
        "receiver": DEFAULT_USER,
        "sender": {"name": "Приймальня"},
        "type": "picture",
        "text": "",
        "media": "https://dl-media.viber.com/1/share/2/long/bots/photo.jpg",
    }
    notice = calls[-1]
    assert "«відповідь.pdf»" in notice.text and "у Viber його показати неможливо" in notice.text
    assert notice.body["min_api_version"] == 3
    buttons = notice.body["keyboard"]["Buttons"]
    assert buttons[0]["ActionType"] == "share-phone"
    assert [b["Columns"] for b in buttons[1:5]] == [2, 2, 1, 1]  # one row stays one row
    assert buttons[5] == {
        "Columns": 6,
        "Rows": 1,
        "Text": "Міська рада",
        "ActionType": "open-url",
        "ActionBody": "https://mkrada.gov.ua",
    }


def test_a_keyboard_never_has_more_than_24_buttons() -> None:
    rows = tuple((Button(f"Тема {i}", f"kb:{i}"),) for i in range(30))
    [message] = build_messages(Reply("Оберіть тему", rows))
    assert len(message["keyboard"]["Buttons"]) == 24


def test_viber_needs_a_public_webhook_address() -> None:
    fields: dict[str, object] = {"viber_auth_token": "token", "librarians": False}
    settings = Settings(_env_file=None, **fields)  # type: ignore[arg-type,call-arg]
    [problem] = settings.problems()
    assert problem.startswith("WEBHOOK_BASE_URL: required when VIBER_AUTH_TOKEN is set")
    fields["webhook_base_url"] = "https://bot.example.org"
    with_url = Settings(_env_file=None, **fields)  # type: ignore[arg-type,call-arg]
    assert with_url.problems() == [] and with_url.viber_proactive_messages


CALENDAR = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
CHART = b"\x89PNG\r\n\x1a\nchart"


async def test_a_generated_file_is_served_from_the_webhook_server_as_a_file_message(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    viber.subscribed.add(DEFAULT_USER)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = ViberConfig(viber.token, base, tmp_path / "viber-files", viber.base_url)
    handled: list[object] = []

    async def handle(event: object) -> None:
        handled.append(event)

    channel = ViberChannel(config, handle, greeting=lambda: Reply("Вітаю!"))
    server = web.Application()
    channel.register(server)
    runner = web.AppRunner(server)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    reply = Reply(
        "Ви записані на курс",
        attachments=(
            Attachment.generated(CALENDAR, "курс.ics", "text/calendar"),
            Attachment.generated(CHART, "графік.png", "image/png", kind="photo"),
            Attachment.link("https://mkrada.gov.ua/розклад.pdf"),
        ),
    )
    try:
        await send_all(channel.sender, DEFAULT_USER, reply)
        async with aiohttp.ClientSession() as http:
            guessed = f"{base}/viber/files/{'A' * 32}/курс.ics"
            async with http.get(guessed) as response:
                assert response.status == 404
    finally:
        await runner.cleanup()
        await channel.close()
    text, file, picture, link = viber.sent()
    assert text.text == "Ви записані на курс"
    assert file.body["type"] == "file" and file.body["file_name"] == "курс.ics"
    assert file.body["size"] == len(CALENDAR)
    assert file.body["media"].startswith(f"{base}/viber/files/")
    assert file.fetched == (200, "text/calendar", CALENDAR)  # Viber could fetch it
    assert picture.body["type"] == "picture" and picture.fetched == (200, "image/png", CHART)
    assert link.body["type"] == "url" and link.body["media"] == "https://mkrada.gov.ua/розклад.pdf"
    assert handled == []


async def test_without_a_public_place_a_generated_file_is_named_not_lost(
    viber: FakeViberServer,
) -> None:
    viber.subscribed.add(DEFAULT_USER)
    calendar = Attachment.generated(CALENDAR, "курс.ics", "text/calendar")
    async with sender_for(viber) as sender:
        await send_all(sender, DEFAULT_USER, Reply("Ви записані", attachments=(calendar,)))
    [_, notice] = viber.sent()
    assert "«курс.ics»" in notice.text and "у Viber його показати неможливо" in notice.text


async def test_a_booking_on_viber_ends_with_the_calendar_as_a_file_viber_can_fetch(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.helpers.training import ADDRESS, TAPS_TO_FORM, add_session

    settings = settings_for(viber, tmp_path)
    db = await Database.open(settings.database_path)
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    await add_session(db, starts=starts)
    await db.close()
    async with running(settings, viber):
        await viber.send_text("/start")
        screen = await viber.wait_for("send_message", says("Вітаю!"))
        for label, answer in TAPS_TO_FORM:
            await viber.press(screen.action(label))
            screen = await viber.wait_for("send_message", says(containing=answer))
        await viber.send_text("Олена Шевченко")
        await viber.wait_for("send_message", says(containing="Ваш номер"))
        await viber.send_text("067 123 45 67")
        screen = await viber.wait_for("send_message", says(containing="Оберіть вашу"))
        await viber.press(screen.action(texts.BTN_SKIP))
        screen = await viber.wait_for("send_message", says(containing="Перевірте"))
        await viber.press(screen.action(texts.BTN_TRAINING_SEND))
        confirmation = await viber.wait_for("send_message", says("✅ Вас записано"))
        assert ADDRESS in confirmation.text
        calendar = await viber.wait_for("send_message", lambda c: c.body.get("type") == "file")
    assert calendar.receiver == DEFAULT_USER
    assert calendar.body["file_name"].endswith(".ics")
    assert calendar.fetched is not None
    status, kind, body = calendar.fetched
    assert (status, kind) == (200, "text/calendar")  # Viber could download it
    assert body.decode().startswith("BEGIN:VCALENDAR\r\n")
    assert f"DTSTART:{starts:%Y%m%dT%H%M%S}Z" in body.decode()
