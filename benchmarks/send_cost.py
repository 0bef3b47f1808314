"""What one Bot API call costs the bot on the CPU, before and after the network.

Run by hand (`.venv/bin/python benchmarks/send_cost.py`); prints microseconds per call and
asserts nothing. A reply with a four-button keyboard, encoded as aiogram's form (what
`AiohttpSession` sends) and as the JSON body `JsonSession` sends; Telegram's answer to it
read as a whole `Message` (what `bot.send_message` returns) and as the `MessageId` that
`SendText` asks for.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram import Bot  # noqa: E402
from aiogram.client.default import DefaultBotProperties  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.enums import ParseMode  # noqa: E402
from aiogram.methods import SendMessage  # noqa: E402
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup  # noqa: E402

from bot.channels.telegram import SendText  # noqa: E402
from bot.channels.telegram_session import JsonSession  # noqa: E402


def per_call(action: Callable[[], object], times: int = 5000) -> float:
    """Microseconds a call, after one call to warm up."""
    action()
    started = time.perf_counter()
    for _ in range(times):
        action()
    return (time.perf_counter() - started) / times * 1e6


def main() -> None:
    bot = Bot(
        "123456:BENCH",
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"Тема {n}", callback_data=f"kb:topic:{n}")]
            for n in range(4)
        ]
    )
    text = "Відповідь на запитання <b>з розмітки</b>, як у статті бази знань. " * 6
    form, lean = AiohttpSession(), JsonSession()
    message = SendMessage(chat_id=700001, text=text, reply_markup=keyboard)
    answer = json.dumps(
        {
            "ok": True,
            "result": {
                "message_id": 42,
                "date": 1_764_000_000,
                "chat": {"id": 700001, "type": "private", "first_name": "Олена"},
                "from": {"id": 123456, "is_bot": True, "first_name": "Приймальня"},
                "text": text,
                "reply_markup": keyboard.model_dump(exclude_none=True),
            },
        },
        ensure_ascii=False,
    )
    text_only = SendText(chat_id=700001, text=text, reply_markup=keyboard)
    rows = [
        ("encode: aiogram's form", per_call(lambda: form.build_form_data(bot, message)())),
        ("encode: JSON body", per_call(lambda: lean.json_body(bot, message))),
        (
            "read the answer as Message",
            per_call(lambda: form.check_response(bot, message, 200, answer)),
        ),
        (
            "read the answer as MessageId",
            per_call(lambda: form.check_response(bot, text_only, 200, answer)),
        ),
    ]
    width = max(len(name) for name, _ in rows)
    for name, micros in rows:
        print(f"{name:<{width}}  {micros:7.1f} µs")


if __name__ == "__main__":
    main()
