"""Telegram through aiogram 3: updates → core events, replies → Bot API calls."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial

from aiogram import Bot
from aiogram.client.default import Default, DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatMemberStatus, ChatType, ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetChatMember,
    SendDocument,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    MessageId,
    ReplyKeyboardMarkup,
    ReplyParameters,
    Update,
)
from aiohttp import web

from bot import render
from bot.channels.base import (
    CommandMenu,
    Handle,
    InputChannel,
    Part,
    RetryLater,
    Undeliverable,
    backoff,
    shown_name,
)
from bot.channels.pacing import Pacer, telegram_limits
from bot.channels.telegram_intake import Poller, RawUpdates, Webhook
from bot.channels.telegram_session import JsonSession
from handlers import texts
from handlers.messages import Address, Attachment, Button, Contact, Event, Reply

log = logging.getLogger(__name__)

CHANNEL = "telegram"
# chat_member: Telegram says when a librarian leaves the group (the bot must be an admin).
ALLOWED_UPDATES = ["message", "callback_query", "chat_member"]
# Kinds of message we cannot read, by the Message field that carries them.
UNSUPPORTED_FIELDS = (
    "sticker",
    "voice",
    "video_note",
    "animation",
    "location",
    "venue",
    "poll",
    "dice",
    "game",
    "story",
)


class SendText(TelegramMethod[MessageId]):
    """`sendMessage` with what this bot sends, its answer read for the new message's id
    only: the whole `Message` Telegram sends back (its chat, sender, keyboard) is never
    used, and checking it is most of the cost of reading the answer (benchmarks/
    send_cost.py)."""

    __returning__ = MessageId
    __api_method__ = "sendMessage"

    chat_id: int
    text: str
    parse_mode: str | Default | None = Default("parse_mode")
    link_preview_options: LinkPreviewOptions | Default | None = Default("link_preview")
    reply_parameters: ReplyParameters | None = None
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None


# pydantic caches the parametrised `Response[T]` classes aiogram checks every answer with
# only weakly, and builds them again after each garbage collection — about a third of the
# time a call takes (DEPENDENCY_NOTES). The ones this channel uses are kept alive here.
_RESPONSE_TYPES = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        SendText,
        SendPhoto,
        SendDocument,
        EditMessageText,
        AnswerCallbackQuery,
        GetChatMember,
        RawUpdates,
    )
)

# Members in good standing only: not «restricted», «left» or «kicked».
STAFF_STATUSES = {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
STAFF_CACHE_SECONDS = 30.0  # and cleared at once when Telegram reports a member leaving
STAFF_CHECK_RETRIES = (0.2, 0.5, 1.0)  # waits between tries when Telegram fails to answer
# Answered in any group the bot is in, so the librarians' group can be found.
CHAT_ID_COMMAND = "chatid"


@dataclass(frozen=True)
class TelegramConfig:
    """What the Telegram channel is given at assembly."""

    token: str
    api_url: str = "https://api.telegram.org"
    messages_per_second: int = 30  # over all chats; 0: not paced (see pacing.py)
    # Where Telegram calls (base URL + path); None: the bot long-polls instead.
    webhook_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_secret: str = ""
    staff: Address | None = None  # the librarians' chat, when it is a Telegram group
    commands: CommandMenu = ()  # the menu of commands residents see
    staff_commands: CommandMenu = ()  # shown in the librarians' group only
    # Commands that act for librarians in a private chat too: only these (and everything
    # in the staff chat) cost a membership check.
    staff_aware_commands: frozenset[str] = frozenset()

    @property
    def staff_chat_id(self) -> int | None:
        if self.staff is None or self.staff.channel != CHANNEL:
            return None
        return int(self.staff.chat_id)


def make_bot(config: TelegramConfig) -> Bot:
    session = JsonSession(api=TelegramAPIServer.from_base(config.api_url))
    return Bot(
        config.token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


class StaffCheck:
    """Is this user a member in good standing of the staff chat? Asked of the Bot API,
    cached briefly. A check that Telegram fails to answer is tried again, then answered
    from the last known state; it never makes the update fail."""

    def __init__(self, bot: Bot, staff_chat_id: int | None) -> None:
        self.bot = bot
        self.staff_chat_id = staff_chat_id
        self._cache: dict[int, tuple[float, bool]] = {}

    async def __call__(self, user_id: int) -> bool:
        if self.staff_chat_id is None:
            return False
        cached = self._cache.get(user_id)
        if cached and time.monotonic() - cached[0] < STAFF_CACHE_SECONDS:
            return cached[1]
        for wait in (*STAFF_CHECK_RETRIES, None):
            try:
                member = await self.bot.get_chat_member(self.staff_chat_id, user_id)
            except (TelegramBadRequest, TelegramForbiddenError, TelegramNotFound):
                is_staff = False
                break
            except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as error:
                if wait is None:
                    log.warning(
                        "membership check failed (%s): last known state", type(error).__name__
                    )
                    return cached[1] if cached else False
                await asyncio.sleep(wait)
            else:
                is_staff = member.status in STAFF_STATUSES
                break
        self._cache[user_id] = (time.monotonic(), is_staff)
        return is_staff

    def forget(self, user_id: int) -> None:
        self._cache.pop(user_id, None)


class TelegramChannel(InputChannel):
    name = CHANNEL

    def __init__(self, config: TelegramConfig, handle: Handle, bot: Bot | None = None) -> None:
        super().__init__(handle)
        self.config = config
        self.listens = config.webhook_url is not None
        self.bot = bot or make_bot(config)
        self.staff_chat_id = config.staff_chat_id
        self.is_staff = StaffCheck(self.bot, self.staff_chat_id)
        limits = telegram_limits(config.messages_per_second)
        self.pacer = Pacer(limits) if limits else None
        self.sender = TelegramSender(self.bot, self.pacer)
        self.poller = Poller(self.bot, self.on_update, ALLOWED_UPDATES)

    async def setup(self) -> None:
        await self.bot.set_my_commands(_commands(self.config.commands))
        if self.staff_chat_id is not None:
            await self.bot.set_my_commands(
                _commands(self.config.staff_commands),
                scope=BotCommandScopeChat(chat_id=self.staff_chat_id),
            )

    async def run_polling(self) -> None:
        await self.setup()
        await self.bot.delete_webhook(drop_pending_updates=False)
        me = await self.bot.me()  # a wrong token fails here, before any update is taken
        log.info("polling as bot id %s", me.id)
        # An update is confirmed to Telegram (by the next getUpdates) only after its
        # handling has been committed, so a crash never loses one.
        await self.poller.run()

    async def stop_polling(self) -> None:
        self.poller.stop()

    def stopping(self) -> None:
        if self.pacer is not None:
            self.pacer.stop()

    def register(self, app: web.Application) -> None:
        """Answer Telegram's webhook calls on `app`, secret token checked."""
        if not self.listens:
            return
        webhook = Webhook(self.bot, self.on_update, self.config.webhook_secret)
        webhook.register(app, self.config.webhook_path)

    async def set_webhook(self) -> None:
        await self.setup()
        assert self.config.webhook_url is not None
        await self.bot.set_webhook(
            self.config.webhook_url,
            secret_token=self.config.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )

    async def close(self) -> None:
        await self.bot.session.close()

    # --- incoming ------------------------------------------------------------------------

    async def on_update(self, update: Update) -> None:
        """One update from polling or the webhook, handled to the end (see
        telegram_intake for why not through aiogram's Dispatcher). Kinds not in
        ALLOWED_UPDATES are never delivered."""
        if update.message is not None:
            await self.on_message(update.message, update)
        elif update.callback_query is not None:
            await self.on_callback(update.callback_query, update)
        elif update.chat_member is not None:
            await self.on_chat_member(update.chat_member)

    async def on_message(self, message: Message, update: Update) -> None:
        if message.from_user is None or message.from_user.is_bot:
            return
        in_staff_chat = message.chat.id == self.staff_chat_id
        in_group = message.chat.type != ChatType.PRIVATE
        event = self._event(message, update, in_staff_chat)
        if in_group and event is not None and event.command == CHAT_ID_COMMAND:
            # Setting up: the administrator needs the librarians' group's id for STAFF_CHAT_ID.
            text = texts.TELEGRAM_CHAT_ID.format(chat_id=message.chat.id)
            await self.bot(SendText(chat_id=message.chat.id, text=render.to_html(text)))
            return
        if event is None or (in_group and not in_staff_chat):
            return  # the bot answers citizens in private chats only
        if in_staff_chat or event.command in self.config.staff_aware_commands:
            # Some staff commands also work in a librarian's private chat with the bot.
            event = replace(event, is_staff=await self.is_staff(message.from_user.id))
        await self.handle(event)

    async def on_callback(self, callback: CallbackQuery, update: Update) -> None:
        message = callback.message
        if message is None or callback.data is None:
            await _answer(callback)
            return
        in_staff_chat = message.chat.id == self.staff_chat_id
        if message.chat.type != ChatType.PRIVATE and not in_staff_chat:
            await _answer(callback)
            return
        user = callback.from_user
        is_staff = in_staff_chat and await self.is_staff(user.id)
        event = Event(
            channel=CHANNEL,
            user_id=str(user.id),
            chat_id=str(message.chat.id),
            display_name=user.full_name,
            payload=callback.data,
            update_key=self._key(update),
            message_id=str(message.message_id),
            from_staff_chat=in_staff_chat,
            is_staff=is_staff,
        )
        # The press is handled (and committed) first, the spinner stopped after: a crash in
        # between redelivers the press, the inbox drops it, and only the answer is repeated.
        await self.handle(event)
        if in_staff_chat and not is_staff:
            # Only the one who pressed sees this; the core ignored (and logged) the press.
            await _answer(callback, texts.STAFF_ONLY_BUTTONS, alert=True)
        else:
            await _answer(callback)

    async def on_chat_member(self, update: ChatMemberUpdated) -> None:
        """A member's standing in the staff group changed: ask again at the next action."""
        if update.chat.id == self.staff_chat_id:
            self.is_staff.forget(update.new_chat_member.user.id)

    def _key(self, update: Update) -> str:
        # Update ids are per bot, and Telegram may start them again after a long pause: the
        # bot's id keeps two bots (or a new token) apart; the inbox forgets old keys.
        return f"{self.bot.id}:{update.update_id}"

    def _event(self, message: Message, update: Update, in_staff_chat: bool) -> Event | None:
        assert message.from_user is not None
        unsupported = next((f for f in UNSUPPORTED_FIELDS if getattr(message, f, None)), None)
        attachments = _attachments(message)
        text = message.text if message.text is not None else message.caption
        contact = None
        if message.contact is not None:
            contact = Contact(
                phone=message.contact.phone_number,
                is_own=message.contact.user_id == message.from_user.id,
            )
        if not (text or attachments or contact or unsupported):
            if in_staff_chat:
                return None  # service messages in the group: members joining and the like
            unsupported = "other"
        reply_to = message.reply_to_message
        return Event(
            channel=CHANNEL,
            user_id=str(message.from_user.id),
            chat_id=str(message.chat.id),
            display_name=message.from_user.full_name,
            text=text,
            contact=contact,
            attachments=attachments,
            unsupported=unsupported,
            update_key=self._key(update),
            message_id=str(message.message_id),
            reply_to=str(reply_to.message_id) if reply_to else None,
            reply_to_bot=bool(
                reply_to and reply_to.from_user and reply_to.from_user.id == self.bot.id
            ),
            from_staff_chat=in_staff_chat,
        )


