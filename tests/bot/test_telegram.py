"""The real aiogram stack against the fake Bot API server, over loopback HTTP."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from bot import render
from handlers import texts
from tests.fakes import ApiCall, FakeTelegramServer
from tests.fakes.embedder import TEST_EMBEDDER
from tests.harness import MENU_LABELS, TEST_KB, write_articles
from tests.helpers.senders import send_all
from tests.helpers.telegram import (
    CITIZEN,
    ROOT,
    STAFF_CHAT_ID,
    labels,
    open_ask_librarian,
    running,
    settings_for,
    shown,
    to_chat,
)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as server:
        yield server


async def test_start_shows_the_menu_as_an_inline_keyboard_and_commands_are_set(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        tg.send_text("/start")
        greeting = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))
        assert labels(greeting) == MENU_LABELS
        assert [c["command"] for c in tg.commands["default"]] == [
            "start",
            "menu",
            "my",
            "privacy",
            "help",
            "cancel",
        ]
        staff_commands = [c["command"] for c in tg.commands[f"chat:{STAFF_CHAT_ID}"]]
        assert {"queue", "appeals", "appeal", "assist", "reload_kb"} <= set(staff_commands)

        tg.press_button("contacts", message_id=greeting.result["message_id"])
        await tg.wait_for("answerCallbackQuery")
        contacts = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Центральна бібліотека"))
        assert "вул. Потьомкінська, 143а" in shown(contacts)
        assert contacts.params["parse_mode"] == "HTML"


async def test_sticker_and_voice_get_a_friendly_reply(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        tg.send_sticker()
        reply = await tg.wait_for("sendMessage", to_chat(CITIZEN))
        assert "стікери" in shown(reply)
        tg.send_voice()
        reply = await tg.wait_for("sendMessage", to_chat(CITIZEN))
        assert "голосові повідомлення" in shown(reply)


async def test_citizen_text_with_markup_characters_is_escaped(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        await open_ask_librarian(tg)
        tg.send_text("Чи <b>правда</b>, що 2 < 3 & 4 > 1?")
        card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID))
        # The fake refuses malformed HTML, so arriving at all proves escaping; the text
        # shown to librarians is exactly what the citizen typed.
        assert "Чи <b>правда</b>, що 2 < 3 & 4 > 1?" in shown(card)


async def test_an_update_sent_while_the_bot_was_down_is_handled_after_restart(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    settings = settings_for(tg, tmp_path)
    async with running(settings, tg):
        await open_ask_librarian(tg)

    tg.send_text("Коли відкриється філія на Соляних?")  # nobody is polling now
    async with running(settings, tg):
        card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID))
        assert "Коли відкриється філія на Соляних?" in shown(card)
        await tg.wait_for("sendMessage", to_chat(CITIZEN, "Дякую! Ваше запитання №1"))
    assert tg.pending_updates == []


async def test_flood_control_delays_a_reply_but_does_not_lose_it(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    tg.fail_next("sendMessage", retry_after=1)
    async with running(settings_for(tg, tmp_path), tg):
        tg.send_text("/help")
        reply = await tg.wait_for("sendMessage", lambda c: c.ok and c.chat_id == CITIZEN)
        assert "/cancel" in shown(reply)


async def test_webhook_checks_the_secret_token(tg: FakeTelegramServer, tmp_path: Path) -> None:
    settings = settings_for(
        tg,
        tmp_path,
        telegram_mode="webhook",
        webhook_base_url="http://127.0.0.1:18443",
        webhook_port=18443,
        webhook_secret="s3cret-token",
    )
    async with running(settings, tg):
        [hook] = [call for call in tg.calls if call.method == "setWebhook"]
        assert hook.params["url"] == "http://127.0.0.1:18443/telegram/webhook"
        assert hook.params["secret_token"] == "s3cret-token"
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": CITIZEN, "type": "private"},
                "from": {"id": CITIZEN, "is_bot": False, "first_name": "Олена"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        async with aiohttp.ClientSession() as http:
            url = hook.params["url"]
            bad = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with http.post(url, json=update, headers=bad) as response:
                assert response.status == 401
            good = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            async with http.post(url, json=update, headers=good) as response:
                assert response.status == 200
        greeting = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))
        assert len([c for c in tg.calls if c.method == "sendMessage"]) == 1
        assert labels(greeting)[0] == texts.BTN_REFERENCE


async def test_kill_9_mid_dialog_then_restart_continues_the_dialog(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_URL": tg.base_url,
        "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
        "DATABASE_PATH": str(tmp_path / "reception.sqlite3"),
        "KNOWLEDGE_BASE_DIR": str(TEST_KB),
        "SEMANTIC_MODEL": TEST_EMBEDDER,
    }

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    bot = start()
    try:
        tg.send_text("/start")
        greeting = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"), timeout=30)
        tg.press_button("ask", message_id=greeting.result["message_id"])
        await tg.wait_for("sendMessage", to_chat(CITIZEN, texts.ASK_PROMPT[:20]))
    finally:
        bot.send_signal(signal.SIGKILL)
        await asyncio.to_thread(bot.wait)

    bot = start()
    try:
        tg.send_text("Як отримати читацький квиток?")
        card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID), timeout=30)
        assert "Як отримати читацький квиток?" in shown(card)
    finally:
        bot.send_signal(signal.SIGTERM)
        # Waiting in a thread: the fake server in this loop must keep answering meanwhile.
        assert await asyncio.to_thread(bot.wait, 15) == 0


async def test_an_article_answer_is_escaped_and_its_links_are_url_buttons(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        tg.send_text("як передати показники лічильника води")
        article = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Як передати показники"))
        assert "фотографуйте лічильник <щомісяця> & зберігайте фото" in shown(article)
        assert shown(article).endswith(texts.KB_FEEDBACK)
        [[button], *_] = article.params["reply_markup"]["inline_keyboard"]
        assert button == {"text": "Міська рада", "url": "https://mkrada.gov.ua"}
        assert labels(article) == ["Міська рада", texts.BTN_YES, texts.BTN_NO, texts.BTN_MENU]


async def test_a_long_article_comes_as_a_short_answer_then_details_split_within_the_limit(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    body = "\n\n".join(
        f"**Крок {i}.** " + "Заповніть поле <ПІБ> & перевірте. " * 20 for i in range(1, 25)
    )
    (folder / "long.md").write_text(
        "---\nid: long-guide\ntitle: Дуже довга інструкція з реєстрації\ncategory: Інше\n"
        "questions:\n  - довга інструкція з реєстрації\n  - як пройти реєстрацію\n---\n"
        + body
        + "\n",
        encoding="utf-8",
    )
    settings = settings_for(
        tg, tmp_path, knowledge_base_dir=folder, telegram_messages_per_second=30
    )
    async with running(settings, tg):
        tg.send_text("довга інструкція з реєстрації")
        short = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Дуже довга інструкція"))
        assert "Крок 1." in shown(short) and "Крок 2." not in shown(short)
        assert labels(short)[0] == texts.BTN_MORE
        press(tg, short, texts.BTN_MORE)
        last = await tg.wait_for(  # paced: the parts after the third a second apart
            "sendMessage", lambda c: c.chat_id == CITIZEN and "Крок 24." in shown(c), timeout=10
        )
        # The last part of the details asks again whether the answer helped.
        assert shown(last).endswith(texts.KB_FEEDBACK)
        assert labels(last) == [texts.BTN_YES, texts.BTN_NO, texts.BTN_MENU]
        details = [
            c
            for c in tg.calls
            if c.method == "sendMessage" and c.ok and c is not short and "Крок" in (c.text or "")
        ]
        assert len(details) > 3
        assert all(len(c.text or "") <= 4096 for c in details)
        # Paced to Telegram's limit for one chat: a burst of three, then one a second.
        moments = [c.at for c in [short, *details]]
        assert all(later - earlier >= 0.8 for earlier, later in itertools.pairwise(moments[3:]))
        seen = "".join(shown(c) for c in details)
        assert all(f"Крок {i}." in seen for i in range(2, 25))


LIBRARIAN = 5005
OUTSIDER = 6006


async def test_the_librarian_loop_on_telegram_only_members_act(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN, "member")
    tg.set_chat_member(STAFF_CHAT_ID, OUTSIDER, "left")
    in_staff_chat = {"chat_id": STAFF_CHAT_ID, "chat_type": "supergroup"}
    async with running(settings_for(tg, tmp_path), tg):
        await open_ask_librarian(tg)
        tg.send_text("Де подивитися розклад курсів?")
        card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID, "❓ Запитання №1"))
        card_id = card.result["message_id"]
        assert labels(card) == [texts.BTN_TAKE, texts.BTN_CLOSE, texts.BTN_TO_KB]

        # Someone outside the staff chat presses "Беру", then a librarian does. Updates are
        # handled in order, so had the outsider's press counted, its edit would come first.
        tg.press_button(
            "tk:take:1",
            message_id=card_id,
            user_id=OUTSIDER,
            first_name="Чужий",
            chat_id=STAFF_CHAT_ID,
        )
        hint = await tg.wait_for(
            "answerCallbackQuery", lambda c: c.params.get("text") == texts.STAFF_ONLY_BUTTONS
        )
        assert hint.ok  # told, not silently ignored
        tg.press_button(
            "tk:take:1",
            message_id=card_id,
            user_id=LIBRARIAN,
            first_name="Ірина",
            chat_id=STAFF_CHAT_ID,
        )
        taken = await tg.wait_for("editMessageText")
        assert taken.params["message_id"] == card_id
        assert "Взяв(ла): Ірина" in shown(taken)

        tg.send_text(
            "Розклад є в розділі «Навчання».",
            user_id=LIBRARIAN,
            first_name="Ірина",
            reply_to_message_id=card_id,
            **in_staff_chat,
        )
        answer = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Відповідь бібліотекаря"))
        assert "Розклад є в розділі «Навчання»." in shown(answer)
        assert labels(answer)[:3] == [texts.BTN_RATE_UP, texts.BTN_RATE_DOWN, texts.BTN_FOLLOW_UP]
        answered = await tg.wait_for("editMessageText")
        assert "Відповідь надіслано: Ірина" in shown(answered)

        photo = tg.send_photo(
            user_id=LIBRARIAN, first_name="Ірина", reply_to_message_id=card_id, **in_staff_chat
        )
        relayed = await tg.wait_for("sendPhoto", lambda c: c.chat_id == CITIZEN)
        assert relayed.params["photo"] == photo["message"]["photo"][-1]["file_id"]
        tg.send_document(
            user_id=LIBRARIAN, first_name="Ірина", reply_to_message_id=card_id, **in_staff_chat
        )
        await tg.wait_for("sendDocument", lambda c: c.chat_id == CITIZEN)

        # An outsider's reply to the card never reaches the citizen.
        tg.send_text("спам", user_id=OUTSIDER, reply_to_message_id=card_id, **in_staff_chat)
        tg.send_text("/queue", user_id=LIBRARIAN, **in_staff_chat)
        await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID, texts.QUEUE_EMPTY))
        assert "спам" not in tg.sent_texts(CITIZEN)


async def test_a_file_from_viber_reaches_the_staff_chat_as_a_link(
    tg: FakeTelegramServer,
) -> None:
    from aiogram.client.default import DefaultBotProperties

    from bot.channels.telegram import TelegramSender
    from handlers.messages import Attachment, Reply

    bot = tg.make_bot(default=DefaultBotProperties(parse_mode="HTML"))  # as the bot has
    try:
        reply = Reply(
            "Додаток до звернення",
            attachments=(
                Attachment(
                    "document", "https://media.example/скан.pdf?a=1&b=2", file_name="скан <1>.pdf"
                ),
            ),
        )
        await send_all(TelegramSender(bot), str(STAFF_CHAT_ID), reply)
    finally:
        await bot.session.close()
    link = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID, "📎"))
    assert shown(link) == "📎 скан <1>.pdf"
    assert not [c for c in tg.calls if c.method == "sendDocument"]


async def test_chatid_in_a_group_tells_its_id_for_staff_chat_id(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    group = -100777888
    async with running(settings_for(tg, tmp_path, staff_chat_id=None), tg):
        tg.send_text("/chatid@reception_bot", chat_id=group, chat_type="supergroup")
        reply = await tg.wait_for("sendMessage", to_chat(group, "Id цього чату: -100777888"))
        assert "STAFF_CHAT_ID=-100777888" in shown(reply)
        # Anything else said in a group that is not the staff chat is not the bot's business.
        tg.send_text("привіт", chat_id=group, chat_type="supergroup")
        tg.send_text("/start")
        await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))
        assert [c for c in tg.calls if c.method == "sendMessage" and c.chat_id == group] == [reply]


async def test_a_reply_to_a_card_the_restored_database_does_not_know_is_told_not_lost(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN, "member")
    async with running(settings_for(tg, tmp_path / "before"), tg):
        await open_ask_librarian(tg)
        tg.send_text("Де подивитися розклад курсів?")
        card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID, "❓ Запитання №1"))
    # The database is restored from a copy made before the card was posted.
    async with running(settings_for(tg, tmp_path / "restored"), tg):
        tg.send_text(
            "Розклад є в розділі «Навчання».",
            user_id=LIBRARIAN,
            first_name="Ірина",
            reply_to_message_id=card.result["message_id"],
            chat_id=STAFF_CHAT_ID,
            chat_type="supergroup",
        )
        notice = await tg.wait_for(
            "sendMessage", to_chat(STAFF_CHAT_ID, texts.STAFF_REPLY_UNKNOWN_MESSAGE)
        )
    assert "Reply" in shown(notice) and "/queue" in shown(notice)
    assert "Розклад є" not in " ".join(tg.sent_texts(CITIZEN))  # nothing went to anyone


async def test_a_photo_with_a_question_reaches_the_staff_chat_as_a_reply_to_its_card(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        await open_ask_librarian(tg)

        tg.send_photo(caption="Що означає цей рядок у рахунку?")

        card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID, "❓ Запитання №1"))
        assert "Що означає цей рядок у рахунку?" in shown(card)
        assert "📎 Файли" in shown(card)
        photo = await tg.wait_for("sendPhoto", lambda c: c.chat_id == STAFF_CHAT_ID)
        assert photo.result["reply_to_message"]["message_id"] == card.result["message_id"]


async def test_generated_files_are_uploaded_and_links_sent_by_url_or_passed_on(
    tg: FakeTelegramServer,
) -> None:
    from aiogram.client.default import DefaultBotProperties

    from bot.channels.telegram import TelegramSender
    from handlers.messages import Attachment, Reply

    calendar = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    chart = b"\x89PNG\r\n\x1a\nchart"
    reply = Reply(
        "Ви записані на курс",
        attachments=(
            Attachment.generated(calendar, "курс.ics", "text/calendar"),
            Attachment.generated(chart, "графік.png", "image/png", kind="photo"),
            Attachment.link("https://mkrada.gov.ua/розклад.pdf"),
            Attachment.link("https://mkrada.gov.ua/фото.jpg", kind="photo"),
            Attachment.link("https://mkrada.gov.ua/бланк.docx", file_name="Бланк заяви"),
        ),
    )
    bot = tg.make_bot(default=DefaultBotProperties(parse_mode="HTML"))  # as the bot has
    try:
        await send_all(TelegramSender(bot), str(CITIZEN), reply)
    finally:
        await bot.session.close()
    text = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Ви записані"))
    uploaded = await tg.wait_for("sendDocument", lambda c: "document" in c.files)
    assert uploaded.files["document"] == calendar
    assert uploaded.filenames["document"] == "курс.ics"
    assert uploaded.result["reply_to_message"]["message_id"] == text.result["message_id"]
    photo = await tg.wait_for("sendPhoto", lambda c: "photo" in c.files)
    assert photo.files["photo"] == chart
    by_url = await tg.wait_for("sendDocument", lambda c: c.ok)
    assert by_url.params["document"] == "https://mkrada.gov.ua/розклад.pdf"
    photo_by_url = await tg.wait_for("sendPhoto", lambda c: "photo" not in c.files)
    assert photo_by_url.params["photo"] == "https://mkrada.gov.ua/фото.jpg"
    # Telegram fetches no .docx by URL: the link itself goes instead.
    refused = await tg.wait_for("sendDocument", lambda c: not c.ok)
    assert refused.params["document"] == "https://mkrada.gov.ua/бланк.docx"
    link = await tg.wait_for("sendMessage", to_chat(CITIZEN, "📎"))
    assert shown(link) == "📎 Бланк заяви"
    assert link.result["entities"][0]["url"] == "https://mkrada.gov.ua/бланк.docx"


# --- Residents' and librarians' text is shown as typed ------------------------------------

LURE = "[Натисніть тут](https://evil.example/login) **терміново**"
EVIL_NAME = "<b>Адмін</b> [x](http://e.vil)"


def formatted(call: ApiCall, kind: str) -> list[str]:
    """The pieces of a sent text that Telegram shows with formatting `kind` (bold, a link…)."""
    result = call.result
    key = "text" if "text" in result else "caption"
    units = str(result[key]).encode("utf-16-le")  # entity offsets count UTF-16 code units
    return [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in result.get(f"{'' if key == 'text' else 'caption_'}entities", [])
        if e["type"] == kind
    ]


def press(tg: FakeTelegramServer, call: ApiCall, label: str, **user: object) -> None:
    """Press the button of `call`'s message whose label contains `label`."""
    rows = call.params["reply_markup"]["inline_keyboard"]
    [data] = [b["callback_data"] for row in rows for b in row if label in b["text"]]
    tg.press_button(data, message_id=call.result["message_id"], **user)  # type: ignore[arg-type]


