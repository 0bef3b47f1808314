"""Running the real bot's Telegram channel against the fake Bot API server, for tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from bot.app import run_channels
from bot.settings import Settings
from handlers import texts
from tests.fakes import ApiCall, FakeTelegramServer
from tests.harness import TEST_KB

ROOT = Path(__file__).resolve().parents[2]
STAFF_CHAT_ID = -1001234
CITIZEN = 1001


def settings_for(tg: FakeTelegramServer, tmp_path: Path, **extra: object) -> Settings:
    fields: dict[str, object] = {
        "telegram_bot_token": tg.token,
        "telegram_api_url": tg.base_url,
        "staff_chat_id": STAFF_CHAT_ID,
        "database_path": tmp_path / "reception.sqlite3",
        "knowledge_base_dir": TEST_KB,
        # Words alone: which engine answers must not depend on how fast vectors are made.
        "semantic_search": False,
        # These conversations go faster than Telegram's limits allow: pacing has tests of
        # its own (test_pacing.py, and a long answer on Telegram).
        "telegram_messages_per_second": 0,
    }
    return Settings(_env_file=None, **(fields | extra))  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def running(settings: Settings, tg: FakeTelegramServer) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_channels(settings, stop))
    # Started once polling begins (aiogram asks getMe first) or the webhook is set: imports
    # and the index take a while. Calls are recorded when answered, and the first long poll
    # is answered only when an update comes, so it cannot be the signal.
    earlier = {id(call) for call in tg.calls}
    await tg.wait_for(
        "getMe" if settings.telegram_mode == "polling" else "setWebhook",
        lambda call: id(call) not in earlier,
        timeout=60,
    )
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def shown(call: ApiCall) -> str:
    """The text as the person sees it: Telegram has turned the HTML into formatting."""
    return str(call.result["text"]) if call.ok and isinstance(call.result, dict) else ""


def to_chat(chat_id: int, starting: str = "") -> Callable[[ApiCall], bool]:
    def match(call: ApiCall) -> bool:
        return call.chat_id == chat_id and shown(call).startswith(starting)

    return match


async def open_ask_librarian(tg: FakeTelegramServer) -> None:
    """The resident opens the bot and presses «Запитати бібліотекаря»."""
    tg.send_text("/start")
    greeting = await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))
    tg.press_button("ask", message_id=greeting.result["message_id"])
    await tg.wait_for("sendMessage", to_chat(CITIZEN, texts.ASK_PROMPT[:20]))


def labels(call: ApiCall) -> list[str]:
    markup = call.params["reply_markup"]
    return [button["text"] for row in markup["inline_keyboard"] for button in row]
