"""Viber: signed webhook callbacks → core events, replies → Viber REST calls.

viberbot 1.0.12 parses the callbacks and builds the message dicts; it is synchronous and its
API address is a module constant, so the REST calls are ours: aiohttp, the token in the
`X-Viber-Auth-Token` header, the base URL from settings.

- A callback is handled (and committed by the core) before Viber hears 200, so a crash
  makes Viber retry it; `message_token` is the update key that drops the redelivery.
- Pressed keyboard buttons arrive as text: their ActionBody is `btn:<payload>`, which tells
  them from what people type.
- `conversation_started` (someone opened the chat) is answered with the greeting in the
  response body. It cannot go through the outbox: Viber refuses `send_message` to a person
  who has not written yet ("not subscribed"), and the greeting in the body is the one message
  Viber lets a bot send then. Nothing is stored: the dialog starts with the first message.
- Viber takes a file message only by a public URL. A file the bot generated (a calendar
  entry, a chart) is written under `files_dir` and served from the webhook server, which
  Viber needs anyway, under an unguessable path (`/viber/files/<token>/<name>`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web
from viberbot.api.messages import (
    ContactMessage,
    FileMessage,
    LocationMessage,
    PictureMessage,
    StickerMessage,
    TextMessage,
    URLMessage,
    VideoMessage,
)
from viberbot.api.viber_requests import (
    ViberConversationStartedRequest,
    ViberFailedRequest,
    ViberMessageRequest,
    ViberSubscribedRequest,
    ViberUnsubscribedRequest,
    create_request,
)

from bot import render
from bot.channels.base import (
    ChatLocks,
    Handle,
    InputChannel,
    Part,
    RetryLater,
    Undeliverable,
)
from handlers import texts
from handlers.messages import (
    Attachment,
    AttachmentKind,
    Button,
    Contact,
    Event,
    Reply,
    opaque_user,
)

log = logging.getLogger(__name__)

CHANNEL = "viber"
WEBHOOK_PATH = "/viber/webhook"
FILES_PATH = "/viber/files"
SIGNATURE_HEADER = "X-Viber-Content-Signature"
TOKEN_HEADER = "X-Viber-Auth-Token"
BUTTON_PREFIX = "btn:"
TEXT_LIMIT = 7000
MAX_BUTTONS = 24
GRID_COLUMNS = 6
SENDER_NAME_LIMIT = 28
DEFAULT_SENDER_NAME = texts.VIBER_SENDER_NAME
# Callbacks we ask for besides `message` and `webhook`, which always come.
EVENT_TYPES = ["conversation_started", "subscribed", "unsubscribed", "delivered", "seen", "failed"]
SHARE_PHONE_API_VERSION = 3
REQUEST_TIMEOUT = 15.0

# Viber `status` codes (https://developers.viber.com/docs/api/rest-bot-api/#error-codes).
STATUS_OK = 0
STATUS_INVALID_TOKEN = 2
# Retrying cannot help: the message or the person is the problem.
UNDELIVERABLE_STATUSES = {
    1: "invalid url",
    3: "bad data",
    4: "missing data",
    5: "receiver not registered",
    6: "receiver not subscribed",
    11: "receiver has no suitable device",
    13: "api version not supported",
    14: "incompatible with version",
}
TOO_MANY_REQUESTS = 12
RETRY_SECONDS = 5.0
ACCOUNT_RETRY_SECONDS = 60.0  # token, account or webhook trouble: an operator must act

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class ViberConfig:
    """What the Viber channel is given at assembly."""

    token: str
    webhook_base_url: str  # public HTTPS: Viber calls it, and fetches generated files there
    files_dir: Path  # generated files served to Viber are written here
    api_url: str = "https://chatapi.viber.com/pa"
    sender_name: str = DEFAULT_SENDER_NAME

    @property
    def webhook_url(self) -> str:
        return self.webhook_base_url + WEBHOOK_PATH


class ViberApiError(Exception):
    """Viber answered with a non-zero `status`, or not with HTTP 200 (then status is None)."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status