async def test_a_question_and_a_name_with_markup_reach_the_card_as_typed_and_so_does_the_answer(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN, "member")
    async with running(settings_for(tg, tmp_path), tg):
        tg.send_text("/start", first_name=EVIL_NAME)
        greeting = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))
        press(tg, greeting, texts.BTN_LIBRARIAN, first_name=EVIL_NAME)
        await tg.wait_for("sendMessage", to_chat(CITIZEN, texts.ASK_PROMPT[:20]))
        tg.send_text(LURE, first_name=EVIL_NAME)

        card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID, "❓ Запитання №1"))
        assert LURE in shown(card)
        assert f"Від: {EVIL_NAME} (Telegram)" in shown(card)
        assert "href" not in card.params["text"]
        assert formatted(card, "text_link") == []
        assert formatted(card, "bold") == ["Запитання №1"]  # the card's own title only

        # The librarian's answer is their words as typed, too.
        tg.send_text(
            "**Так**, ось [форма](https://evil.example/form)",
            user_id=LIBRARIAN,
            first_name="Ірина",
            chat_id=STAFF_CHAT_ID,
            chat_type="supergroup",
            reply_to_message_id=card.result["message_id"],
        )
        answer = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Відповідь бібліотекаря"))
        assert "**Так**, ось [форма](https://evil.example/form)" in shown(answer)
        assert formatted(answer, "text_link") == []
        assert formatted(answer, "bold") == ["Відповідь бібліотекаря"]


