"""Assembly: settings → database → core → delivery → channels, and a clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TextIO

from bot.channels.console import STAFF_ADDRESS as CONSOLE_STAFF
from bot.channels.console import ConsoleChannel
from bot.delivery import Delivery, Sender
from bot.scheduler import start_scheduler
from bot.settings import Settings
from handlers.context import Job, Scope, Services
from handlers.core import Core, build_router
from handlers.messages import Address
from handlers.reference import skipped_report
from knowledge_base.holder import KnowledgeBaseHolder
from storage.db import Database
from storage.outbox import OutboxItem

log = logging.getLogger(__name__)


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
    kb = await asyncio.to_thread(KnowledgeBaseHolder.load, settings.knowledge_base_dir)
    log.info("knowledge base: %d articles, %d files skipped", len(kb.base.articles), len(kb.errors))
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
        )
        senders: dict[str, Sender] = {}
        delivery = Delivery(db, senders, utc_now)
        core = Core(db, services, build_router(), on_queued=delivery.wake)

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


async def run_telegram(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until SIGTERM/SIGINT, or until `stop` is set when the caller passes one."""
    # Imported here: aiogram takes seconds to import, and the console does not need it.
    from aiohttp import web

    from bot.channels.telegram import CHANNEL as TELEGRAM
    from bot.channels.telegram import TelegramChannel

    staff = Address(TELEGRAM, str(settings.staff_chat_id)) if settings.staff_chat_id else None
    if staff is None:
        log.warning("STAFF_CHAT_ID is not set: questions for librarians cannot be delivered")
    async with assemble(settings, staff=staff) as app:
        telegram = TelegramChannel(settings, app.core.handle)
        app.delivery.senders[TELEGRAM] = telegram.sender
        if stop is None:
            stop = asyncio.Event()
            _on_signals(stop.set)
        delivering = asyncio.create_task(app.delivery.run(), name="delivery")
        runner: web.AppRunner | None = None
        try:
            if settings.telegram_mode == "webhook":
                runner = web.AppRunner(telegram.webhook_app())
                await runner.setup()
                await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
                await telegram.set_webhook()
                log.info("webhook listening on %s:%d", settings.webhook_host, settings.webhook_port)
                await stop.wait()
            else:
                polling = asyncio.create_task(telegram.run_polling(), name="polling")
                waiting = asyncio.create_task(stop.wait())
                await asyncio.wait({polling, waiting}, return_when=asyncio.FIRST_COMPLETED)
                if not polling.done():
                    await telegram.stop_polling()
                waiting.cancel()
                await polling  # re-raises what stopped polling, if it was an error
        finally:
            log.info("stopping: finishing the updates in hand")
            if runner is not None:
                await runner.cleanup()
            await app.core.drain()
            await app.delivery.flush()
            delivering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await delivering
            await telegram.close()


def _report_skipped(kb: KnowledgeBaseHolder) -> Callable[[Scope], Awaitable[None]]:
    async def report(scope: Scope) -> None:
        scope.to_staff(skipped_report(kb.errors))

    return report


def _on_signals(callback: object) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, callback)  # type: ignore[arg-type]
