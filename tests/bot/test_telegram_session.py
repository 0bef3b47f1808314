"""Bot API calls without a file go as one JSON body that says what aiogram's form says."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendDocument,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyParameters,
)

from bot.channels.telegram import SendText
from bot.channels.telegram_session import JsonSession
from tests.fakes.telegram_api import decode_value

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="📚 Довідка", callback_data="kb:topics")],
        [InlineKeyboardButton(text="Сайт", url="https://example.org/?a=1&b=2")],
    ]
)
CALLS: list[TelegramMethod[Any]] = [
    SendText(chat_id=77, text="Привіт & <b>вітаю</b> «так»", reply_markup=KEYBOARD),
    SendText(
        chat_id=77,
        text="Файл нижче",
        reply_parameters=ReplyParameters(message_id=5, allow_sending_without_reply=True),
    ),
    SendText(
        chat_id=77,
        text="Поділіться номером",
        reply_markup=ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="📱 Номер", request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        ),
    ),
    EditMessageText(chat_id=-1001700, message_id=12, text="✅ Взято", reply_markup=KEYBOARD),
    AnswerCallbackQuery(callback_query_id="4711", text="Лише для персоналу", show_alert=True),
    AnswerCallbackQuery(callback_query_id="4712", show_alert=False),
    SetMyCommands(
        commands=[BotCommand(command="start", description="Головне меню")],
        scope=BotCommandScopeChat(chat_id=-1001700),
    ),
]


@pytest.fixture
def bot() -> Bot:
    # What the channel's bot has: HTML by default, no link previews.
    return Bot(
        "123456:TEST",
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def as_telegram_reads_the_form(bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any]:
    """aiogram's own encoding of the call, as the Bot API (and the fake) decodes it."""
    body = AiohttpSession().build_form_data(bot, method)().decode()
    return {key: decode_value(key, value) for key, value in parse_qsl(body)}


@pytest.mark.parametrize("method", CALLS, ids=lambda m: type(m).__name__)
def test_a_call_says_in_json_what_aiogram_would_say_in_a_form(
    bot: Bot, method: TelegramMethod[Any]
) -> None:
    body = JsonSession().json_body(bot, method)

    assert body is not None
    assert json.loads(body) == as_telegram_reads_the_form(bot, method)


def test_the_bots_defaults_travel_with_every_message(bot: Bot) -> None:
    body = JsonSession().json_body(bot, SendText(chat_id=77, text="<b>Так</b>"))

    assert body is not None
    sent = json.loads(body)
    assert sent["parse_mode"] == "HTML"
    assert sent["link_preview_options"] == {"is_disabled": True}


def test_a_call_with_a_file_is_left_to_aiogram_as_multipart(bot: Bot) -> None:
    upload = SendDocument(chat_id=77, document=BufferedInputFile(b"BEGIN", filename="курс.ics"))

    assert JsonSession().json_body(bot, upload) is None
