"""Assembly: settings → database → core → delivery → channels, and a clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from bot.channels.console import STAFF_ADDRESS as CONSOLE_STAFF
from bot.channels.console import ConsoleChannel
from bot.delivery import Delivery, Sender
from bot.scheduler import start_scheduler
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


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    db: Database
    core: Core
    delivery: Delivery


@contextlib.asynccontextmanager
async def assemble(settings: Settings, *, staff: Address | None) -> AsyncIterator[App]:
    """Open the database and build the core; close everything on the way out."""
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
        )
        senders: dict[str, Sender] = {}
        delivery = Delivery(db, senders, utc_now)
        core = Core(db, services, build_routes(), on_queued=delivery.wake)

        async def report_failure(item: OutboxItem, error: str) -> None:
            await core.report_failure(item.ref, error)

        delivery.on_failed = report_failure
        if kb.errors:
            await core.run_job(Job("kb-load-report", _report_skipped(kb), {}))
        scheduler = start_scheduler(core, settings.tz)
        try:
            yield App(settings, db, core, delivery)
        finally:
            scheduler.shutdown(wait=False)
    finally:
        await kb.close()
        await db.close()


async def run_console(
    settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> None:
    async with assemble(settings, staff=CONSOLE_STAFF) as app:
        console = ConsoleChannel(app.core.handle, app.delivery.flush, stdin, stdout)
        app.delivery.senders["console"] = console.sender
        await console.run()
        await app.core.drain()
        await app.delivery.flush()


async def run_channels(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run every configured channel (Telegram, Viber) until SIGTERM/SIGINT, or until `stop`
    is set when the caller passes one.

    One aiohttp server hosts every webhook: Telegram's when it is in webhook mode, Viber's
    always (Viber has no polling). On the way out: stop taking updates, finish the ones in
    hand, flush the outbox; `assemble` closes the database.
    """
    # Imported here: aiogram takes seconds to import, and the console does not need it.
    from aiohttp import web

    staff = Address(*settings.staff_chat) if settings.staff_chat else None
    if not settings.librarians:
        log.info("LIBRARIANS=off: residents are offered no librarian and no appeals")
    elif staff is None:  # check-settings refuses this; only a caller that skips it gets here
        log.warning("no librarians' group configured: staff messages will be dropped")
    async with assemble(settings, staff=staff) as app:
        channels = await _open_channels(settings, app)
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
            if telegram is not None and settings.telegram_mode == "webhook":
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

    def web_app(self) -> web.Application | None:
        from aiohttp import web

        server = None
        if self.telegram is not None and self.telegram.settings.telegram_mode == "webhook":
            server = self.telegram.webhook_app()
        if self.viber is not None:
            server = server or web.Application()
            self.viber.register(server)
        return server

    async def close(self) -> None:
        if self.telegram is not None:
            await self.telegram.close()
        if self.viber is not None:
            await self.viber.close()


async def _open_channels(settings: Settings, app: App) -> _Channels:
    channels = _Channels()
    if settings.telegram_enabled:
        from bot.channels.telegram import CHANNEL as TELEGRAM
        from bot.channels.telegram import TelegramChannel

        channels.telegram = TelegramChannel(settings, app.core.handle)
        app.delivery.senders[TELEGRAM] = channels.telegram.sender
    if settings.viber_enabled:
        from bot.channels.viber import CHANNEL as VIBER
        from bot.channels.viber import ViberChannel

        channels.viber = ViberChannel(settings, app.core.handle, db=app.db, clock=utc_now)
        app.delivery.senders[VIBER] = channels.viber.sender
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
