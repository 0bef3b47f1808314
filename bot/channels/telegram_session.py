"""aiogram's HTTP session, with calls that carry no file sent as one JSON body.

aiogram form-encodes every Bot API call: each field percent-quoted, nested objects (a
keyboard) dumped to JSON strings inside the form. On a reply with a keyboard that is about
three times the work of dumping the call to JSON once, and it is paid on every message the
bot sends (benchmarks/send_cost.py). The Bot API reads `application/json` bodies as well as
forms, so calls without a file go as JSON; uploads stay multipart, as aiogram sends them.
Values are written as aiogram's `prepare_value` writes them (bot defaults such as
parse_mode, enums, dates): both encodings say the same thing, which a test checks.
"""

from __future__ import annotations

import datetime
import json
from collections import OrderedDict
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.default import Default
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile, TelegramObject
from aiohttp import ClientError, ClientTimeout

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod

JSON_HEADERS = {"Content-Type": "application/json"}
DUMPS_KEPT = 512


class _Upload(Exception):
    """The call carries a file: it goes as multipart."""


class JsonSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._dumps = _Dumps()

    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call as a JSON body, or None if it uploads a file (it must be multipart).

        Fields are read as they are and nested objects (a keyboard) dumped by pydantic in
        one go: bot defaults (parse_mode, link previews) resolved, empty fields left out,
        as in aiogram's form."""
        body: dict[str, Any] = {}
        for key, value in method:
            if isinstance(value, Default):
                value = bot.default[value.name]
            if value is None or value == "":
                continue
            body[key] = value
        try:
            plain = partial(_plain, bot, self._dumps)
            return json.dumps(body, ensure_ascii=False, default=plain).encode()
        except _Upload:
            return None

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        body = self.json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=body,
                headers=JSON_HEADERS,
                timeout=ClientTimeout(total=self.timeout if timeout is None else timeout),
            ) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        response = self.check_response(
            bot=bot, method=method, status_code=resp.status, content=raw_result
        )
        return cast(TelegramType, response.result)


class _Dumps(OrderedDict[int, tuple[TelegramObject, dict[str, Any]]]):
    """The last objects dumped, by identity: the same keyboards (kept by the sender) and
    the bot's link-preview default go out with message after message. Each is kept with
    its object, so that no other object can take its identity meanwhile; an object is
    never changed once it has been sent."""

    def dump(self, value: TelegramObject) -> dict[str, Any]:
        kept = self.get(id(value))
        if kept is not None:
            self.move_to_end(id(value))
            return kept[1]
        dumped = value.model_dump(exclude_none=True, warnings=False)
        self[id(value)] = (value, dumped)
        if len(self) > DUMPS_KEPT:
            self.popitem(last=False)
        return dumped


def _plain(bot: Bot, dumps: _Dumps, value: object) -> Any:
    """What `json.dumps` cannot write by itself, as aiogram's `prepare_value` writes it."""
    if isinstance(value, InputFile):
        raise _Upload
    if isinstance(value, Default):
        return bot.default[value.name]
    if isinstance(value, TelegramObject):
        return dumps.dump(value)
    if isinstance(value, datetime.timedelta):
        return round((datetime.datetime.now() + value).timestamp())
    if isinstance(value, datetime.datetime):
        return round(value.timestamp())
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not a Bot API value")
