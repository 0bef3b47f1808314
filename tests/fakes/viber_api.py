"""A fake Viber REST API on loopback, and the Viber side of callbacks, for end-to-end tests.

The bot's sender talks to ``base_url`` (``…/pa/send_message``, ``…/pa/set_webhook``) as to
Viber: the auth token header is checked, answers carry ``status`` codes, and bodies are
checked the way Viber rejects them (missing sender name, over-long text, too many buttons,
share-phone without ``min_api_version`` 3). Like Viber, ``set_webhook`` calls the URL with a
signed ``webhook`` event and fails unless it gets 200, and ``send_message`` to a person who
has never written answers status 6 (not subscribed). Like Viber, it fetches the media of a
picture, video or file message; only from loopback addresses (tests have no network), and
records what it got (``ViberCall.fetched``).

The test plays the people (``send_text``, ``press``, ``send_sticker``, …): each posts a
callback signed with the real HMAC to the bot's webhook and returns the HTTP answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from yarl import URL

from tests.fakes.server import LoopbackServer

JsonDict = dict[str, Any]

DEFAULT_TOKEN = "4f1c2a9e8b7d6c5a-0123456789abcdef-fedcba9876543210"
DEFAULT_USER = "01234567890A=="
DEFAULT_NAME = "Олена"
TEXT_LIMIT = 7000
MAX_BUTTONS = 24
SENDER_NAME_LIMIT = 28
MESSAGE_TYPES = {"text", "picture", "video", "file", "location", "contact", "sticker", "url"}
MESSAGE_TYPES |= {"rich_media", "keyboard"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class ViberCall:
    """One request the bot made and the ``status`` the fake answered."""

    method: str
    body: JsonDict
    status: int
    http_status: int = 200
    #: The media as fetched from ``body["media"]``: (HTTP status, content type, bytes).
    fetched: tuple[int, str, bytes] | None = None

    @property
    def ok(self) -> bool:
        return self.http_status == 200 and self.status == 0

    @property
    def receiver(self) -> str | None:
        return self.body.get("receiver")

    @property
    def text(self) -> str:
        return str(self.body.get("text", ""))

    @property
    def labels(self) -> list[str]:
        keyboard = self.body.get("keyboard") or {}
        return [button["Text"] for button in keyboard.get("Buttons", ())]

    def action(self, label: str) -> str:
        """The ActionBody of the keyboard button whose label contains ``label``."""
        for button in (self.body.get("keyboard") or {}).get("Buttons", ()):
            if label.casefold() in button["Text"].casefold():
                return str(button["ActionBody"])
        raise AssertionError(f"no button {label!r} in {self.labels}")


@dataclass
class _Failure:
    status: int
    http_status: int
    times: int
    after: int = 0  # calls that still succeed before the failures begin


def signature(token: str, body: bytes) -> str:
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


class FakeViberServer(LoopbackServer):
    """Viber's REST API at ``base_url`` on ``127.0.0.1`` (a free port)."""

    def __init__(self, *, token: str = DEFAULT_TOKEN, host: str = "127.0.0.1") -> None:
        super().__init__(host=host)
        self.token = token
        self.webhook_url: str | None = None
        self.calls: list[ViberCall] = []
        #: People who have written to the bot: only they can be sent messages.
        self.subscribed: set[str] = set()
        self._failures: dict[str, list[_Failure]] = {}
        self._changed = asyncio.Condition()
        self._taken: set[int] = set()
        self._tokens = itertools.count(5_741_311_803_571_721_087)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/pa/{method}", self._handle_api)
        await self._serve(app, path="/pa")

    # -- the people's side: callbacks to the bot ---------------------------------------------

    async def post_callback(
        self, body: JsonDict | bytes, *, signed_with: str | None = "", url: str | None = None
    ) -> tuple[int, JsonDict | None]:
        """POST a callback to the bot's webhook; ``signed_with=None`` leaves the signature
        out, another string signs with that key instead of the token. Returns the HTTP
        status and the JSON body of the answer (if any)."""
        assert self._http is not None
        target = url or self.webhook_url
        assert target, "the bot has not called set_webhook"
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signed_with is not None:
            headers["X-Viber-Content-Signature"] = signature(signed_with or self.token, raw)
        async with self._http.post(target, data=raw, headers=headers) as response:
            text = await response.text()
            answer = json.loads(text) if text.strip().startswith("{") else None
            return response.status, answer

    def message(
        self, message: JsonDict, *, user_id: str = DEFAULT_USER, name: str = DEFAULT_NAME
    ) -> JsonDict:
        """A `message` callback body (not sent yet), with a fresh message token."""
        return {
            "event": "message",
            "timestamp": 1_764_151_200_000,
            "chat_hostname": "SN-CHAT-01_",
            "message_token": next(self._tokens),
            "sender": {
                "id": user_id,
                "name": name,
                "language": "uk",
                "country": "UA",
                "api_version": 10,
            },
            "message": message,
            "silent": False,
        }

    async def send(
        self, message: JsonDict, *, user_id: str = DEFAULT_USER, name: str = DEFAULT_NAME
    ) -> JsonDict:
        """The person sends ``message``; like Viber, writing subscribes them. Returns the
        callback body, e.g. to deliver it again."""
        body = self.message(message, user_id=user_id, name=name)
        await self.deliver(body)
        return body

    async def deliver(self, body: JsonDict) -> None:
        """Post a callback and insist on 200, as Viber would (it retries otherwise)."""
        if body.get("event") == "message":
            self.subscribed.add(body["sender"]["id"])
        status, _ = await self.post_callback(body)
        assert status == 200, f"the bot answered {status}"

    async def send_text(self, text: str, **who: str) -> JsonDict:
        return await self.send({"type": "text", "text": text}, **who)

    async def press(self, action_body: str, **who: str) -> JsonDict:
        """A keyboard button with ActionType reply: Viber sends its ActionBody as text."""
        return await self.send_text(action_body, **who)

    async def send_sticker(self, **who: str) -> JsonDict:
        return await self.send({"type": "sticker", "sticker_id": 46105}, **who)

    async def send_contact(self, phone: str, **who: str) -> JsonDict:
        contact = {"name": who.get("name", DEFAULT_NAME), "phone_number": phone}
        return await self.send({"type": "contact", "contact": contact}, **who)

    async def send_picture(self, url: str, caption: str = "", **who: str) -> JsonDict:
        picture = {"type": "picture", "media": url, "text": caption, "file_name": "photo.jpg"}
        return await self.send(picture | {"size": 48_213}, **who)

    async def conversation_started(
        self, *, user_id: str = DEFAULT_USER, subscribed: bool = False
    ) -> tuple[int, JsonDict | None]:
        """The person opens the chat; returns the bot's answer (its welcome message)."""
        return await self.post_callback(
            {
                "event": "conversation_started",
                "timestamp": 1_764_151_200_000,
                "message_token": next(self._tokens),
                "type": "open",
                "context": "",
                "user": {"id": user_id, "name": DEFAULT_NAME, "language": "uk", "country": "UA"},
                "subscribed": subscribed,
            }
        )

    # -- what the bot did --------------------------------------------------------------------

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[ViberCall], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test's wait reads best as one call
    ) -> ViberCall:
        """The first ``method`` call matching ``predicate`` not returned by an earlier
        ``wait_for``; waits for it up to ``timeout`` seconds."""

        def find() -> ViberCall | None:
            for index, call in enumerate(self.calls):
                if index in self._taken or call.method != method:
                    continue
                if predicate is None or predicate(call):
                    self._taken.add(index)
                    return call
            return None

        try:
            async with self._changed:
                found = await asyncio.wait_for(self._changed.wait_for(find), timeout)
        except TimeoutError:
            recorded = [(c.method, c.status, c.text[:40]) for c in self.calls]
            raise AssertionError(f"no matching {method} within {timeout}s: {recorded}") from None
        assert found is not None
        return found

    def sent(self, receiver: str = DEFAULT_USER) -> list[ViberCall]:
        return [c for c in self.calls if c.method == "send_message" and c.receiver == receiver]

    # -- behaviour controls ------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 0,
        http_status: int = 200,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """The next ``times`` calls of ``method``, once ``after`` more have succeeded
        (``after=1``: the second call), answer ``status`` (e.g. 6, not subscribed) or, with
        ``http_status`` other than 200, an HTTP error."""
        failure = _Failure(status, http_status, times, after)
        self._failures.setdefault(method, []).append(failure)

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            body = await request.json()
        except ValueError:
            body = {}
        if request.headers.get("X-Viber-Auth-Token") != self.token:
            return await self._answer(method, body, 2, "invalidAuthToken")
        failure = self._take_failure(method)
        if failure is not None and failure.http_status != 200:
            await self._record(ViberCall(method, body, -1, failure.http_status))
            return web.Response(status=failure.http_status, text="Service Unavailable")
        if failure is not None:
            return await self._answer(method, body, failure.status, "injected failure")
        if method == "send_message":
            return await self._send_message(body)
        if method == "set_webhook":
            return await self._set_webhook(body)
        return await self._answer(method, body, 3, "badData: unknown method")

    async def _send_message(self, body: JsonDict) -> web.Response:
        problem = _message_problem(body)
        if problem is not None:
            return await self._answer("send_message", body, 3, f"badData: {problem}")
        if body["receiver"] not in self.subscribed:
            return await self._answer("send_message", body, 6, "receiverNotSubscribed")
        fetched = await self._fetch_media(body)
        token = next(self._tokens)
        await self._record(ViberCall("send_message", body, 0, fetched=fetched))
        return web.json_response({"status": 0, "status_message": "ok", "message_token": token})

    async def _fetch_media(self, body: JsonDict) -> tuple[int, str, bytes] | None:
        media = body.get("media")
        if body.get("type") not in {"picture", "video", "file"} or not isinstance(media, str):
            return None
        if URL(media).host not in LOOPBACK:
            return None
        assert self._http is not None
        async with self._http.get(media) as response:
            return response.status, response.content_type, await response.read()

    async def _set_webhook(self, body: JsonDict) -> web.Response:
        url = body.get("url")
        if not isinstance(url, str) or not url:
            return await self._answer("set_webhook", body, 1, "invalidUrl")
        # Viber checks the address at once with a signed `webhook` event.
        check = {"event": "webhook", "timestamp": 1_764_151_200_000, "message_token": 1}
        try:
            status, _ = await self.post_callback(check, url=url)
        except OSError:
            status = 0
        if status != 200:
            return await self._answer("set_webhook", body, 1, f"invalidUrl: answered {status}")
        self.webhook_url = url
        events = body.get("event_types", [])
        return await self._answer("set_webhook", body, 0, "ok", event_types=events)

    async def _answer(
        self, method: str, body: JsonDict, status: int, message: str, **extra: Any
    ) -> web.Response:
        await self._record(ViberCall(method, body, status))
        return web.json_response({"status": status, "status_message": message, **extra})

    async def _record(self, call: ViberCall) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        if failure.after > 0:
            failure.after -= 1
            return None
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure


