"""A fake Telegram Bot API server on loopback, for driving the real aiogram stack in tests.

It speaks the Bot API over HTTP (``/bot<token>/<method>``) the way Telegram does, so a real
``aiogram.Bot`` pointed at ``base_url`` and a real ``Dispatcher`` (long polling or webhook) run
unchanged. The test plays the users (``send_text``, ``press_button``, ...) and reads what the bot
did (``wait_for``, ``sent_texts``, ``calls``).

Where Telegram is strict and bots must cope, the fake is strict too: editing a message that does
not exist or with identical content, answering a callback twice, unbalanced HTML in
``parse_mode=HTML``, over-long texts and callback data, getUpdates while a webhook is set,
a document by URL that is not a PDF, ZIP or GIF.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import (
    BodyPartReader,
    ClientError,
    ClientResponse,
    MultipartReader,
    web,
)

from tests.fakes.server import LoopbackServer

if TYPE_CHECKING:
    from aiogram import Bot

JsonDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_USER_ID = 1001
DEFAULT_FIRST_NAME = "Олена"

# Values that are strings in the Bot API even when they look like JSON numbers.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "secret_token",
        "url",
        "phone_number",
        "first_name",
        "last_name",
        "title",
        "description",
        "short_description",
        "custom_title",
        "question",
        "emoji",
        "language_code",
        "parse_mode",
        "file_id",
        "name",
        "business_connection_id",
        "message_effect_id",
    }
)
# Telegram leaves these out unless allowed_updates names them.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
TEXT_LIMIT = 4096
URL_DOCUMENT_TYPES = (".pdf", ".zip", ".gif")
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"
ADMIN_RIGHTS: JsonDict = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_send_welcome_messages": False,
    "can_pin_messages": True,
    "can_manage_topics": False,
}
RESTRICTED_RIGHTS: JsonDict = {
    "is_member": True,
    "can_send_messages": True,
    "can_send_audios": True,
    "can_send_documents": True,
    "can_send_photos": True,
    "can_send_videos": True,
    "can_send_video_notes": True,
    "can_send_voice_notes": True,
    "can_send_polls": True,
    "can_send_other_messages": True,
    "can_add_web_page_previews": True,
    "can_react_to_messages": True,
    "can_edit_tag": False,
    "can_change_info": False,
    "can_invite_users": True,
    "can_pin_messages": False,
    "can_manage_topics": False,
    "until_date": 0,
}
MEMBER_STATUSES = frozenset({"member", "administrator", "creator", "left", "kicked", "restricted"})
# Prefixes of real file ids per kind, so ids look plausible in logs.
FILE_ID_PREFIXES = {
    "photo": "AgACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
    "audio": "CQACAgIAAxkBAAI",
    "video": "BAACAgIAAxkBAAI",
    "animation": "CgACAgIAAxkBAAI",
    "video_note": "DQACAgIAAxkBAAI",
}
PHOTO_SIZES = ((90, 68), (320, 240), (800, 600))
MEDIA_CONTENT_KEYS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "contact",
    "location",
    *FILE_ID_PREFIXES,
)
MEDIA_METHODS = {
    "send" + "".join(part.title() for part in kind.split("_")): kind for kind in FILE_ID_PREFIXES
}
TEXT_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageCaption", *MEDIA_METHODS})
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with what the fake answered (``result`` or ``error``)."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None
    error: JsonDict | None = None
    #: The names uploaded files came with, by parameter (``"document": "курс.ics"``).
    filenames: dict[str, str] = field(default_factory=dict)
    #: When the fake took the call (``time.monotonic``).
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The raw ``text`` or ``caption`` parameter, markup included."""
        value = self.params.get("text", self.params.get("caption"))
        return None if value is None else str(value)


class ApiError(Exception):
    """An error answer, raised inside method handlers."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.error_code}
        body["description"] = self.description
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class _Failure:
    error: ApiError
    times: int
    after: int = 0  # calls that still succeed before the failures begin


@dataclass(frozen=True)
class _Request:
    params: JsonDict
    files: dict[str, bytes]
    filenames: dict[str, str]


@dataclass(frozen=True)
class _StoredFile:
    file_unique_id: str
    content: bytes
    path: str


Handler = Callable[[_Request], Any]


class _Signal:
    """A broadcast wake-up that plain (sync) code can fire, e.g. when a test queues an update."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, at_most: float | None) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), at_most)


