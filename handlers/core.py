"""The conversation core: one event in, state saved and replies queued, in one transaction."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Callable
from dataclasses import replace

from handlers import menu, payloads, texts
from handlers.context import Context, Job, Outgoing, Scope, SearchFirst, Services
from handlers.flood import FloodGuard, Verdict
from handlers.menu import smalltalk
from handlers.messages import STAFF, STAFF_CHAT, Address, Event, Reply, opaque_user
from handlers.routing import Routes
from storage.db import Connection, Database

log = logging.getLogger(__name__)

# Telegram's own limit for one message; longer input is refused, never silently cut.
MAX_TEXT_LENGTH = 4096
MAX_LABEL_LENGTH = 64
# A job asking to run again this many times is stopped there (the next schedule goes on).
MAX_JOB_ROUNDS = 1000


def too_long(text: str | None) -> str | None:
    """What a person is told when `text` is over the limit; None when it fits."""
    if text is None or len(text) <= MAX_TEXT_LENGTH:
        return None
    length = texts.count(len(text), texts.CHARACTERS)
    return texts.TOO_LONG.format(length=length, limit=MAX_TEXT_LENGTH)


class Core:
    """Channel-neutral entry point: channels call `handle` and deliver the outbox."""

    def __init__(
        self,
        db: Database,
        services: Services,
        routes: Routes,
        *,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.db = db
        self.services = services
        self.routes = routes
        self.on_queued = on_queued
        self._in_flight: set[asyncio.Task[list[Outgoing]]] = set()
        self.flood = FloodGuard(services.rate_limit_per_minute)

    async def handle(self, event: Event) -> list[Outgoing]:
        """Handle one event; return what was queued for delivery (for tests and logs).

        The handling is shielded: if the channel is stopped (SIGTERM) mid-way, the event is
        still handled to the end and committed; `drain()` waits for such stragglers.
        """
        task = asyncio.create_task(self._handle_safely(event))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        return await asyncio.shield(task)

    async def drain(self) -> None:
        """Wait until every event being handled has been committed."""
        while self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _handle_safely(self, event: Event) -> list[Outgoing]:
        try:
            queued = await self._handle(event)
        except Exception:
            # Never leave a person in silence: apologise outside the failed transaction.
            log.exception("handler failed: channel=%s user=%s", event.channel, _opaque(event))
            queued = await self._apologise(event)
        if queued:
            self.on_queued()
        return queued

    async def _handle(self, event: Event) -> list[Outgoing]:
        s = self.services
        verdict = Verdict.HANDLE
        if not event.from_staff_chat:
            verdict = self.flood.check(event.channel, event.user_id, s.clock())
            if verdict is Verdict.DROP:
                # Before the transaction: spam is not written anywhere, not even the inbox.
                log.debug("over the rate limit, dropped: channel=%s", event.channel)
                return []
        try:
            return await self._transact(event, verdict, search_inside=False)
        except SearchFirst as first:
            # The meaning model runs with the database free for others; then the event is
            # handled from the start, its search remembered.
            await s.kb.search(first.question)
            return await self._transact(event, verdict, search_inside=True)

    async def _transact(
        self, event: Event, verdict: Verdict, *, search_inside: bool
    ) -> list[Outgoing]:
        s = self.services
        async with self.db.transaction() as conn:
            if event.update_key and not await s.inbox.claim(
                conn, event.channel, event.update_key, s.clock()
            ):
                log.info("duplicate update dropped: channel=%s", event.channel)
                return []
            if verdict is Verdict.NOTICE:
                return await self._flooded(conn, event)
            user = await s.users.touch(
                conn,
                channel=event.channel,
                external_id=event.user_id,
                chat_id=event.chat_id,
                display_name=event.display_name,
                now=s.clock(),
            )
            event = await self._typed_button(conn, event)
            saved = await s.dialogs.load(conn, user.id)
            step, data = saved if saved else (None, {})
            ctx = Context(event, user, conn, s, step, data, search_inside=search_inside)
            await self._route(ctx)
            if ctx.step is None:
                if saved is not None:  # most events are outside any dialog: nothing to clear
                    await s.dialogs.clear(conn, user.id)
            else:
                await s.dialogs.save(conn, user.id, ctx.step, ctx.data, ctx.now)
            queued = await self._queue(conn, ctx.outgoing)
        queued += await self._side_effects(ctx)
        log.info(
            "handled: channel=%s user=%s kind=%s step=%s replies=%d",
            event.channel,
            _opaque(event),
            _kind(event),
            ctx.step,
            len(queued),
        )
        return queued

    async def _flooded(self, conn: Connection, event: Event) -> list[Outgoing]:
        """Just over the limit: one notice; the message itself is not read."""
        log.info("over the rate limit: channel=%s user=%s", event.channel, _opaque(event))
        # No buttons: pressing one within the minute would be dropped, a button that does
        # nothing.
        notice = Outgoing(Address(event.channel, event.chat_id), Reply(texts.RATE_LIMITED))
        return await self._queue(conn, [notice])

    async def run_job(self, job: Job) -> list[Outgoing]:
        """Run a scheduled job in one transaction and queue what it sends; a job that
        returns True has more to do and runs again, in a new transaction, so that others
        (residents' messages) get the database between its batches."""
        queued: list[Outgoing] = []
        for _ in range(MAX_JOB_ROUNDS):
            try:
                # On aiosqlite's thread: a job may go through many rows, and the event
                # loop keeps answering residents meanwhile (they wait only for the lock).
                async with self.db.in_thread() as conn:
                    scope = Scope(conn, self.services)
                    more = await job.run(scope)
                    committed = await self._queue(conn, scope.outgoing, urgent=not job.bulk)
                done = committed + await self._side_effects(scope)
                queued += done
                if done:
                    self.on_queued()  # it goes out while the next batch is made
            except Exception:
                # The rounds before this one stay done: they were committed whole.
                log.exception("job %s failed", job.name)
                break
            if not more:
                break
        else:
            log.warning("job %s still has more to do after %d rounds", job.name, MAX_JOB_ROUNDS)
        log.info("job done: %s messages=%d", job.name, len(queued))
        return queued

    async def report_failure(self, ref: str | None, error: str) -> None:
        """A message could not be delivered for good: let its feature react."""
        handler = self.routes.features.failures.get(ref.split(":", 1)[0]) if ref else None
        if handler is None or ref is None:
            return
        await self.run_job(
            Job(f"failure:{ref}", lambda scope: handler(scope, ref, error), {}, bulk=False)
        )

    async def _typed_button(self, conn: Connection, event: Event) -> Event:
        """A citizen who types a button's label instead of pressing it pressed it."""
        if event.text is None or event.command or event.from_staff_chat:
            return event
        typed = _bare(event.text)
        if not typed or len(typed) > MAX_LABEL_LENGTH:
            return event
        # «да» and «нет» press «Так» and «Ні» as the Ukrainian words do.
        wanted = {typed, smalltalk.button_word(event.text) or typed}
        for rows in await self.services.outbox.recent_buttons(conn, event.channel, event.chat_id):
            for row in rows:
                for button in row:
                    if button.get("payload") and _bare(button["label"]) in wanted:
                        return replace(event, text=None, payload=button["payload"])
        return event

    async def _route(self, ctx: Context) -> None:
        event, table = ctx.event, self.routes.features
        if event.from_staff_chat:
            await self._route_staff(ctx)
            return
        if event.command:
            command = table.commands.get(event.command)
            if command is None:
                menu.show_menu(ctx, texts.UNKNOWN_COMMAND)
                return
            await command.handler(ctx)
            return
        if event.payload is not None:
            payload = payloads.parse(event.payload)
            handler = table.buttons.get(type(payload)) if payload is not None else None
            if handler is None:
                # An old, malformed or forged button: one clear answer, the menu.
                menu.show_menu(ctx, texts.UNKNOWN_BUTTON)
                return
            await handler(ctx, payload)
            return
        step_handler = self.routes.step_handler(ctx.step) if ctx.step else None
        if step_handler is not None:
            # A dialog step decides itself what it accepts (text, contact, files, …).
            await step_handler(ctx)
            return
        if ctx.step:
            log.warning("stale dialog step %s dropped", ctx.step)
            ctx.finish()
        refusal = too_long(event.text)
        if refusal is not None:
            # Outside a dialog; a dialog step states its own limits (an appeal: 4000).
            ctx.say(refusal, [[menu.HOME]])
            return
        if event.unsupported or (event.attachments and not event.text) or event.contact:
            kind = event.unsupported or (
                event.attachments[0].kind if event.attachments else "contact"
            )
            label = texts.UNSUPPORTED_KINDS.get(kind, texts.UNSUPPORTED_OTHER)
            ctx.say(texts.UNSUPPORTED.format(kind=label), [[menu.HOME]])
            return
        if event.text:
            for fallback in self.routes.fallbacks:
                if await fallback(ctx):
                    return
        menu.show_menu(ctx)

    async def _route_staff(self, ctx: Context) -> None:
        event, table = ctx.event, self.routes.features
        if not event.is_staff:
            log.warning("staff-chat event from a non-member ignored: user=%s", _opaque(event))
            return
        if event.command:
            command = table.staff_commands.get(event.command)
            if command is None:
                ctx.to_staff(texts.STAFF_UNKNOWN_COMMAND)
                return
            await command.handler(ctx)
            return
        if event.payload is not None:
            payload = payloads.parse(event.payload)
            handler = table.staff_buttons.get(type(payload)) if payload is not None else None
            if handler is not None:
                await handler(ctx, payload)
            else:
                log.warning("staff button not understood: dropped")
            return
        if event.reply_to:
            ref = await self.services.outbox.find_ref(
                ctx.conn, event.channel, event.chat_id, event.reply_to
            )
            on_reply = table.staff_replies.get(ref.split(":", 1)[0]) if ref else None
            if on_reply is not None:
                ctx.reply_ref = ref
                await on_reply(ctx)
                return
        step_handler = self.routes.step_handler(ctx.step) if ctx.step else None
        if step_handler is not None:
            await step_handler(ctx)
            return
        if event.reply_to and await self.services.outbox.is_ours(
            ctx.conn, event.channel, event.chat_id, event.reply_to
        ):
            # A reply to the bot that goes nowhere: say so rather than keep silent.
            ctx.to_staff(texts.STAFF_REPLY_GOES_NOWHERE)
            return
        if event.reply_to and event.reply_to_bot:
            # The bot's message, but not in the outbox: posted after the backup the database
            # was restored from, or its send not yet recorded. The answer went nowhere.
            ctx.to_staff(texts.STAFF_REPLY_UNKNOWN_MESSAGE)
            return
        # Anything else is librarians talking among themselves: not ours to answer.

    async def _side_effects(self, scope: Scope) -> list[Outgoing]:
        """After the commit: the work outside the database; a failure is told to staff."""
        failed = []
        for effect in scope.side_effects:
            try:
                await asyncio.to_thread(effect.action)
            except Exception:
                log.exception("an action after the commit failed")
                failed.append(Outgoing(STAFF_CHAT, Reply(effect.failed)))
        if not failed:
            return []
        async with self.db.transaction() as conn:
            return await self._queue(conn, failed)

    async def _queue(
        self, conn: Connection, outgoing: list[Outgoing], *, urgent: bool = True
    ) -> list[Outgoing]:
        queued = []
        rows: list[tuple[str, str, str, str | None]] = []
        for out in outgoing:
            to = self.services.staff if out.to.channel == STAFF else out.to
            if to is None:
                log.warning("no staff chat configured: a staff message was dropped")
                continue
            rows.append((to.channel, to.chat_id, _row(out.reply), out.reply.ref))
            queued.append(Outgoing(to, out.reply))
        if rows:
            await self.services.outbox.add_many(conn, rows, self.services.clock(), urgent=urgent)
        return queued

    async def _apologise(self, event: Event) -> list[Outgoing]:
        # The staff chat has no menu to go back to: no button there.
        home = () if event.from_staff_chat else ((menu.HOME,),)
        reply = Reply(texts.INTERNAL_ERROR, home)
        to = Address(event.channel, event.chat_id)
        try:
            async with self.db.transaction() as conn:
                if event.update_key:
                    # Claim the update so a redelivery does not fail the same way forever.
                    await self.services.inbox.claim(
                        conn, event.channel, event.update_key, self.services.clock()
                    )
                return await self._queue(conn, [Outgoing(to, reply)])
        except Exception:
            log.exception("could not queue the apology")
            return []

    def greeting(self) -> Reply:
        """What /start shows, for a channel that greets before anyone writes (Viber's
        welcome message); touches no database."""
        rows = menu.menu_buttons(librarians=self.services.librarians)
        return Reply(texts.GREETING, tuple(tuple(row) for row in rows))

    def command_menus(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The commands residents and librarians are shown, (command, description) each,
        as the features' routers declare them."""
        return self.routes.command_menu(staff=False), self.routes.command_menu(staff=True)


def _row(reply: Reply) -> str:
    """The reply as its outbox row keeps it. The same screens are queued over and over, so
    the last ones are kept; a reply with a file (which may be large) is not."""
    if reply.attachments:
        return json.dumps(reply.to_json(), ensure_ascii=False)
    return _kept_row(reply)


@functools.lru_cache(maxsize=512)
def _kept_row(reply: Reply) -> str:
    return json.dumps(reply.to_json(), ensure_ascii=False)


@functools.lru_cache(maxsize=1024)  # the same labels are compared over and over
def _bare(label: str) -> str:
    """`📚 Довідка / запитати` → `довідка / запитати`: labels match without emoji or case."""
    kept = "".join(c for c in label.casefold() if c.isalnum() or c in " '’/-")
    return " ".join(kept.split())


def _opaque(event: Event) -> str:
    return opaque_user(event.channel, event.user_id)


def _kind(event: Event) -> str:
    if event.command:
        return "command"
    if event.payload is not None:
        return "button"
    if event.contact:
        return "contact"
    if event.attachments:
        return "attachment"
    if event.unsupported:
        return "unsupported"
    return "text"