class ViberApi:
    """The REST calls: POST {base}/{method} with a JSON body and the token in a header."""

    def __init__(self, base_url: str, token: str, timeout: float = REQUEST_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def call(self, method: str, body: JsonDict) -> JsonDict:
        if self._session is None or self._session.closed:
            # Created here, not in __init__: a session belongs to the running event loop.
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        async with self._session.post(
            f"{self.base_url}/{method}", json=body, headers={TOKEN_HEADER: self._token}
        ) as response:
            if response.status != 200:
                raise ViberApiError(None, f"HTTP {response.status}")
            answer = await response.json(content_type=None)
        if not isinstance(answer, dict):
            raise ViberApiError(None, "not a JSON object")
        status = answer.get("status")
        if status != STATUS_OK:
            code = status if isinstance(status, int) else None
            raise ViberApiError(code, f"status {status}: {answer.get('status_message', '')}")
        return answer

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


async def register_webhook(api: ViberApi, url: str) -> list[str]:
    """Tell Viber to call `url`; returns the event types Viber confirmed. Viber calls `url`
    at once with a `webhook` event and refuses the address unless it answers 200."""
    answer = await api.call(
        "set_webhook", {"url": url, "event_types": EVENT_TYPES, "send_name": True}
    )
    confirmed = answer.get("event_types")
    return [str(kind) for kind in confirmed] if isinstance(confirmed, list) else list(EVENT_TYPES)


# --- incoming ------------------------------------------------------------------------------


class ViberChannel(InputChannel):
    name = CHANNEL
    listens = True  # Viber has no polling: it calls the webhook

    def __init__(
        self,
        config: ViberConfig,
        handle: Handle,
        *,
        greeting: Callable[[], Reply],
        api: ViberApi | None = None,
    ) -> None:
        super().__init__(handle)
        self._key = config.token.encode()
        self.greeting = greeting  # what /start shows, from the core
        self.api = api or ViberApi(config.api_url, config.token)
        self.sender_name = config.sender_name[:SENDER_NAME_LIMIT]
        self.files = PublishedFiles(config.files_dir, config.webhook_base_url + FILES_PATH)
        self.sender = ViberSender(self.api, self.sender_name, files=self.files)
        self.chats = ChatLocks()
        self.webhook_url = config.webhook_url

    def register(self, app: web.Application) -> None:
        """Add the callback and file routes to an aiohttp app (one server may host several
        bots)."""
        app.router.add_post(WEBHOOK_PATH, self.on_callback)
        app.router.add_get(FILES_PATH + "/{token}/{name}", self.files.serve)

    async def set_webhook(self) -> None:
        """Tell Viber where to call. It calls at once with a `webhook` event: listen first."""
        await register_webhook(self.api, self.webhook_url)
        log.info("viber webhook set")

    async def close(self) -> None:
        await self.api.close()

    def verify(self, body: bytes, signature: str | None) -> bool:
        """HMAC-SHA256 of the raw body with the token, compared in constant time."""
        if not signature:
            return False
        expected = hmac.new(self._key, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature.strip().lower())

    async def on_callback(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not self.verify(body, request.headers.get(SIGNATURE_HEADER)):
            log.warning("viber callback with a bad or missing signature refused")
            return web.Response(status=403)
        try:
            data = json.loads(body)
        except ValueError:
            return web.Response(status=400)
        if not isinstance(data, dict):
            return web.Response(status=400)
        kind = data.get("event")
        if kind == "conversation_started":
            return self._welcome(data)
        event = self._event(data)
        if event is not None:
            # Not in the background: Viber hears 200 only once the event is committed.
            # Callbacks come concurrently; one person's are handled in the order they came.
            async with self.chats.hold(event.chat_id):
                await self.handle(event)
        return web.json_response({})

    def _welcome(self, data: JsonDict) -> web.Response:
        try:
            started = create_request(data)
        except Exception:  # viberbot raises bare Exception on shapes it does not know
            log.warning("viber conversation_started not understood")
            return web.json_response({})
        assert isinstance(started, ViberConversationStartedRequest)
        log.info("viber conversation started: user=%s", _opaque(started.user.id))
        [message] = build_messages(self.greeting())[:1]
        return web.json_response({"sender": {"name": self.sender_name}, **message})

    def _event(self, data: JsonDict) -> Event | None:
        """The core's event for a `message` callback; None for the ones we only log."""
        try:
            parsed = create_request(data)
        except Exception:  # viberbot raises bare Exception on types it does not know
            return _unknown_message(data)
        if isinstance(parsed, ViberMessageRequest):
            return _message_event(parsed, data.get("message", {}))
        if isinstance(parsed, ViberSubscribedRequest):
            log.info("viber subscribed: user=%s", _opaque(parsed.user.id))
        elif isinstance(parsed, ViberUnsubscribedRequest):
            log.info("viber unsubscribed: user=%s", _opaque(parsed.user_id))
        elif isinstance(parsed, ViberFailedRequest):
            log.warning("viber reports a message not delivered: token=%s", parsed.message_token)
        else:
            log.debug("viber callback: %s", parsed.event_type)
        return None


def _message_event(request: ViberMessageRequest, raw: JsonDict) -> Event:
    sender = request.sender
    token = str(request.message_token)
    event = Event(
        channel=CHANNEL,
        user_id=str(sender.id),
        chat_id=str(sender.id),  # a bot talks to a person one-to-one: the chat is the person
        display_name=sender.name,
        update_key=token,
        message_id=token,
    )
    message = request.message
    if isinstance(message, TextMessage):
        text = message.text or ""
        if text.startswith(BUTTON_PREFIX):
            return _with(event, payload=text[len(BUTTON_PREFIX) :])
        return _with(event, text=text)
    if isinstance(message, ContactMessage):
        phone = message.contact.phone_number if message.contact else None
        if not phone:
            return _with(event, unsupported="contact")
        # The share-phone button sends the person's own number.
        return _with(event, contact=Contact(phone=str(phone), is_own=True))
    if isinstance(message, PictureMessage):
        photo = _media("photo", message.media, raw)
        return _with(event, text=message.text or None, attachments=photo)
    if isinstance(message, FileMessage):
        return _with(event, attachments=_media("document", message.media, raw))
    if isinstance(message, VideoMessage):
        return _with(event, attachments=_media("video", message.media, raw))
    if isinstance(message, URLMessage):
        # A link on its own arrives as its own type; it is what the person wrote.
        return _with(event, text=str(message.media or ""))
    if isinstance(message, StickerMessage):
        return _with(event, unsupported="sticker")
    if isinstance(message, LocationMessage):
        return _with(event, unsupported="location")
    return _with(event, unsupported="other")  # rich media, keyboards, whatever comes next


def _unknown_message(data: JsonDict) -> Event | None:
    sender = data.get("sender")
    if data.get("event") != "message" or not isinstance(sender, dict) or not sender.get("id"):
        log.info("viber callback not understood: event=%s", data.get("event"))
        return None
    token = str(data.get("message_token", "")) or None
    return Event(
        channel=CHANNEL,
        user_id=str(sender["id"]),
        chat_id=str(sender["id"]),
        display_name=sender.get("name"),
        unsupported="other",
        update_key=token,
        message_id=token,
    )


def _media(kind: AttachmentKind, url: Any, raw: JsonDict) -> tuple[Attachment, ...]:
    if not url:
        return ()
    # Viber's media URLs are temporary: the file must be fetched while the link lives.
    size = raw.get("size")
    return (
        Attachment(
            kind,
            str(url),
            file_name=raw.get("file_name"),
            size=size if isinstance(size, int) else None,
        ),
    )


def _with(event: Event, **fields: Any) -> Event:
    return replace(event, **fields)


def _opaque(user_id: Any) -> str:
    return opaque_user(CHANNEL, user_id)


# --- outgoing ------------------------------------------------------------------------------


class ViberSender:
    """Sends replies with `send_message`; generated files are published for Viber to fetch."""

    def __init__(
        self, api: ViberApi, sender_name: str, *, files: PublishedFiles | None = None
    ) -> None:
        self.api = api
        self.sender_name = sender_name
        self.files = files

    def parts(self, chat_id: str, reply: Reply) -> list[Part]:
        # Publishing a generated file does not change how many messages there are: each
        # file is one message, a notice if it cannot be shown.
        count = len(build_messages(reply))
        return [partial(self._send_part, chat_id, reply, index) for index in range(count)]

    async def _send_part(
        self, chat_id: str, reply: Reply, index: int, first: str | None
    ) -> str | None:
        # Viber messages cannot answer one another, so `first` is not needed.
        reply = await self._published(reply, index)
        return await self._post(chat_id, build_messages(reply)[index])

    async def _published(self, reply: Reply, index: int) -> Reply:
        """`reply` with the generated file that message `index` shows (if any) published,
        just before that message goes out: a retry of a later part does not publish it again."""
        position = index - len(_text_chunks(reply))
        if self.files is None or not 0 <= position < len(reply.attachments):
            return reply
        attachment = reply.attachments[position]
        if attachment.data is None:
            return reply
        attachments = list(reply.attachments)
        attachments[position] = await self.files.published(attachment)
        return replace(reply, attachments=tuple(attachments))

    async def _post(self, chat_id: str, message: JsonDict) -> str | None:
        body = {"receiver": chat_id, "sender": {"name": self.sender_name}, **message}
        try:
            answer = await self.api.call("send_message", body)
        except ViberApiError as exc:
            raise _mapped(exc) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RetryLater(RETRY_SECONDS, f"network: {type(exc).__name__}") from exc
        token = answer.get("message_token")
        return str(token) if token is not None else None


def _mapped(exc: ViberApiError) -> RetryLater | Undeliverable:
    if exc.status in UNDELIVERABLE_STATUSES:
        return Undeliverable(f"viber: {UNDELIVERABLE_STATUSES[exc.status]} ({exc})")
    if exc.status is None or exc.status == TOO_MANY_REQUESTS:
        return RetryLater(RETRY_SECONDS, f"viber: {exc}")
    return RetryLater(ACCOUNT_RETRY_SECONDS, f"viber: {exc}")


def build_messages(reply: Reply) -> list[JsonDict]:
    """The Viber messages (without receiver and sender) that show `reply`, in order.

    Viber cannot edit a message: an edit arrives as a new one. The keyboard goes on the
    last message, since each message replaces (or hides) the keyboard of the one before.
    """
    messages: list[JsonDict] = [TextMessage(text=chunk).to_dict() for chunk in _text_chunks(reply)]
    for attachment in reply.attachments:
        messages.append(_attachment_message(attachment))
    keyboard = _keyboard(reply)
    if keyboard is not None and messages:
        messages[-1]["keyboard"] = keyboard
        if any(b["ActionType"] == "share-phone" for b in keyboard["Buttons"]):
            messages[-1]["min_api_version"] = SHARE_PHONE_API_VERSION
    return [{k: v for k, v in m.items() if v is not None} for m in messages]


def _text_chunks(reply: Reply) -> list[str]:
    if not reply.text.strip():
        return []
    return render.split(reply.text, render.to_plain, TEXT_LIMIT)


def _attachment_message(attachment: Attachment) -> JsonDict:
    url = attachment.url or attachment.messenger_link
    if url is None:
        # A Telegram file id means nothing to Viber, and a generated file needs a public
        # address: say honestly where the file is.
        name = f" «{attachment.file_name}»" if attachment.file_name else ""
        text = render.to_plain(texts.VIBER_FILE_NOT_SHOWN.format(name=name))
        notice: JsonDict = TextMessage(text=text).to_dict()
        return notice
    message: JsonDict
    if attachment.kind == "photo":
        message = PictureMessage(media=url, text="").to_dict()
    elif attachment.size is None:
        message = URLMessage(media=url).to_dict()  # Viber needs the size of a file or video
    elif attachment.kind == "video":
        message = VideoMessage(media=url, size=attachment.size).to_dict()
    else:
        name = attachment.file_name or url.rsplit("/", 1)[-1].split("?", 1)[0] or "file"
        message = FileMessage(media=url, size=attachment.size, file_name=name).to_dict()
    return dict(message)


def _keyboard(reply: Reply) -> JsonDict | None:
    buttons: list[JsonDict] = []
    if reply.request_contact:
        buttons.append(
            {
                "Columns": GRID_COLUMNS,
                "Rows": 1,
                "ActionType": "share-phone",
                "ActionBody": "share-phone",
                "Text": texts.VIBER_SHARE_PHONE,
            }
        )
    for row in reply.buttons:
        # Viber lays buttons out in a 6-column grid, filling it left to right: a row of
        # ours keeps its own line only if its widths add up to 6.
        for start in range(0, len(row), GRID_COLUMNS):
            chunk = row[start : start + GRID_COLUMNS]
            for button, width in zip(chunk, _widths(len(chunk)), strict=True):
                buttons.append(_button(button, width))
    if not buttons:
        return None
    if len(buttons) > MAX_BUTTONS:
        log.warning("viber keyboard cut to %d buttons of %d", MAX_BUTTONS, len(buttons))
        buttons = buttons[:MAX_BUTTONS]
    return {"Type": "keyboard", "DefaultHeight": False, "Buttons": buttons}


def _widths(count: int) -> list[int]:
    base, extra = divmod(GRID_COLUMNS, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _button(button: Button, width: int) -> JsonDict:
    common: JsonDict = {"Columns": width, "Rows": 1, "Text": button.label}
    if button.url:
        return {**common, "ActionType": "open-url", "ActionBody": button.url}
    # Silent: the press does not show up in the chat as if the person had typed `btn:…`.
    return {
        **common,
        "ActionType": "reply",
        "ActionBody": BUTTON_PREFIX + (button.payload or "noop"),
        "Silent": True,
    }


# --- generated files -------------------------------------------------------------------------

# Long enough for Viber to fetch a file whenever it does, short enough not to pile up.
KEEP_FILES_SECONDS = 30 * 24 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
TYPE_FILE = ".type"  # beside each file: its MIME type, to serve it as what it is


class PublishedFiles:
    """Generated files at unguessable URLs on the webhook server: Viber takes a file
    message only by a public URL, and there is nowhere else public to put them.

    Written to disk, not kept in memory, so that a restart does not break a link Viber has
    not fetched yet; removed after `KEEP_FILES_SECONDS`.
    """

    def __init__(self, folder: Path, base_url: str) -> None:
        self.folder = folder
        self.base_url = base_url

    async def published(self, attachment: Attachment) -> Attachment:
        """The attachment as a link Viber can fetch, when it is a generated file."""
        if attachment.data is None:
            return attachment
        assert attachment.mime_type is not None
        token = secrets.token_urlsafe(24)  # 32 characters, 192 random bits
        name = _safe_name(attachment.file_name or "file")
        await asyncio.to_thread(self._save, token, name, attachment.data, attachment.mime_type)
        url = f"{self.base_url}/{token}/{quote(name)}"
        return Attachment(attachment.kind, url=url, file_name=name, size=len(attachment.data))

    async def serve(self, request: web.Request) -> web.StreamResponse:
        token, name = request.match_info["token"], request.match_info["name"]
        if not TOKEN.fullmatch(token) or name != _safe_name(name):
            raise web.HTTPNotFound()
        found = await asyncio.to_thread(self._find, token, name)
        if found is None:
            raise web.HTTPNotFound()
        path, mime = found
        return web.FileResponse(path, headers={"Content-Type": mime})

    def _save(self, token: str, name: str, data: bytes, mime: str) -> None:
        self._prune()
        folder = self.folder / token
        folder.mkdir(parents=True)
        (folder / name).write_bytes(data)
        (folder / TYPE_FILE).write_text(mime, encoding="utf-8")

    def _find(self, token: str, name: str) -> tuple[Path, str] | None:
        path = self.folder / token / name
        if not path.is_file():
            return None
        return path, (self.folder / token / TYPE_FILE).read_text(encoding="utf-8").strip()

    def _prune(self) -> None:
        if not self.folder.is_dir():
            return
        oldest = time.time() - KEEP_FILES_SECONDS
        for folder in self.folder.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < oldest:
                shutil.rmtree(folder, ignore_errors=True)


def _safe_name(name: str) -> str:
    """A file name that stays one path segment: no folders, not hidden, not empty."""
    cleaned = name.replace("/", "_").replace("\\", "_").strip().lstrip(".")
    return cleaned[:120] or "file"