async def test_a_photo_caption_with_markup_reaches_the_card_as_typed(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        await open_ask_librarian(tg)
        tg.send_photo(caption=f"- {LURE}")

        card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID, "❓ Запитання №1"))
        assert f"- {LURE}" in shown(card)  # not a «•» bullet either
        assert formatted(card, "text_link") == []
        assert formatted(card, "bold") == ["Запитання №1"]


async def test_an_appeal_shows_its_text_and_caption_as_typed_on_the_review_and_the_card(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    body = f"Прошу полагодити ліхтар біля школи №3. {LURE}"
    caption = "**ліхтар** [фото](https://evil.example/photo)"
    async with running(settings_for(tg, tmp_path), tg):
        tg.send_text("/start")
        screen = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))

        async def step(act: Callable[[], object], expected: str) -> ApiCall:
            act()
            shown_as = render.to_plain(expected)[:15]
            return await tg.wait_for("sendMessage", to_chat(CITIZEN, shown_as))

        screen = await step(lambda: press(tg, screen, texts.BTN_APPEAL), texts.APPEAL_INTRO)
        screen = await step(lambda: press(tg, screen, texts.BTN_APPEAL_NEW), texts.APPEAL_CONSENT)
        screen = await step(
            lambda: press(tg, screen, texts.BTN_CONSENT_YES), texts.APPEAL_ASK_SURNAME
        )
        for typed, prompt in (
            ("Шевченко", texts.APPEAL_ASK_GIVEN_NAME),
            ("Олена", texts.APPEAL_ASK_PATRONYMIC),
            ("Петрівна", texts.APPEAL_ASK_ADDRESS),
            ("м. Миколаїв, вул. Садова, 5, кв. 12", texts.APPEAL_ASK_PHONE),
            ("067 123 45 67", "Ваша"),
        ):
            screen = await step(lambda typed=typed: tg.send_text(typed), prompt)
        screen = await step(lambda: press(tg, screen, texts.BTN_SKIP), texts.APPEAL_ASK_TOPIC)
        topic = texts.APPEAL_TOPICS["roads"]
        screen = await step(lambda: press(tg, screen, topic), texts.APPEAL_ASK_BODY)
        screen = await step(lambda: tg.send_text(body), texts.APPEAL_ASK_ATTACHMENTS)
        added = texts.APPEAL_FILE_ADDED.format(count=1)
        screen = await step(lambda: tg.send_photo(caption=caption), added)
        screen = await step(
            lambda: press(tg, screen, texts.BTN_ATTACH_DONE), texts.APPEAL_ASK_CONFIDENTIAL
        )
        screen = await step(
            lambda: press(tg, screen, texts.BTN_CONFIDENTIAL_NO), texts.APPEAL_ASK_PRIORITY
        )
        review = await step(lambda: press(tg, screen, texts.BTN_PRIORITY_NONE), texts.APPEAL_REVIEW)
        assert body in shown(review)
        assert formatted(review, "text_link") == []
        assert "терміново" not in "".join(formatted(review, "bold"))

        press(tg, review, texts.BTN_APPEAL_SEND)
        card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID))
        assert body in shown(card)
        assert caption in shown(card)
        assert formatted(card, "text_link") == []
        assert not any("терміново" in b or "ліхтар" in b for b in formatted(card, "bold"))


