"""How Telegram updates come in: long polling and the webhook, one update at a time.

aiogram parses a whole `getUpdates` answer at once, so one update it cannot read fails the
batch and polling retries it forever — every resident waits. Here the answer is taken as
raw JSON and each update is parsed on its own: one that cannot be read is logged (its id
only, never its content) and skipped. An update is confirmed to Telegram (by the next
`getUpdates` offset) only after it was handled, so a crash never loses one.

The webhook answers 400, without a traceback, to a body that is not an update.

Each update goes straight to the channel's `feed`, not through aiogram's `Dispatcher`: its
routers, outer middlewares and FSM context cost about 0.1 ms an update — 8% of the bot's
time under a crowd (benchmarks/load.py) — and give nothing here, where the channel has one
handler per kind of update and the core does the routing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.channels.base import ChatLocks

log = logging.getLogger(__name__)

POLL_SECONDS = 10  # long-poll timeout asked of Telegram
PARALLEL_CHATS = 16  # chats handled at once; one chat's updates always one after another
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # waits after failed getUpdates, then the last


class RawUpdates(TelegramMethod[list[dict[str, Any]]]):
    """`getUpdates`, answered as plain JSON objects: parsed one by one by `Poller`."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


# A button press arrives with the whole message the button was under — its text, each
# formatting entity, its keyboard — and the bot reads only which message it was and in
# which chat. Those are kept; parsing the rest was most of the cost of taking a press.
PRESSED_MESSAGE_FIELDS = ("message_id", "date", "chat")

# Handles one update to the end (committed); the channel's entry point.
Feed = Callable[[Update], Awaitable[None]]


def parse_update(data: object, bot: Bot) -> Update | None:
    """An update as aiogram's type, or None (logged without its content) if it is not one.

    A press's message keeps only PRESSED_MESSAGE_FIELDS."""
    try:
        return Update.model_validate(_without_pressed_content(data), context={"bot": bot})
    except ValidationError as error:
        update_id = data.get("update_id") if isinstance(data, dict) else None
        fields = sorted({str(e["loc"][0]) for e in error.errors() if e.get("loc")})
        log.warning("telegram update %s could not be read (%s): skipped", update_id, fields)
        return None


def _without_pressed_content(data: object) -> object:
    if not isinstance(data, dict):
        return data
    query = data.get("callback_query")
    if not isinstance(query, dict) or not isinstance(query.get("message"), dict):
        return data
    message = query["message"]
    kept = {field: message[field] for field in PRESSED_MESSAGE_FIELDS if field in message}
    return {**data, "callback_query": {**query, "message": kept}}


def chat_of(update: Update) -> object:
    """The chat an update belongs to: its events are handled in the order they came."""
    for message in (update.message, update.edited_message):
        if message is not None:
            return message.chat.id
    if update.callback_query is not None:
        if update.callback_query.message is not None:
            return update.callback_query.message.chat.id
        return ("user", update.callback_query.from_user.id)
    if update.chat_member is not None:
        return update.chat_member.chat.id
    return ("update", update.update_id)  # anything else stands alone


class Poller:
    """Long polling that never stalls on one bad update and stops between updates."""

    def __init__(
        self,
        bot: Bot,
        feed: Feed,
        allowed_updates: list[str],
    ) -> None:
        self.bot = bot
        self.feed = feed
        self.allowed_updates = allowed_updates
        self._stopping = asyncio.Event()
        self._fetch: asyncio.Task[list[dict[str, Any]]] | None = None
        self._slots = asyncio.Semaphore(PARALLEL_CHATS)

    async def run(self) -> None:
        offset: int | None = None
        failures = 0
        while not self._stopping.is_set():
            method = RawUpdates(
                offset=offset, timeout=POLL_SECONDS, allowed_updates=self.allowed_updates
            )
            self._fetch = asyncio.create_task(self.bot(method, request_timeout=POLL_SECONDS + 20))
            try:
                raw = await self._fetch
            except asyncio.CancelledError:
                if self._stopping.is_set():
                    return  # stopped while waiting: nothing was in hand
                raise
            except TelegramRetryAfter as error:
                await self._wait(float(error.retry_after))
                continue
            except (TelegramNetworkError, TelegramAPIError) as error:
                wait = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("getUpdates failed (%s): again in %.0f s", type(error).__name__, wait)
                await self._wait(wait)
                continue
            finally:
                self._fetch = None
            failures = 0
            by_chat: dict[object, list[Update]] = {}
            for item in raw:
                update_id = item.get("update_id")
                if isinstance(update_id, int):
                    offset = update_id + 1  # confirmed by the next getUpdates
                update = parse_update(item, self.bot)
                if update is not None:
                    by_chat.setdefault(chat_of(update), []).append(update)
            # Chats in parallel, each in order; the batch is confirmed (next getUpdates)
            # only when all of it is handled: commit before acknowledge holds.
            await asyncio.gather(*(self._feed_chat(updates) for updates in by_chat.values()))

    async def _feed_chat(self, updates: list[Update]) -> None:
        async with self._slots:
            for update in updates:
                if self._stopping.is_set():
                    return  # the rest comes again after the restart: not confirmed
                await self._feed(update)

    async def _feed(self, update: Update) -> None:
        try:
            await self.feed(update)
        except Exception:
            # The core apologises for its own failures; this is the channel's (a call to
            # Telegram while taking the update). Logged, and the next update goes on.
            log.exception("telegram update %s: the channel failed", update.update_id)

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def stop(self) -> None:
        """Stop at the next update boundary; a long poll in progress is cancelled."""
        self._stopping.set()
        if self._fetch is not None:
            self._fetch.cancel()


class Webhook:
    """Telegram's calls: the secret token checked, the body read as one update and handled —
    committed — before the answer, so Telegram retries what was not. One chat's updates are
    handled one after another while other chats go on. A body that is not an update gets
    400 without a traceback."""

    def __init__(self, bot: Bot, feed: Feed, secret_token: str) -> None:
        self.bot = bot
        self.feed = feed
        self.secret_token = secret_token
        self.chats = ChatLocks()

    def register(self, app: web.Application, path: str) -> None:
        app.router.add_post(path, self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if self.secret_token and not secrets.compare_digest(secret, self.secret_token):
            return web.Response(body="Unauthorized", status=401)
        try:
            data = await request.json(loads=self.bot.session.json_loads)
        except ValueError:
            log.warning("telegram webhook: a body that is not JSON was refused")
            return web.Response(status=400)
        update = parse_update(data, self.bot)
        if update is None:
            return web.Response(status=400)
        try:
            async with self.chats.hold(chat_of(update)):
                await self.feed(update)
        except Exception:
            log.exception("telegram update %s: the channel failed", update.update_id)
            # Telegram retries a 5xx: the inbox drops the update if it was handled.
            return web.Response(status=500)
        return web.json_response({})