def _message_problem(body: JsonDict) -> str | None:
    """Why Viber would refuse this message, or None."""
    if not body.get("receiver"):
        return "receiver missing"
    name = (body.get("sender") or {}).get("name")
    if not name or len(name) > SENDER_NAME_LIMIT:
        return "sender.name missing or over 28 characters"
    kind = body.get("type")
    if kind not in MESSAGE_TYPES:
        return f"unknown type {kind!r}"
    if kind == "text" and not 0 < len(body.get("text") or "") <= TEXT_LIMIT:
        return "text empty or over 7000 characters"
    if kind in {"picture", "video", "file", "url"} and not body.get("media"):
        return "media missing"
    if kind in {"video", "file"} and not isinstance(body.get("size"), int):
        return "size missing"
    if kind == "file" and not body.get("file_name"):
        return "file_name missing"
    keyboard = body.get("keyboard")
    if keyboard is None:
        return None
    buttons = keyboard.get("Buttons") or []
    if keyboard.get("Type") != "keyboard" or not 0 < len(buttons) <= MAX_BUTTONS:
        return "keyboard type or number of buttons"
    for button in buttons:
        if not 1 <= button.get("Columns", 6) <= 6 or not 1 <= button.get("Rows", 1) <= 2:
            return "button size"
        if not button.get("ActionBody") or button.get("ActionType") not in {
            "reply",
            "open-url",
            "share-phone",
            "location-picker",
            "none",
        }:
            return "button action"
        if button["ActionType"] in {"share-phone", "location-picker"} and (
            body.get("min_api_version", 1) < 3
        ):
            return "share-phone needs min_api_version 3"
    return None