async def _answer(callback: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Stop the button's spinner. Too late after a restart («query is too old») or a
    failed call: the press itself was handled, so that is no reason to fail the update."""
    with contextlib.suppress(TelegramAPIError):
        await callback.answer(text, show_alert=alert)


def _attachments(message: Message) -> tuple[Attachment, ...]:
    if message.photo:
        largest = message.photo[-1]
        return (Attachment("photo", largest.file_id, size=largest.file_size),)
    if message.animation:
        return ()  # also sets `document`; reported as unsupported instead
    for kind in ("document", "video", "audio"):
        media = getattr(message, kind)
        if media is not None:
            return (
                Attachment(
                    kind,
                    media.file_id,
                    file_name=getattr(media, "file_name", None),
                    size=media.file_size,
                ),
            )
    return ()


# --- outgoing ------------------------------------------------------------------------------

# Sends one message, given the id of the reply's first one; returns the new message's id.
Step = Callable[[str | None], Awaitable[int]]


class TelegramSender:
    def __init__(self, bot: Bot, pacer: Pacer | None = None) -> None:
        self.bot = bot
        self.pacer = pacer

    def parts(self, chat_id: str, reply: Reply) -> list[Part]:
        chat = int(chat_id)
        if reply.edit is not None:
            return [self._part(chat, partial(self._edit, chat, int(reply.edit), reply))]
        chunks = _html_messages(reply.text) if reply.text else ()
        steps: list[Step] = []
        for index, chunk in enumerate(chunks):
            keyboard = _inline_keyboard(reply.buttons) if index == len(chunks) - 1 else None
            steps.append(partial(self._send_text, chat, chunk, keyboard))
        if reply.request_contact:
            steps.append(partial(self._send_contact_request, chat))
        # Files go as replies to the text they came with (a card, an answer), so nobody has
        # to guess which question a photo belongs to.
        with_text = bool(steps)
        for attachment in reply.attachments:
            steps.append(partial(self._send_file, chat, attachment, with_text))
        return [self._part(chat, step) for step in steps]

    def _part(self, chat_id: int, step: Step) -> Part:
        async def part(first: str | None) -> str | None:
            if self.pacer is not None:
                # Groups and channels have negative ids in the Bot API.
                await self.pacer.wait(str(chat_id), group=chat_id < 0)
            try:
                sent = await step(first)
            except TelegramRetryAfter as exc:
                raise RetryLater(exc.retry_after, "flood control") from exc
            except TelegramForbiddenError as exc:
                raise Undeliverable(exc.message) from exc
            except TelegramBadRequest as exc:
                raise Undeliverable(exc.message) from exc
            except (TelegramNetworkError, TelegramServerError) as exc:
                raise RetryLater(backoff(0), str(exc)) from exc
            return str(sent)

        return part

    async def _send_text(
        self, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None, first: str | None
    ) -> int:
        sent = await self.bot(SendText(chat_id=chat_id, text=text, reply_markup=keyboard))
        return sent.message_id

    async def _send_contact_request(self, chat_id: int, first: str | None) -> int:
        sent = await self.bot(
            SendText(
                chat_id=chat_id,
                text=texts.CONTACT_KEYBOARD_HINT,
                reply_markup=ReplyKeyboardMarkup(
                    keyboard=[
                        [KeyboardButton(text=texts.TELEGRAM_SHARE_PHONE, request_contact=True)]
                    ],
                    resize_keyboard=True,
                    one_time_keyboard=True,
                ),
            )
        )
        return sent.message_id

    async def _send_file(
        self, chat_id: int, attachment: Attachment, with_text: bool, first: str | None
    ) -> int:
        to = None
        if with_text and first is not None:
            to = ReplyParameters(message_id=int(first), allow_sending_without_reply=True)
        sent = await self._send_attachment(chat_id, attachment, to)
        return sent.message_id

    async def _send_attachment(
        self, chat_id: int, attachment: Attachment, to: ReplyParameters | None
    ) -> Message | MessageId:
        if attachment.data is not None:
            upload = BufferedInputFile(attachment.data, filename=shown_name(attachment))
            return await self._send_media(chat_id, attachment, upload, to)
        if attachment.url is not None:
            try:
                return await self._send_media(chat_id, attachment, attachment.url, to)
            except TelegramBadRequest:
                # Telegram fetches only some files by URL (documents: PDF, ZIP, GIF):
                # the link itself still gets the file to the person.
                return await self._send_link(chat_id, attachment.url, attachment, to)
        if attachment.messenger_link is not None:
            # A file from another messenger (Viber gives temporary links): pass the link on.
            return await self._send_link(chat_id, attachment.messenger_link, attachment, to)
        assert attachment.file_id is not None
        return await self._send_media(chat_id, attachment, attachment.file_id, to)

    async def _send_media(
        self,
        chat_id: int,
        attachment: Attachment,
        media: str | BufferedInputFile,
        to: ReplyParameters | None,
    ) -> Message:
        if attachment.kind == "photo":
            return await self.bot.send_photo(chat_id, media, reply_parameters=to)
        return await self.bot.send_document(chat_id, media, reply_parameters=to)

    async def _send_link(
        self, chat_id: int, url: str, attachment: Attachment, to: ReplyParameters | None
    ) -> MessageId:
        name = html.escape(shown_name(attachment))
        link = f'📎 <a href="{html.escape(url)}">{name}</a>'
        return await self.bot(SendText(chat_id=chat_id, text=link, reply_parameters=to))

    async def _edit(self, chat_id: int, message_id: int, reply: Reply, first: str | None) -> int:
        # An edited card must stay one message: the text is cut, not split.
        text = _html_messages(reply.text)[0]
        try:
            await self.bot.edit_message_text(
                text=text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=_inline_keyboard(reply.buttons),
            )
        except TelegramBadRequest as exc:
            if "message is not modified" not in exc.message:
                raise
        return message_id


def _commands(menu: CommandMenu) -> list[BotCommand]:
    return [BotCommand(command=command, description=text) for command, text in menu]


# The same screens (the menu, a topic list, an article) go out over and over: each text and
# each keyboard is rendered once and kept (a kept keyboard is never changed).
RENDERED_KEPT = 512


@functools.lru_cache(maxsize=RENDERED_KEPT)
def _html_messages(text: str) -> tuple[str, ...]:
    return tuple(render.split(text, render.to_html))


@functools.lru_cache(maxsize=RENDERED_KEPT)
def _inline_keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = [
        [
            InlineKeyboardButton(text=b.label, url=b.url)
            if b.url
            else InlineKeyboardButton(text=b.label, callback_data=b.payload or "noop")
            for b in row
        ]
        for row in buttons
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)