async def test_an_article_body_keeps_its_bold_links_and_bullets_while_its_title_is_as_written(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    folder = write_articles(
        tmp_path / "kb",
        {
            "passport.md": "---\nid: passport\ntitle: Паспорт *без черги*\ncategory: Документи\n"
            "questions:\n  - як оформити паспорт\n---\n"
            "**Запишіться** онлайн на [Дії](https://diia.gov.ua).\n- візьміть фото\n",
        },
    )
    async with running(settings_for(tg, tmp_path, knowledge_base_dir=folder), tg):
        tg.send_text("як оформити паспорт")
        article = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Паспорт"))
        assert shown(article).startswith("Паспорт *без черги*\n")
        assert "\n• візьміть фото" in shown(article)
        assert formatted(article, "bold") == ["Паспорт *без черги*", "Запишіться"]
        assert formatted(article, "text_link") == ["Дії"]
        [link] = [e for e in article.result["entities"] if e["type"] == "text_link"]
        assert link["url"] == "https://diia.gov.ua"


async def test_a_booking_on_telegram_ends_with_the_calendar_file_uploaded(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from storage.db import Database
    from tests.helpers.training import TAPS_TO_FORM, add_session

    settings = settings_for(tg, tmp_path)
    db = await Database.open(settings.database_path)
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    await add_session(db, starts=starts)
    await db.close()
    async with running(settings, tg):
        tg.send_text("/start")
        screen = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))
        for label, answer in TAPS_TO_FORM:
            press(tg, screen, label)
            screen = await tg.wait_for("sendMessage", to_chat(CITIZEN, answer))
        tg.send_text("Олена Шевченко")
        await tg.wait_for("sendMessage", to_chat(CITIZEN, "Ваш номер"))
        tg.send_text("067 123 45 67")
        screen = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Оберіть вашу"))
        press(tg, screen, texts.BTN_SKIP)
        screen = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Перевірте"))
        press(tg, screen, texts.BTN_TRAINING_SEND)
        confirmation = await tg.wait_for("sendMessage", to_chat(CITIZEN, "✅ Вас записано"))
        uploaded = await tg.wait_for("sendDocument", lambda c: "document" in c.files)
        assert uploaded.filenames["document"].endswith(".ics")
        ics = uploaded.files["document"].decode()
        assert ics.startswith("BEGIN:VCALENDAR\r\n")
        assert f"DTSTART:{starts:%Y%m%dT%H%M%S}Z" in ics
        assert (
            uploaded.result["reply_to_message"]["message_id"] == confirmation.result["message_id"]
        )


# --- Privacy --------------------------------------------------------------------------


async def test_my_data_arrives_as_an_uploaded_json_document(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    import json

    async with running(settings_for(tg, tmp_path), tg):
        await open_ask_librarian(tg)
        tg.send_text("Де взяти довідку про склад сім'ї для субсидії?")
        await tg.wait_for("sendMessage", lambda c: c.chat_id == STAFF_CHAT_ID)
        tg.send_text("/privacy")
        info = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Ваші дані в Приймальні"))
        tg.press_button("pv:export", message_id=info.result["message_id"])
        uploaded = await tg.wait_for("sendDocument", lambda c: "document" in c.files)
    assert uploaded.filenames["document"] == texts.PRIVACY_FILE_NAME
    data = json.loads(uploaded.files["document"])
    assert data["profile"]["channel"] == "telegram"
    assert data["profile"]["external_id"] == str(CITIZEN)
    [ticket] = data["tickets"]
    assert ticket["question"] == "Де взяти довідку про склад сім'ї для субсидії?"
    assert [c["purpose"] for c in data["consents"]] == ["question"]
