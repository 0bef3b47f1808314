"""The fake Bot API against the real aiogram Bot and Dispatcher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import ClientSession, web

from tests.fakes import ApiCall, FakeTelegramServer

USER = 1001
STAFF_CHAT = -1001234567890
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Так", callback_data="answer:yes")]]
)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegramServer) -> AsyncIterator[Bot]:
    bot = tg.make_bot()
    yield bot
    await bot.session.close()


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.is_bot, me.username) == (123456, True, "pryimalnia_test_bot")


async def test_send_message_decodes_nested_json_and_numbers(
    tg: FakeTelegramServer, bot: Bot
) -> None:
    message = await bot.send_message(USER, "Оберіть", reply_markup=KEYBOARD)

    call = tg.calls[-1]
    assert call.method == "sendMessage"
    assert call.params["chat_id"] == USER
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Так", "callback_data": "answer:yes"}]]
    }
    assert message.chat.type == "private"
    assert message.from_user is not None and message.from_user.is_bot
    assert message.reply_markup is not None
    assert message.reply_markup.model_dump() == KEYBOARD.model_dump()
    second = await bot.send_message(USER, "123", reply_to_message_id=message.message_id)
    assert tg.calls[-1].params["text"] == "123"
    assert second.message_id == message.message_id + 1
    assert second.reply_to_message is not None
    assert second.reply_to_message.message_id == message.message_id
    group = await bot.send_message(STAFF_CHAT, "Нове звернення")
    assert group.chat.type == "supergroup"
    assert tg.sent_texts(USER) == ["Оберіть", "123"]


async def test_edit_message_text_like_telegram(tg: FakeTelegramServer, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Чернетка", reply_markup=KEYBOARD)

    edited = await bot.edit_message_text(
        text="Готово", chat_id=USER, message_id=sent.message_id, reply_markup=KEYBOARD
    )

    assert isinstance(edited, Message)
    assert edited.text == "Готово" and edited.edit_date is not None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="Готово", chat_id=USER, message_id=sent.message_id, reply_markup=KEYBOARD
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=USER, message_id=999)
    assert await bot.edit_message_text(text="Інлайн", inline_message_id="AAAA") is True
    assert tg.sent_texts(USER) == ["Чернетка", "Готово"]


async def test_html_parse_mode_becomes_entities_and_bad_html_is_refused(
    tg: FakeTelegramServer,
) -> None:
    bot = tg.make_bot(default=DefaultBotProperties(parse_mode="HTML"))
    try:
        message = await bot.send_message(USER, "<b>Заявку</b> №1 &amp; <i>ще</i>")
        assert message.text == "Заявку №1 & ще"
        assert [(e.type, e.offset, e.length) for e in message.entities or []] == [
            ("bold", 0, 6),
            ("italic", 12, 2),
        ]
        with pytest.raises(TelegramBadRequest, match='Unsupported start tag "br"'):
            await bot.send_message(USER, "рядок<br>рядок")
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(USER, "1 < 2")
    finally:
        await bot.session.close()


async def test_callback_answer_commands_and_chat_member(tg: FakeTelegramServer, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Оберіть", reply_markup=KEYBOARD)
    update = tg.press_button("answer:yes", message_id=sent.message_id)
    query_id = update["callback_query"]["id"]

    assert await bot.answer_callback_query(query_id, text="Дякуємо") is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(ValueError, match="no button"):
        tg.press_button("answer:no", message_id=sent.message_id)

    commands = [BotCommand(command="start", description="Почати")]
    assert await bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
    assert await bot.set_my_commands(commands, language_code="uk")
    assert tg.commands == {
        "all_private_chats": [{"command": "start", "description": "Почати"}],
        "default/uk": [{"command": "start", "description": "Почати"}],
    }
    fetched = await bot.get_my_commands(language_code="uk")
    assert [(c.command, c.description) for c in fetched] == [("start", "Почати")]

    tg.set_chat_member(STAFF_CHAT, USER, "administrator")
    tg.set_chat_member(STAFF_CHAT, 1002, "member")
    admin = await bot.get_chat_member(STAFF_CHAT, USER)
    assert isinstance(admin, ChatMemberAdministrator) and admin.user.first_name == "Олена"
    assert isinstance(await bot.get_chat_member(STAFF_CHAT, 1002), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(STAFF_CHAT, 1003), ChatMemberLeft)
    chat = await bot.get_chat(STAFF_CHAT)
    assert (chat.id, chat.type) == (STAFF_CHAT, "supergroup")


async def test_media_copy_and_files(tg: FakeTelegramServer, bot: Bot) -> None:
    incoming = tg.send_photo("Фото пошкодженої книги", content=b"jpeg-bytes")["message"]
    largest = incoming["photo"][-1]["file_id"]

    copied = await bot.copy_message(STAFF_CHAT, USER, incoming["message_id"])
    uploaded = await bot.send_document(
        USER, BufferedInputFile(b"%PDF-1.4", filename="відповідь.pdf"), caption="Відповідь"
    )
    again = await bot.send_photo(STAFF_CHAT, largest)

    assert copied.message_id == 1
    assert tg.messages[(STAFF_CHAT, 1)]["caption"] == "Фото пошкодженої книги"
    assert tg.calls[-2].files == {"document": b"%PDF-1.4"}
    assert uploaded.document is not None and uploaded.document.file_name == "відповідь.pdf"
    assert again.photo is not None and again.photo[-1].file_id == largest
    file = await bot.get_file(largest)
    assert file.file_path is not None
    assert (await bot.download_file(file.file_path)).read() == b"jpeg-bytes"  # type: ignore[union-attr]


async def test_errors_map_to_aiogram_exceptions(tg: FakeTelegramServer, bot: Bot) -> None:
    tg.fail_next("sendMessage", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(USER, "раз")
    assert retry.value.retry_after == 7
    await bot.send_message(USER, "два")

    tg.block_user(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "три")
    assert tg.sent_texts() == ["два"]
    assert [call.ok for call in tg.calls] == [False, True, False]

    stranger = Bot("654321:WRONG", session=bot.session)
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()
    async with ClientSession() as http:
        response = await http.post(f"{tg.base_url}/bot{tg.token}/sendTelepathy")
        assert response.status == 404
        assert await response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
    tg.fail_next("getChat", error_code=404, description="Not Found")
    with pytest.raises(TelegramNotFound):
        await bot.get_chat(USER)

    # The Nth call can be made to fail: here the second of three, with a server error.
    tg.unblock_user(USER)
    tg.fail_next("sendMessage", error_code=500, description="Internal Server Error", after=1)
    await bot.send_message(USER, "чотири")
    with pytest.raises(TelegramServerError):
        await bot.send_message(USER, "п'ять")
    await bot.send_message(USER, "шість")
    assert tg.sent_texts()[-2:] == ["чотири", "шість"]


async def test_unconfirmed_updates_are_redelivered(tg: FakeTelegramServer, bot: Bot) -> None:
    tg.send_text("Привіт")
    tg.send_sticker()

    first = await bot.get_updates(limit=1)
    again = await bot.get_updates()
    waiting = asyncio.create_task(bot.get_updates(offset=again[-1].update_id + 1, timeout=5))
    tg.send_text("/start")
    latest = await waiting

    assert [u.update_id for u in first] == [1]
    assert [u.update_id for u in again] == [1, 2]
    assert again[0].message is not None and again[0].message.text == "Привіт"
    assert [u.update_id for u in latest] == [3]
    message = latest[0].message
    assert message is not None and message.entities is not None
    assert message.entities[0].type == "bot_command"
    assert [u["update_id"] for u in tg.pending_updates] == [3]


async def test_dispatcher_polling_end_to_end(tg: FakeTelegramServer, bot: Bot) -> None:
    router = Router()

    @router.message(F.text)
    async def on_text(message: Message) -> None:
        await message.answer(f"Ви написали: {message.text}", reply_markup=KEYBOARD)

    @router.callback_query(F.data == "answer:yes")
    async def on_yes(query: CallbackQuery) -> None:
        await query.answer("Прийнято")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Прийнято ✅")

    dp = Dispatcher()
    dp.include_router(router)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=10))
    try:
        tg.send_text("Де моя книжка?")
        reply = await tg.wait_for("sendMessage", lambda call: call.chat_id == USER)
        tg.press_button("answer:yes", message_id=reply.result["message_id"])
        answer = await tg.wait_for("answerCallbackQuery")
        edit = await tg.wait_for("editMessageText")
    finally:
        await dp.stop_polling()
        await polling

    assert answer.params["text"] == "Прийнято"
    assert edit.params["message_id"] == reply.result["message_id"]
    assert tg.sent_texts(USER) == ["Ви написали: Де моя книжка?", "Прийнято ✅"]
    polls = [call for call in tg.calls if call.method == "getUpdates"]
    assert sorted(polls[0].params["allowed_updates"]) == ["callback_query", "message"]
    assert tg.pending_updates == []


async def test_wait_for_times_out_with_the_recorded_methods(tg: FakeTelegramServer) -> None:
    with pytest.raises(AssertionError, match=r"no matching sendPhoto call .*\['getMe'\]"):
        bot = tg.make_bot()
        try:
            await bot.get_me()
            await tg.wait_for("sendPhoto", timeout=0.05)
        finally:
            await bot.session.close()


async def test_webhook_delivery_and_reply_in_response(tg: FakeTelegramServer, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message()
    async def on_message(message: Message) -> SendMessage:
        # Returned, not awaited: aiogram puts the call into the webhook's answer.
        return message.answer("Отримали по вебхуку")

    app = web.Application()
    handler = SimpleRequestHandler(dp, bot, secret_token="s3cret", handle_in_background=False)
    handler.register(app, path="/webhook")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/webhook", secret_token="s3cret")
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()
        tg.send_text("Привіт")

        reply: ApiCall = await tg.wait_for("sendMessage")

        assert reply.params == {"chat_id": USER, "text": "Отримали по вебхуку"}
        info = await bot.get_webhook_info()
        assert info.url.endswith("/webhook") and info.pending_update_count == 0
        assert await bot.delete_webhook()
    finally:
        await runner.cleanup()
