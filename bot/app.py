"""Assembly: settings → database → core → delivery → channels, and a clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from bot.channels import console
from bot.channels.base import InputChannel
from bot.channels.console import ConsoleChannel, ConsoleConfig
from bot.delivery import Delivery, Policy, Sender, viber_free_window
from bot.scheduler import start_scheduler
from bot.sent_journal import SentJournal, journal_path
from bot.settings import Settings
from handlers.context import Job, Scope, Services
from handlers.core import Core
from handlers.features import build_routes
from handlers.messages import Address
from handlers.reference.staff import skipped_report
from knowledge_base.holder import KnowledgeBaseHolder
from storage.db import Database
from storage.outbox import OutboxItem

if TYPE_CHECKING:
    from aiohttp import web

    from bot.channels.telegram import TelegramChannel
    from bot.channels.viber import ViberChannel

log = logging.getLogger(__name__)

POLLING_STOP_SECONDS = 15.0
# In the console the terminal plays the librarians too: their chat is its `@` lines.
CONSOLE_STAFF = Address(console.CHANNEL, console.STAFF_CHAT)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    db: Database
    core: Core
    delivery: Delivery
    staff: Address | None  # the librarians' chat, the same for the core and the channels


def staff_address(settings: Settings) -> Address | None:
    """The librarians' chat when the bot runs its channels: the Telegram group, if any.

    Resolved once, here; the core (`Services.staff`) and the channels get this one value.
    """
    if not settings.librarians or not settings.telegram_enabled or not settings.staff_chat_id:
        return None
    from bot.channels.telegram import CHANNEL as TELEGRAM

    return Address(TELEGRAM, str(settings.staff_chat_id))


def delivery_policies(settings: Settings) -> dict[str, Policy]:
    """Channel rules about whether a message may go out at all."""
    policies: dict[str, Policy] = {}
    if settings.viber_enabled and not settings.viber_proactive_messages:
        from bot.channels.viber import CHANNEL as VIBER

        policies[VIBER] = viber_free_window()
    return policies


@contextlib.asynccontextmanager
async def assemble(settings: Settings, *, staff: Address | None) -> AsyncIterator[App]:
    """Open the database and build the core; close everything on the way out.

    `staff` is the librarians' chat (`staff_address`, or the console's).
    """
    kb = await asyncio.to_thread(
        KnowledgeBaseHolder.load, settings.knowledge_base_dir, settings.meaning
    )
    log.info("knowledge base: %d articles, %d files skipped", len(kb.base.articles), len(kb.errors))
    if settings.meaning is None:
        log.info("meaning search is off (SEMANTIC_SEARCH=off): answering by words alone")
    kb.start_embedding()
    db = await Database.open(settings.database_path)
    try:
        services = Services(
            clock=utc_now,
            timezone=settings.tz,
            kb=kb,
            hours=settings.hours,
            drafts_dir=settings.drafts_dir,
            repost_after=timedelta(hours=settings.ticket_repost_hours),
            staff=staff,
            librarians=settings.librarians,
            rate_limit_per_minute=settings.rate_limit_per_minute,
            training=settings.training,
            privacy=settings.privacy,
        )
        senders: dict[str, Sender] = {}
        journal = SentJournal(journal_path(settings.database_path))
        delivery = Delivery(
            db, senders, utc_now, policies=delivery_policies(settings), journal=journal
        )
        # What was sent just before the last stop is recorded before anything is sent.
        await delivery.recover()
        core = Core(db, services, build_routes(), on_queued=delivery.wake)

        async def report_failure(item: OutboxItem, error: str) -> None:
            await core.report_failure(item.ref, error)

        delivery.on_failed = report_failure
        if kb.errors:
            await core.run_job(Job("kb-load-report", _report_skipped(kb), {}, bulk=False))
        scheduler = start_scheduler(core, settings.tz)
        try:
            yield App(settings, db, core, delivery, staff)
        finally:
            scheduler.shutdown(wait=False)
            journal.close()
    finally:
        await kb.close()
        await db.close()


async def run_console(
    settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> None:
    # Not rate-limited: the console is the operator's own terminal, and a script may feed
    # it many lines a second.
    unlimited = settings.model_copy(update={"rate_limit_per_minute": 0})
    async with assemble(unlimited, staff=CONSOLE_STAFF) as app:
        channel = open_console(app, stdin, stdout)
        await channel.run()
        await app.core.drain()
        await app.delivery.flush()


def open_console(
    app: App, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> ConsoleChannel:
    """The console channel on an assembled app, its sender registered for delivery."""
    assert app.staff is not None, "the console is assembled with CONSOLE_STAFF"
    config = ConsoleConfig(
        staff=app.staff, files_dir=app.settings.database_path.parent / "console-files"
    )
    channel = ConsoleChannel(config, app.core.handle, app.delivery.flush, stdin, stdout)
    app.delivery.senders[channel.name] = channel.sender
    return channel


async def run_channels(
    settings: Settings, stop: asyncio.Event | None = None, *, freeze_startup: bool = False
) -> None:
    """Run every configured channel (Telegram, Viber) until SIGTERM/SIGINT, or until `stop`
    is set when the caller passes one.

    `freeze_startup` (the bot's own process): once started, the objects start-up made are
    left out of the garbage collector's rounds (`gc.freeze`). They live as long as the bot —
    aiogram's hundreds of models, the knowledge base's index, the texts — and a full round
    over them stopped every chat for 100 ms and more under a crowd.

    One aiohttp server hosts every webhook: Telegram's when it is in webhook mode, Viber's
    always (Viber has no polling). On the way out: stop taking updates, finish the ones in
    hand, flush the outbox; `assemble` closes the database.
    """
    # Imported here: aiogram takes seconds to import, and the console does not need it.
    from aiohttp import web

    staff = staff_address(settings)
    if not settings.librarians:
        log.info("LIBRARIANS=off: residents are offered no librarian and no appeals")
    elif staff is None:  # check-settings refuses this; only a caller that skips it gets here
        log.warning("no librarians' group configured: staff messages will be dropped")
    async with assemble(settings, staff=staff) as app:
        channels = await _open_channels(settings, app)
        if freeze_startup:
            gc.collect()  # what start-up threw away is freed, not kept for good
            gc.freeze()
        telegram, viber = channels.telegram, channels.viber
        if stop is None:
            stop = asyncio.Event()
            _on_signals(stop.set)
        delivering = asyncio.create_task(app.delivery.run(), name="delivery")
        runner: web.AppRunner | None = None
        polling: asyncio.Task[None] | None = None
        try:
            server = channels.web_app()
            if server is not None:
                runner = web.AppRunner(server)
                await runner.setup()
                await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
                log.info(
                    "webhooks listening on %s:%d", settings.webhook_host, settings.webhook_port
                )
            if telegram is not None and telegram.listens:
                await telegram.set_webhook()
            elif telegram is not None:
                polling = asyncio.create_task(telegram.run_polling(), name="polling")
            if viber is not None:
                await viber.set_webhook()  # Viber calls the server at once: it listens already
            waiting = asyncio.create_task(stop.wait())
            running = {waiting} | ({polling} if polling else set())
            await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
        finally:
            log.info("stopping: finishing the updates in hand")
            if polling is not None and telegram is not None:
                await _stop_polling(telegram, polling)
            if runner is not None:
                await runner.cleanup()
            await app.core.drain()
            channels.stopping()
            await app.delivery.flush()
            delivering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await delivering
            await channels.close()
        if polling is not None and not polling.cancelled():
            await polling  # re-raises what stopped polling, if it was an error


async def _stop_polling(telegram: TelegramChannel, polling: asyncio.Task[None]) -> None:
    if not polling.done():
        await telegram.stop_polling()
        # Stopped before it began to poll, it would never notice: cancel it then. Cancelling
        # loses nothing: the core finishes an event in hand, and an update not yet confirmed
        # is fetched again after the restart.
        await asyncio.wait({polling}, timeout=POLLING_STOP_SECONDS)
        if not polling.done():
            polling.cancel()
            await asyncio.wait({polling})


@dataclass
class _Channels:
    telegram: TelegramChannel | None = None
    viber: ViberChannel | None = None

    @property
    def opened(self) -> list[InputChannel]:
        return [c for c in (self.telegram, self.viber) if c is not None]

    def web_app(self) -> web.Application | None:
        """One server for every channel that takes updates over HTTP; None if none does."""
        from aiohttp import web

        listening = [c for c in self.opened if c.listens]
        if not listening:
            return None
        server = web.Application()
        for channel in listening:
            channel.register(server)
        return server

    def stopping(self) -> None:
        for channel in self.opened:
            channel.stopping()

    async def close(self) -> None:
        for channel in self.opened:
            await channel.close()


async def _open_channels(settings: Settings, app: App) -> _Channels:
    channels = _Channels()
    commands, staff_commands = app.core.command_menus()
    if settings.telegram_enabled:
        from bot.channels.telegram import TelegramChannel, TelegramConfig

        assert settings.telegram_bot_token is not None
        webhook_url = None
        if settings.telegram_mode == "webhook":
            assert settings.webhook_base_url is not None  # Settings.problems() says so
            webhook_url = settings.webhook_base_url + settings.webhook_path
        telegram_config = TelegramConfig(
            token=settings.telegram_bot_token.get_secret_value(),
            api_url=settings.telegram_api_url,
            messages_per_second=settings.telegram_messages_per_second,
            webhook_url=webhook_url,
            webhook_path=settings.webhook_path,
            webhook_secret=settings.webhook_secret.get_secret_value(),
            staff=app.staff,
            commands=commands,
            staff_commands=staff_commands,
            staff_aware_commands=app.core.routes.staff_aware_commands(),
        )
        channels.telegram = TelegramChannel(telegram_config, app.core.handle)
    if settings.viber_enabled:
        from bot.channels.viber import DEFAULT_SENDER_NAME, ViberChannel, ViberConfig

        assert settings.viber_auth_token is not None
        assert settings.webhook_base_url is not None  # Settings.problems() says so
        viber_config = ViberConfig(
            token=settings.viber_auth_token.get_secret_value(),
            webhook_base_url=settings.webhook_base_url,
            files_dir=settings.database_path.parent / "viber-files",
            api_url=settings.viber_api_url,
            sender_name=settings.viber_bot_name or DEFAULT_SENDER_NAME,
        )
        channels.viber = ViberChannel(viber_config, app.core.handle, greeting=app.core.greeting)
    for channel in channels.opened:
        app.delivery.senders[channel.name] = channel.sender
    return channels


def _report_skipped(kb: KnowledgeBaseHolder) -> Callable[[Scope], Awaitable[None]]:
    async def report(scope: Scope) -> None:
        scope.to_staff(skipped_report(kb.errors))

    return report


def _on_signals(callback: Callable[[], None]) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, callback)