class FakeTelegramServer(LoopbackServer):
    """The Bot API on ``127.0.0.1`` at a free port; see the module docstring."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_user: JsonDict | None = None,
        host: str = "127.0.0.1",
        webhook_retry_delay: float = 0.05,
    ) -> None:
        super().__init__(host=host)
        self.token = token
        self.bot_user: JsonDict = bot_user or {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Приймальня",
            "username": "pryimalnia_test_bot",
        }
        self.calls: list[ApiCall] = []
        #: Bot commands by scope: "default", "all_private_chats", "chat:<id>",
        #: "chat_member:<chat id>:<user id>"; with a language code appended as "/uk".
        self.commands: dict[str, list[JsonDict]] = {}
        #: Every message the fake knows, by (chat id, message id); edited in place.
        self.messages: dict[tuple[int, int], JsonDict] = {}
        self.chats: dict[int, JsonDict] = {}
        self.users: dict[int, JsonDict] = {}
        self.webhook: JsonDict = {"url": ""}
        self.webhook_retry_delay = webhook_retry_delay
        self._updates: list[JsonDict] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._updates_signal = _Signal()
        self._poll_generation = 0
        self._calls_changed = asyncio.Condition()
        self._taken: dict[str, set[int]] = {}
        self._last_message_id: dict[int, int] = {}
        self._members: dict[tuple[int, int], JsonDict] = {}
        self._blocked: set[int] = set()
        self._stalled: dict[str, asyncio.Event] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._open_callbacks: set[str] = set()
        self._callback_ids = itertools.count(4_382_958_201_000_001)
        self._file_numbers = itertools.count(1)
        self._files: dict[str, _StoredFile] = {}
        self._media_by_file_id: dict[str, Any] = {}
        self._closing = False
        self._webhook_task: asyncio.Task[None] | None = None
        self._methods: dict[str, tuple[str, Handler]] = {}
        for name, handler in self._handlers().items():
            self._methods[name.lower()] = (name, handler)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # Cancel a long poll whose client went away (a stopped Dispatcher) instead of
        # letting it linger until its timeout.
        await self._serve(app, handler_cancellation=True, shutdown_timeout=1.0)
        self._webhook_task = asyncio.create_task(self._deliver_webhook_updates())

    async def close(self) -> None:
        self._closing = True
        self._updates_signal.fire()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        await super().close()

    def make_bot(self, **kwargs: Any) -> Bot:
        """A real aiogram ``Bot`` talking to this server; close its session when done."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **kwargs)

    # -- the users' side ---------------------------------------------------------------------

    def send_text(
        self,
        text: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        first_name: str = DEFAULT_FIRST_NAME,
        chat_type: str = "private",
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        """A user writes ``text``; a leading ``/command`` gets its bot_command entity."""
        content: JsonDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self._user_message(
            content,
            user_id=user_id,
            chat_id=chat_id,
            first_name=first_name,
            chat_type=chat_type,
            reply_to_message_id=reply_to_message_id,
        )

    def press_button(
        self,
        data: str,
        *,
        message_id: int,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        first_name: str = DEFAULT_FIRST_NAME,
    ) -> JsonDict:
        """A user presses the inline button with callback ``data`` under message ``message_id``.

        If the fake knows the message, the button must be on it (a user can press only what
        the bot showed), else ValueError.
        """
        chat_id = user_id if chat_id is None else chat_id
        stored = self.messages.get((chat_id, message_id))
        if stored is None:
            message: JsonDict = {
                "message_id": message_id,
                "from": dict(self.bot_user),
                "chat": self._chat(chat_id),
                "date": now(),
            }
        else:
            offered = callback_data_of(stored.get("reply_markup"))
            if data not in offered:
                raise ValueError(f"message {message_id} has no button {data!r}; it has {offered}")
            message = copy.deepcopy(stored)
        query_id = str(next(self._callback_ids))
        self._open_callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(user_id, first_name),
            "message": message,
            "chat_instance": str(-(4_000_000_000_000_000_000 + abs(chat_id))),
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def send_contact(
        self,
        phone_number: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        first_name: str = DEFAULT_FIRST_NAME,
        chat_id: int | None = None,
    ) -> JsonDict:
        """A user shares their own contact (as a ``request_contact`` button does)."""
        contact = {"phone_number": phone_number, "first_name": first_name, "user_id": user_id}
        return self._user_message(
            {"contact": contact}, user_id=user_id, chat_id=chat_id, first_name=first_name
        )

    def send_photo(
        self,
        caption: str | None = None,
        *,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        user_id: int = DEFAULT_USER_ID,
        first_name: str = DEFAULT_FIRST_NAME,
        chat_id: int | None = None,
        chat_type: str = "private",
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        media = {"photo": self._new_file("photo", content)}
        return self._user_media(
            media, caption, user_id, first_name, chat_id, chat_type, reply_to_message_id
        )

    def send_document(
        self,
        file_name: str = "заява.pdf",
        *,
        caption: str | None = None,
        content: bytes = b"%PDF-1.4 fake",
        mime_type: str = "application/pdf",
        user_id: int = DEFAULT_USER_ID,
        first_name: str = DEFAULT_FIRST_NAME,
        chat_id: int | None = None,
        chat_type: str = "private",
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        document = self._new_file("document", content, file_name=file_name, mime_type=mime_type)
        return self._user_media(
            {"document": document},
            caption,
            user_id,
            first_name,
            chat_id,
            chat_type,
            reply_to_message_id,
        )

    def send_sticker(
        self,
        emoji: str = "👍",
        *,
        user_id: int = DEFAULT_USER_ID,
        first_name: str = DEFAULT_FIRST_NAME,
        chat_id: int | None = None,
    ) -> JsonDict:
        sticker = self._new_file("sticker", b"RIFF fake-webp", emoji=emoji)
        return self._user_media({"sticker": sticker}, None, user_id, first_name, chat_id)

    def send_voice(
        self,
        duration: int = 3,
        *,
        content: bytes = b"OggS fake-voice",
        user_id: int = DEFAULT_USER_ID,
        first_name: str = DEFAULT_FIRST_NAME,
        chat_id: int | None = None,
    ) -> JsonDict:
        voice = self._new_file("voice", content, duration=duration)
        return self._user_media({"voice": voice}, None, user_id, first_name, chat_id)

    def push_update(self, update: JsonDict) -> JsonDict:
        """Queue a raw update (``update_id`` assigned if missing); returns a copy of it."""
        update = copy.deepcopy(update)
        update_id = update.setdefault("update_id", self._next_update_id)
        self._next_update_id = max(self._next_update_id, update_id + 1)
        message = update.get("message")
        if isinstance(message, dict) and "chat" in message and "message_id" in message:
            self._remember(message)
        self._updates.append(update)
        self._updates_signal.fire()
        return copy.deepcopy(update)

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates queued and not yet confirmed (getUpdates offset) or delivered (webhook)."""
        return copy.deepcopy(self._updates)

    async def wait_all_confirmed(self, timeout: float = 5) -> None:  # noqa: ASYNC109
        """Until every queued update is confirmed (a getUpdates offset past it): a bot
        confirms a batch with its next poll, which may come after its replies."""
        async with asyncio.timeout(timeout):
            while self._updates:
                await self._updates_signal.wait(None)

    # -- what the bot did --------------------------------------------------------------------

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test's wait reads best as one call
    ) -> ApiCall:
        """The first call of ``method`` matching ``predicate`` not returned by an earlier
        ``wait_for`` for that method; waits for it up to ``timeout`` seconds."""
        method = self._canonical(method)
        taken = self._taken.setdefault(method, set())

        def find() -> ApiCall | None:
            for index, call in enumerate(self.calls):
                if index in taken or call.method != method:
                    continue
                if predicate is None or predicate(call):
                    taken.add(index)
                    return call
            return None

        try:
            async with self._calls_changed:
                found = await asyncio.wait_for(self._calls_changed.wait_for(find), timeout)
        except TimeoutError:
            recorded = [call.method for call in self.calls]
            raise AssertionError(
                f"no matching {method} call within {timeout}s; recorded calls: {recorded}"
            ) from None
        assert found is not None
        return found

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts and captions the bot sent or edited in, as users see them (HTML parsed out)."""
        texts: list[str] = []
        for call in self.calls:
            if not call.ok or call.method not in TEXT_METHODS:
                continue
            if isinstance(call.result, dict):
                if chat_id is not None and call.result["chat"]["id"] != chat_id:
                    continue
                text = call.result.get("text", call.result.get("caption"))
            elif chat_id is None:
                text = call.text
            else:
                continue
            if text is not None:
                texts.append(text)
        return texts

    # -- behaviour controls ------------------------------------------------------------------

    def set_chat_member(self, chat_id: int, user_id: int, status: str, **fields: Any) -> None:
        """getChatMember(chat_id, user_id) answers ``status`` (default "left"); ``fields``
        override the generated ones (e.g. ``can_delete_messages=False``)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown chat member status {status!r}")
        self._members[(chat_id, user_id)] = {"status": status, **fields}

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str = "Too Many Requests: retry after 1",
        retry_after: int | None = 1,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """The next ``times`` calls of ``method`` fail, once ``after`` more have succeeded
        (``after=1``: the second call fails); ``retry_after`` is sent only with 429."""
        canonical = self._canonical(method)
        if canonical.lower() not in self._methods:
            raise ValueError(f"the fake does not implement {method!r}")
        error = ApiError(error_code, description, retry_after if error_code == 429 else None)
        self._failures.setdefault(canonical, []).append(_Failure(error, times, after))

    def stall(self, chat_id: int) -> asyncio.Event:
        """Calls for ``chat_id`` hang until the returned event is set (a stuck connection
        to one chat); every other chat is answered as usual."""
        gate = asyncio.Event()
        self._stalled[str(chat_id)] = gate
        return gate

    def block_user(self, chat_id: int) -> None:
        """Sends to ``chat_id`` answer 403 as if the user blocked the bot."""
        self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def add_chat(self, chat: JsonDict) -> None:
        """Describe a chat (``{"id", "type", "title"...}``) instead of the generated one."""
        self.chats[chat["id"]] = dict(chat)

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return json_response(
                401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        parsed = await read_request(request)
        status, body = await self._call(request.match_info["method"], parsed)
        return json_response(status, body)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        for stored in self._files.values():
            if stored.path == request.match_info["path"]:
                return web.Response(body=stored.content)
        return web.Response(status=404, text="Not Found")

    async def _call(self, sent_method: str, request: _Request) -> tuple[int, JsonDict]:
        entry = self._methods.get(sent_method.lower())
        method = entry[0] if entry else sent_method
        try:
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            self._raise_injected_failure(method)
            self._raise_if_blocked(method, request.params)
            stalled = self._stalled.get(str(request.params.get("chat_id")))
            if stalled is not None and method != "getUpdates":
                await stalled.wait()  # as a messenger that hangs on one chat
            if method == "getUpdates":
                result = await self._get_updates(request.params)
            else:
                result = entry[1](request)
        except ApiError as error:
            await self._record(
                ApiCall(
                    method,
                    request.params,
                    request.files,
                    error=error.to_json(),
                    filenames=request.filenames,
                )
            )
            return error.error_code, error.to_json()
        result = copy.deepcopy(result)
        await self._record(
            ApiCall(
                method, request.params, request.files, result=result, filenames=request.filenames
            )
        )
        return 200, {"ok": True, "result": result}

    async def _record(self, call: ApiCall) -> None:
        async with self._calls_changed:
            self.calls.append(call)
            self._calls_changed.notify_all()

    def _canonical(self, method: str) -> str:
        entry = self._methods.get(method.lower())
        return entry[0] if entry else method

    def _raise_injected_failure(self, method: str) -> None:
        queue = self._failures.get(method)
        if not queue:
            return
        failure = queue[0]
        if failure.after > 0:
            failure.after -= 1
            return
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        raise failure.error

    def _raise_if_blocked(self, method: str, params: JsonDict) -> None:
        sends = method.startswith("send") or method in {"copyMessage", "forwardMessage"}
        if sends and params.get("chat_id") in self._blocked:
            raise ApiError(403, BLOCKED)

    # -- updates -----------------------------------------------------------------------------

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = max(float(params.get("timeout", 0)), 0.0)
        if "allowed_updates" in params:
            self._set_allowed_updates(params["allowed_updates"])
        self._confirm(int(params.get("offset", 0)))
        # A newer getUpdates ends an older one with 409, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._closing:
                return []
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            batch = self._deliverable(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0:
                return batch
            await self._updates_signal.wait(remaining)

    def _set_allowed_updates(self, allowed: Any) -> None:
        self._allowed_updates = frozenset(allowed) if allowed else None

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _deliverable(self, limit: int) -> list[JsonDict]:
        """The first ``limit`` pending updates; drops the kinds the bot did not ask for."""
        self._updates = [u for u in self._updates if self._is_allowed(u)]
        return copy.deepcopy(self._updates[:limit])

    def _is_allowed(self, update: JsonDict) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        if self._allowed_updates is None:
            return kind not in OPT_IN_UPDATES
        return kind in self._allowed_updates

    async def _deliver_webhook_updates(self) -> None:
        """POST pending updates one by one to the webhook; drop each once answered 2xx."""
        while not self._closing:
            url = self.webhook["url"]
            batch = self._deliverable(1) if url else []
            if not batch:
                await self._updates_signal.wait(None)
                continue
            update = batch[0]
            try:
                reply = await self._post_update(url, update)
            except (ClientError, TimeoutError, ValueError) as error:
                self.webhook["last_error_date"] = now()
                self.webhook["last_error_message"] = str(error) or type(error).__name__
                await self._updates_signal.wait(self.webhook_retry_delay)
                continue
            self._updates = [u for u in self._updates if u["update_id"] != update["update_id"]]
            if reply is not None:
                # A webhook may answer with a method call; Telegram executes it silently.
                await self._call(*reply)

    async def _post_update(self, url: str, update: JsonDict) -> tuple[str, _Request] | None:
        assert self._http is not None
        headers = {}
        if secret := self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with self._http.post(url, json=update, headers=headers) as response:
            if not 200 <= response.status < 300:
                raise ValueError(
                    f"Wrong response from the webhook: {response.status} {response.reason}"
                )
            return await read_webhook_reply(response)

    # -- methods -----------------------------------------------------------------------------

    def _handlers(self) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": lambda request: [],  # answered by _get_updates (it waits)
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "sendChatAction": lambda request: True,
            "getChatMember": self._get_chat_member,
            "getChat": self._get_chat,
            "getFile": self._get_file,
        }
        for name, kind in MEDIA_METHODS.items():
            handlers[name] = partial(self._send_media, kind)
        return handlers

    def _get_me(self, request: _Request) -> JsonDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _set_webhook(self, request: _Request) -> bool:
        params = request.params
        url = str(params.get("url", ""))
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in params:
            self._set_allowed_updates(params["allowed_updates"])
        self.webhook = {"url": url, "max_connections": int(params.get("max_connections", 40))}
        if secret is not None:
            self.webhook["secret_token"] = str(secret)
        self._updates_signal.fire()
        return True

    def _delete_webhook(self, request: _Request) -> bool:
        if request.params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": ""}
        return True

    def _get_webhook_info(self, request: _Request) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook["url"]:
            info["max_connections"] = self.webhook["max_connections"]
            info["ip_address"] = self.host
            if self._allowed_updates is not None:
                info["allowed_updates"] = sorted(self._allowed_updates)
        for key in ("last_error_date", "last_error_message"):
            if key in self.webhook:
                info[key] = self.webhook[key]
        return info

    def _set_my_commands(self, request: _Request) -> bool:
        commands = request.params.get("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        for command in commands:
            if not COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
        self.commands[scope_key(request.params)] = commands
        return True

    def _delete_my_commands(self, request: _Request) -> bool:
        self.commands.pop(scope_key(request.params), None)
        return True

    def _get_my_commands(self, request: _Request) -> list[JsonDict]:
        return self.commands.get(scope_key(request.params), [])

    def _send_message(self, request: _Request) -> JsonDict:
        chat_id = self._chat_id(request.params)
        content = render(request.params, "text", "entities", TEXT_LIMIT)
        return self._bot_message(chat_id, content, request.params)

    def _send_media(self, kind: str, request: _Request) -> JsonDict:
        chat_id = self._chat_id(request.params)
        content: JsonDict = {kind: self._resolve_media(kind, request)}
        if request.params.get("caption"):
            content |= render(request.params, "caption", "caption_entities", CAPTION_LIMIT)
        return self._bot_message(chat_id, content, request.params)

    def _edit_message_text(self, request: _Request) -> JsonDict | bool:
        content = render(request.params, "text", "entities", TEXT_LIMIT)
        if "inline_message_id" in request.params:
            return True
        message = self._editable_message(request.params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        changes = {"text": content["text"], "entities": content.get("entities")}
        return self._edit(message, changes | {"reply_markup": inline_markup(request.params)})

    def _edit_message_caption(self, request: _Request) -> JsonDict | bool:
        content = render(request.params, "caption", "caption_entities", CAPTION_LIMIT, empty=True)
        if "inline_message_id" in request.params:
            return True
        message = self._editable_message(request.params)
        if "text" in message:
            raise bad_request("there is no caption in the message to edit")
        changes = {"caption": content["caption"] or None}
        changes["caption_entities"] = content.get("caption_entities")
        return self._edit(message, changes | {"reply_markup": inline_markup(request.params)})

    def _edit_message_reply_markup(self, request: _Request) -> JsonDict | bool:
        if "inline_message_id" in request.params:
            return True
        message = self._editable_message(request.params)
        return self._edit(message, {"reply_markup": inline_markup(request.params)})

    def _delete_message(self, request: _Request) -> bool:
        key = (self._chat_id(request.params), int(request.params.get("message_id", 0)))
        if self.messages.pop(key, None) is None:
            raise bad_request("message to delete not found")
        return True

    def _answer_callback_query(self, request: _Request) -> bool:
        query_id = str(request.params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(request.params.get("text", ""))) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        return True

    def _copy_message(self, request: _Request) -> JsonDict:
        chat_id = self._chat_id(request.params)
        source = self._source_message(request.params, "copy")
        content = {key: source[key] for key in MEDIA_CONTENT_KEYS if key in source}
        if "caption" in request.params and "text" not in content:
            content.pop("caption_entities", None)
            content |= render(request.params, "caption", "caption_entities", CAPTION_LIMIT)
        message = self._bot_message(chat_id, content, request.params)
        return {"message_id": message["message_id"]}

    def _forward_message(self, request: _Request) -> JsonDict:
        chat_id = self._chat_id(request.params)
        source = self._source_message(request.params, "forward")
        content = {key: source[key] for key in MEDIA_CONTENT_KEYS if key in source}
        origin = {"type": "user", "sender_user": source["from"], "date": source["date"]}
        message = self._store(chat_id, {**content, "forward_origin": origin}, self.bot_user)
        return message

    def _get_chat_member(self, request: _Request) -> JsonDict:
        chat_id = self._chat_id(request.params)
        user_id = int(request.params.get("user_id", 0))
        configured = self._members.get((chat_id, user_id), {"status": "left"})
        status = configured["status"]
        member: JsonDict = {"status": status, "user": self._known_user(user_id)}
        member |= {
            "administrator": ADMIN_RIGHTS,
            "creator": {"is_anonymous": False},
            "kicked": {"until_date": 0},
            "restricted": RESTRICTED_RIGHTS,
        }.get(status, {})
        return member | configured

    def _get_chat(self, request: _Request) -> JsonDict:
        chat = self._chat(self._chat_id(request.params))
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        accepted = dict.fromkeys(gifts, True) | {"gifts_from_channels": False}
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11} | {
            "accepted_gift_types": accepted
        }

    def _get_file(self, request: _Request) -> JsonDict:
        file_id = str(request.params.get("file_id", ""))
        stored = self._files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.path,
        }

    # -- messages, chats, users, files -------------------------------------------------------

    def _user_message(
        self,
        content: JsonDict,
        *,
        user_id: int,
        chat_id: int | None,
        first_name: str,
        chat_type: str = "private",
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        user = self._user(user_id, first_name)
        if chat_type == "private":
            chat_id = user_id if chat_id is None else chat_id
            self.chats.setdefault(chat_id, {"id": chat_id, "type": "private"})
            self.chats[chat_id]["first_name"] = first_name
        elif chat_id is None:
            raise ValueError(f"a {chat_type} message needs chat_id")
        else:
            self.chats.setdefault(
                chat_id, {"id": chat_id, "type": chat_type, "title": f"Group {chat_id}"}
            )
        if reply_to_message_id is not None:
            replied = self.messages.get((chat_id, reply_to_message_id))
            if replied is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat_id}")
            content = {**content, "reply_to_message": without_reply(replied)}
        message = self._store(chat_id, content, user)
        return self.push_update({"message": message})

    def _user_media(
        self,
        media: JsonDict,
        caption: str | None,
        user_id: int,
        first_name: str,
        chat_id: int | None,
        chat_type: str = "private",
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        if caption is not None:
            media["caption"] = caption
        return self._user_message(
            media,
            user_id=user_id,
            chat_id=chat_id,
            first_name=first_name,
            chat_type=chat_type,
            reply_to_message_id=reply_to_message_id,
        )

    def _bot_message(self, chat_id: int, content: JsonDict, params: JsonDict) -> JsonDict:
        reply = params.get("reply_parameters")
        reply_to = reply.get("message_id") if isinstance(reply, dict) else None
        reply_to = params.get("reply_to_message_id", reply_to)
        if reply_to is not None:
            replied = self.messages.get((chat_id, int(reply_to)))
            allow_missing = params.get("allow_sending_without_reply") or (
                isinstance(reply, dict) and reply.get("allow_sending_without_reply")
            )
            if replied is not None:
                content = {**content, "reply_to_message": without_reply(replied)}
            elif not allow_missing:
                raise bad_request("message to be replied not found")
        markup = inline_markup(params)
        if markup is not None:
            content = {**content, "reply_markup": markup}
        return self._store(chat_id, content, self.bot_user)

    def _store(self, chat_id: int, content: JsonDict, sender: JsonDict) -> JsonDict:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        message = {
            "message_id": message_id,
            "from": dict(sender),
            "chat": self._chat(chat_id),
            "date": now(),
            **content,
        }
        self._remember(message)
        return copy.deepcopy(message)

    def _remember(self, message: JsonDict) -> None:
        chat_id = message["chat"]["id"]
        self.messages[(chat_id, message["message_id"])] = copy.deepcopy(message)
        last = self._last_message_id.get(chat_id, 0)
        self._last_message_id[chat_id] = max(last, message["message_id"])

    def _editable_message(self, params: JsonDict) -> JsonDict:
        key = (self._chat_id(params), int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return message

    def _edit(self, message: JsonDict, changes: dict[str, Any]) -> JsonDict:
        if all(message.get(key) == (value or None) for key, value in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        for key, value in changes.items():
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        message["edit_date"] = now()
        return copy.deepcopy(message)

    def _source_message(self, params: JsonDict, verb: str) -> JsonDict:
        from_chat = self._chat_id(params, "from_chat_id")
        message = self.messages.get((from_chat, int(params.get("message_id", 0))))
        if message is None:
            raise bad_request(f"message to {verb} not found")
        return message

    def _chat_id(self, params: JsonDict, key: str = "chat_id") -> int:
        value = params.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username") == value[1:]:
                    return int(chat["id"])
        raise bad_request("chat not found")

    def _chat(self, chat_id: int) -> JsonDict:
        if chat_id not in self.chats:
            if chat_id > 0:
                generated = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
            else:
                generated = {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
            self.chats[chat_id] = generated
        return dict(self.chats[chat_id])

    def _user(self, user_id: int, first_name: str) -> JsonDict:
        user = self.users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "language_code": "uk"}
        )
        user["first_name"] = first_name
        return dict(user)

    def _known_user(self, user_id: int) -> JsonDict:
        if user_id == self.bot_user["id"]:
            return dict(self.bot_user)
        default = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        return dict(self.users.get(user_id, default))

    def _resolve_media(self, kind: str, request: _Request) -> Any:
        value = request.params.get(kind)
        upload = request.files.get(kind)
        if upload is not None:
            name = request.filenames.get(kind)
            return self._new_file(kind, upload, file_name=name)
        if not isinstance(value, str) or not value or value.startswith("attach://"):
            raise bad_request(f"there is no {kind} in the request")
        if value.startswith(("http://", "https://")):
            file_name = value.split("?", 1)[0].rsplit("/", 1)[-1]
            # Telegram fetches a document by URL only if it is a PDF, a ZIP or a GIF.
            if kind == "document" and not file_name.lower().endswith(URL_DOCUMENT_TYPES):
                raise bad_request("wrong type of the web page content")
            return self._new_file(kind, b"", file_name=file_name)
        if value in self._media_by_file_id:
            return copy.deepcopy(self._media_by_file_id[value])
        # An id the fake never issued: accepted, as tests may use literal ids.
        return self._new_file(kind, b"", file_id=value)

    def _new_file(
        self,
        kind: str,
        content: bytes,
        *,
        file_id: str | None = None,
        file_name: str | None = None,
        **extra: Any,
    ) -> Any:
        number = next(self._file_numbers)
        prefix = FILE_ID_PREFIXES[kind]
        if kind == "photo":
            sizes: list[JsonDict] = []
            for index, (width, height) in enumerate(PHOTO_SIZES):
                size_id = f"{prefix}{number:06d}x{index}"
                unique = f"AQAD{number:06d}x{index}"
                self._files[size_id] = _StoredFile(unique, content, f"photos/file_{number}.jpg")
                sizes.append(
                    {"file_id": size_id, "file_unique_id": unique}
                    | {"file_size": len(content), "width": width, "height": height}
                )
            for size in sizes:
                self._media_by_file_id[size["file_id"]] = sizes
            return sizes
        file_id = file_id or f"{prefix}{number:06d}"
        unique = f"AgAD{number:06d}"
        media: JsonDict = {"file_id": file_id, "file_unique_id": unique}
        if content:
            media["file_size"] = len(content)
        media |= media_details(kind, file_name, extra)
        self._files[file_id] = _StoredFile(unique, content, f"{kind}s/file_{number}")
        self._media_by_file_id[file_id] = media
        return media


# -- helpers -------------------------------------------------------------------------------


def now() -> int:
    return int(time.time())


def utf16_len(text: str) -> int:
    """Telegram counts entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def json_response(status: int, body: JsonDict) -> web.Response:
    return web.json_response(body, status=status, dumps=partial(json.dumps, ensure_ascii=False))


def decode_value(key: str, value: str) -> Any:
    """A form value as Telegram reads it: JSON objects, arrays, numbers and booleans decoded."""
    if key in STRING_FIELDS:
        return value
    try:
        decoded = json.loads(value, parse_constant=lambda constant: constant)
    except ValueError:
        return value
    if isinstance(decoded, dict | list | bool | int | float):
        return decoded
    return value


def decode_form(fields: dict[str, str], parts: dict[str, bytes], names: dict[str, str]) -> _Request:
    """Decode fields; files are keyed by the parameter that attaches them (``attach://x``)."""
    params = {key: decode_value(key, value) for key, value in fields.items()}
    files: dict[str, bytes] = {}
    filenames: dict[str, str] = {}
    unclaimed = dict(parts)
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            part = value.removeprefix("attach://")
            if part in parts:
                files[key] = unclaimed.pop(part, parts[part])
                if part in names:
                    filenames[key] = names[part]
    files |= unclaimed
    filenames |= {name: names[name] for name in unclaimed if name in names}
    return _Request(params, files, filenames)


async def read_request(request: web.Request) -> _Request:
    fields: dict[str, str] = dict(request.query)
    parts: dict[str, bytes] = {}
    names: dict[str, str] = {}
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        decoded = decode_form(fields, {}, {})
        return _Request(decoded.params | body, {}, {})
    if request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                parts[key] = value.file.read()
                names[key] = value.filename
            elif isinstance(value, str):
                fields[key] = value
            else:
                fields[key] = bytes(value).decode()
    return decode_form(fields, parts, names)


async def read_webhook_reply(response: ClientResponse) -> tuple[str, _Request] | None:
    """A method call in a webhook's answer (JSON or multipart, as aiogram sends it), if any."""
    if response.content_type == "application/json":
        body = await response.json()
        if not isinstance(body, dict) or "method" not in body:
            return None
        method = str(body.pop("method"))
        return method, _Request(body, {}, {})
    if response.content_type != "multipart/form-data":
        return None
    reader = MultipartReader(response.headers, response.content)
    fields: dict[str, str] = {}
    parts: dict[str, bytes] = {}
    names: dict[str, str] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        data = await part.read()
        if part.filename:
            parts[part.name] = bytes(data)
            names[part.name] = part.filename
        else:
            fields[part.name] = bytes(data).decode()
    if "method" not in fields:
        return None
    return fields.pop("method"), decode_form(fields, parts, names)


def scope_key(params: JsonDict) -> str:
    scope = params.get("scope") or {"type": "default"}
    key = str(scope["type"])
    for part in ("chat_id", "user_id"):
        if part in scope:
            key += f":{scope[part]}"
    if params.get("language_code"):
        key += f"/{params['language_code']}"
    return key


def inline_markup(params: JsonDict) -> JsonDict | None:
    """The inline keyboard in ``reply_markup`` (Telegram echoes only those), validated."""
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    for row in markup["inline_keyboard"]:
        for button in row:
            if not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


def callback_data_of(markup: Any) -> list[str]:
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


def without_reply(message: JsonDict) -> JsonDict:
    """Telegram does not nest reply_to_message inside a replied-to message."""
    return {
        key: value for key, value in copy.deepcopy(message).items() if key != "reply_to_message"
    }


def media_details(kind: str, file_name: str | None, extra: dict[str, Any]) -> JsonDict:
    by_kind: dict[str, JsonDict] = {
        "document": {"file_name": file_name or "document", "mime_type": "application/octet-stream"},
        "sticker": {"type": "regular", "width": 512, "height": 512}
        | {"is_animated": False, "is_video": False},
        "voice": {"duration": 1, "mime_type": "audio/ogg"},
        "audio": {"duration": 1, "mime_type": "audio/mpeg"},
        "video": {"width": 640, "height": 360, "duration": 1},
        "animation": {"width": 320, "height": 240, "duration": 1},
        "video_note": {"length": 240, "duration": 1},
    }
    details = dict(by_kind[kind])
    if file_name and kind in {"audio", "video", "animation"}:
        details["file_name"] = file_name
    return details | extra


def render(
    params: JsonDict, key: str, entities_key: str, limit: int, *, empty: bool = False
) -> JsonDict:
    """Text as Telegram stores it: with ``parse_mode=HTML`` the tags become entities."""
    source = params.get(key)
    text = "" if source is None else str(source)
    entities = params.get(entities_key)
    if not isinstance(entities, list):
        entities = []
        if str(params.get("parse_mode", "")).lower() == "html":
            text, entities = parse_html(text)
    if not text.strip() and not empty:
        raise bad_request(f"message {key} is empty")
    if utf16_len(text) > limit:
        raise bad_request("message is too long" if key == "text" else "message caption is too long")
    content: JsonDict = {key: text}
    if entities:
        content[entities_key] = entities
    return content


# -- HTML parse mode, strict like Telegram's ---------------------------------------------------

TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*/?>"
)
ATTR_RE = re.compile(r"([\w-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
CHAR_REF_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")
PLAIN_RE = re.compile(r"[^<&]+")
SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
HTML_TAGS = {*SIMPLE_TAGS, "a", "span", "blockquote", "tg-emoji"}


def parse_html(source: str) -> tuple[str, list[JsonDict]]:
    text: list[str] = []
    length = 0
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[JsonDict] = []
    pos = 0
    while pos < len(source):
        if source[pos] == "<":
            match = TAG_RE.match(source, pos)
            offset = len(source[:pos].encode())
            if match is None:
                raise entities_error(f'Unexpected "<" at byte offset {offset}')
            name = match.group(2).lower()
            if match.group(1):
                if not stack or stack[-1][0] != name:
                    expected = f'expected "</{stack[-1][0]}>"' if stack else "no tag is open"
                    raise entities_error(
                        f'Unmatched end tag at byte offset {offset}, {expected}, found "</{name}>"'
                    )
                open_name, start, attrs = stack.pop()
                if length > start:
                    entity = html_entity(open_name, attrs, start, length - start, stack)
                    if entity is not None:
                        entities.append(entity)
            else:
                if name not in HTML_TAGS:
                    raise entities_error(f'Unsupported start tag "{name}" at byte offset {offset}')
                stack.append((name, length, tag_attrs(match.group(3))))
            pos = match.end()
            continue
        if source[pos] == "&":
            ref = CHAR_REF_RE.match(source, pos)
            piece = html.unescape(ref.group(0)) if ref else "&"
            pos = ref.end() if ref else pos + 1
        else:
            plain = PLAIN_RE.match(source, pos)
            assert plain is not None
            piece = plain.group(0)
            pos = plain.end()
        text.append(piece)
        length += utf16_len(piece)
    if stack:
        raise entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(text), entities


def tag_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in ATTR_RE.finditer(raw):
        attrs[match.group(1).lower()] = next((g for g in match.groups()[1:] if g is not None), "")
    return attrs


def html_entity(
    name: str, attrs: dict[str, str], offset: int, length: int, outer: list[Any]
) -> JsonDict | None:
    entity: JsonDict = {"offset": offset, "length": length}
    if name == "code" and outer and outer[-1][0] == "pre":
        # <pre><code class="language-x"> is one pre entity with a language.
        if attrs.get("class", "").startswith("language-"):
            outer[-1][2]["language"] = attrs["class"].removeprefix("language-")
        return None
    if name in SIMPLE_TAGS:
        entity["type"] = SIMPLE_TAGS[name]
        if name == "pre" and "language" in attrs:
            entity["language"] = attrs["language"]
    elif name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise entities_error('Tag "span" must have class "tg-spoiler"')
        entity["type"] = "spoiler"
    elif name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
    elif name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    else:
        href = attrs.get("href", "")
        if not href:
            return None
        if user := re.fullmatch(r"tg://user\?id=(\d+)", href):
            user_id = int(user.group(1))
            entity["type"] = "text_mention"
            entity["user"] = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        else:
            entity["type"] = "text_link"
            entity["url"] = href
    return entity


def entities_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")
