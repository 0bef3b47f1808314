"""The librarians' queue, the staff side: take, answer by replying, close, draft a
knowledge-base article; /queue a page at a time; unanswered tickets brought back during
working hours."""

from __future__ import annotations

from datetime import timedelta

from handlers import pages, texts
from handlers.context import Context, Scope
from handlers.menu import HOME, show_menu
from handlers.messages import Address, Button
from handlers.queue.cards import (
    age,
    card_buttons,
    card_text,
    citizen_address,
    librarian_name,
    refresh_card,
    shorten,
    ticket_ref,
)
from handlers.queue.payloads import OpenQueue, QueuePage, TicketPress
from handlers.routing import Router
from knowledge_base.drafts import draft_path, write_draft
from storage.tickets import Ticket

# This few overdue tickets come back as their cards; more, as one summary that lists the
# longest-waiting `OVERDUE_LISTED` (hundreds of cards would bury the staff chat).
OVERDUE_CARDS_UP_TO = 3
OVERDUE_LISTED = 5
# Residents told per transaction (about 30 ms on the 2-core machine): a backlog of
# thousands never holds the database for long (benchmarks/staff_views.py).
REMIND_BATCH = 100


async def on_staff_button(ctx: Context, press: TicketPress) -> None:
    """take: assign to me · close (unanswered: asks first, closeok confirms, keep keeps it
    open) · kb: draft an article."""
    action = press.action
    tickets = ctx.services.tickets
    ticket = await tickets.get(ctx.conn, press.ticket)
    if ticket is None:
        return
    librarian = librarian_name(ctx.event.display_name)
    if action == "take":
        await tickets.assign(ctx.conn, ticket.id, ctx.event.user_id, librarian)
    elif action in ("close", "closeok"):
        if ticket.status == "closed":
            ctx.to_staff(texts.TICKET_ALREADY_CLOSED.format(number=ticket.id))
            return
        if action == "close" and ticket.answered_at is None:
            await confirm_close(ctx, ticket)  # the resident would get no answer at all
            return
        await tickets.close(ctx.conn, ticket.id, librarian, ctx.now)
        if ticket.status == "open" and ticket.answered_at is None:
            citizen = await citizen_address(ctx, ticket)
            ctx.send(citizen, texts.CLOSED_WITHOUT_ANSWER.format(number=ticket.id), [[HOME]])
    elif action == "kb":
        await draft_article(ctx, ticket)
        return
    elif action != "keep":
        return
    await refresh_card(ctx, ticket.id, ctx.event.message_id)


async def confirm_close(ctx: Context, ticket: Ticket) -> None:
    """Ask on the card itself before closing a question nobody has answered."""
    citizen = await ctx.services.users.get(ctx.conn, ticket.user_id)
    assert citizen is not None
    text = card_text(ctx, ticket, citizen) + texts.CARD_CLOSE_CONFIRM.format(number=ticket.id)
    buttons = [
        [Button(texts.BTN_CLOSE_CONFIRM, TicketPress("closeok", ticket.id).pack())],
        [Button(texts.BTN_CLOSE_KEEP, TicketPress("keep", ticket.id).pack())],
    ]
    if ctx.event.message_id is None:  # a press without its message: ask in a new one
        ctx.to_staff(text, buttons, ref=ticket_ref(ticket.id))
        return
    ctx.edit_staff(ctx.event.message_id, text, buttons, ref=ticket_ref(ticket.id))


async def on_staff_reply(ctx: Context) -> None:
    """A librarian replied to a card or a follow-up: relay it to the citizen."""
    ticket_id = int((ctx.reply_ref or "").split(":")[1])
    tickets = ctx.services.tickets
    ticket = await tickets.get(ctx.conn, ticket_id)
    if ticket is None:
        return
    if ticket.erased_at is not None:
        ctx.to_staff(texts.PRIVACY_TICKET_ERASED_REPLY.format(number=ticket.id))
        return
    event = ctx.event
    text = (event.text or "").strip()
    if not text and not event.attachments:
        return
    librarian = librarian_name(event.display_name)
    await tickets.add_message(
        ctx.conn, ticket.id, "librarian", librarian, text, event.attachments, ctx.now
    )
    await tickets.mark_answered(ctx.conn, ticket.id, librarian, ctx.now)
    if ticket.assignee_id is None:
        await tickets.assign(ctx.conn, ticket.id, event.user_id, librarian)
    citizen = await citizen_address(ctx, ticket)
    # Shown as typed, like a resident's words: a librarian's `**` or [x](y) is no markup
    # (Telegram still makes a bare address clickable).
    body = (
        texts.ANSWER_TO_CITIZEN.format(number=ticket.id, text=text)
        if text
        else texts.ANSWER_ATTACHMENTS_ONLY.format(number=ticket.id)
    )
    ctx.send(
        citizen,
        body,
        [
            [
                Button(texts.BTN_RATE_UP, TicketPress("up", ticket.id).pack()),
                Button(texts.BTN_RATE_DOWN, TicketPress("down", ticket.id).pack()),
            ],
            [Button(texts.BTN_FOLLOW_UP, TicketPress("more", ticket.id).pack())],
            [HOME],
        ],
        attachments=event.attachments,
        ref=f"answer:{ticket.id}",
    )
    await refresh_card(ctx, ticket.id, None)


async def on_queue(ctx: Context) -> None:
    """/queue [page] in the staff chat, or in a librarian's private chat with the bot."""
    arg = ctx.event.command_args
    await show_queue(ctx, int(arg) if arg.isascii() and arg.isdigit() else 1, in_place=False)


async def on_queue_page(ctx: Context, press: QueuePage) -> None:
    await show_queue(ctx, press.page, in_place=True)


async def on_open_queue(ctx: Context, _press: OpenQueue) -> None:
    """From the overdue summary: the queue below it, the summary left as it was."""
    await show_queue(ctx, 1, in_place=False)


async def show_queue(ctx: Context, requested: int, *, in_place: bool) -> None:
    """One page of the open tickets, oldest first, with their count and ◀️ ▶️."""
    tickets = ctx.services.tickets
    total = await tickets.count_open(ctx.conn)
    if total == 0:
        pages.show(ctx, texts.QUEUE_EMPTY, [], in_place=in_place)
        return
    page = pages.page_of(requested, total)
    lines = [pages.title(texts.QUEUE_HEADER.format(count=total), page)]
    shown = await tickets.open_page(ctx.conn, limit=page.size, offset=page.offset)
    lines += [queue_line(ctx, ticket) for ticket in shown]
    text = "\n".join(lines)
    buttons = []
    if ctx.event.from_staff_chat:
        buttons = pages.nav_buttons(page, QueuePage)
    elif page.number < page.count:
        # A press in a private chat is not checked as a librarian's: a command pages there.
        text += texts.QUEUE_NEXT_PAGE.format(page=page.number + 1)
    pages.show(ctx, text, buttons, in_place=in_place)


def queue_line(scope: Scope, ticket: Ticket) -> str:
    return texts.QUEUE_LINE.format(
        number=ticket.id,
        age=age(scope.now - ticket.created_at),
        assignee=ticket.assignee_name or texts.QUEUE_NOBODY,
        question=shorten(ticket.question),
    )


async def on_queue_command(ctx: Context) -> None:
    """/queue said in a private chat: librarians get the list, as /appeal works there."""
    if not ctx.event.is_staff:
        show_menu(ctx, texts.UNKNOWN_COMMAND)
        return
    await on_queue(ctx)


async def draft_article(ctx: Context, ticket: Ticket) -> None:
    """Write the question and the librarians' answers as a draft article (skipped by the
    loader until a librarian moves it out of `_drafts/`)."""
    messages = await ctx.services.tickets.messages(ctx.conn, ticket.id)
    answers = [m.text for m in messages if m.author == "librarian" and m.text]
    if not answers:
        ctx.to_staff(texts.DRAFT_NEEDS_ANSWER.format(number=ticket.id))
        return
    local_day = ctx.now.astimezone(ctx.services.timezone).date()
    directory, question = ctx.services.drafts_dir, ticket.question
    # The file is written once the transaction has committed, never for one rolled back.
    ctx.after_commit(
        lambda: write_draft(
            directory, ticket.id, question, answers, local_day, texts.DRAFT_CATEGORY
        ),
        failed=texts.DRAFT_FAILED.format(number=ticket.id),
    )
    path = draft_path(directory, ticket.id)
    ctx.to_staff(texts.DRAFT_SAVED.format(number=ticket.id, path=path))


async def repost_overdue(scope: Scope) -> bool:
    """During working hours, bring tickets unanswered for too long back to the librarians —
    a few as their cards, many as one summary — and tell each resident once that the
    question is not forgotten. Residents are told `REMIND_BATCH` a transaction: True asks
    the core to run the job again, in a new transaction, for the next batch."""
    services = scope.services
    if not services.hours.is_open(scope.now):
        return False
    tickets = services.tickets
    cutoff = services.hours.back_from(scope.now, services.repost_after)
    overdue = await tickets.count_overdue(scope.conn, cutoff)
    if 0 < overdue <= OVERDUE_CARDS_UP_TO:
        for ticket in await tickets.overdue(scope.conn, cutoff, limit=OVERDUE_CARDS_UP_TO):
            citizen = await services.users.get(scope.conn, ticket.user_id)
            assert citizen is not None
            scope.to_staff(
                card_text(scope, ticket, citizen, overdue=True),
                card_buttons(ticket),
                ref=ticket_ref(ticket.id),
            )
    elif overdue > OVERDUE_CARDS_UP_TO:
        oldest = await tickets.overdue(scope.conn, cutoff, limit=OVERDUE_LISTED)
        lines = [
            texts.QUEUE_OVERDUE.format(count=overdue, wait=waited(services.repost_after)),
            "",
            texts.QUEUE_OVERDUE_OLDEST,
            *(queue_line(scope, ticket) for ticket in oldest),
        ]
        scope.to_staff("\n".join(lines), [[Button(texts.BTN_OPEN_QUEUE, OpenQueue().pack())]])
    if overdue:
        # Re-posted now: the next reminder about them is one full wait away. Their
        # residents are told from the next round on, each batch a transaction of its own.
        await tickets.mark_overdue_reposted(scope.conn, cutoff, scope.now)
        return True
    return await remind_residents(scope)


async def remind_residents(scope: Scope) -> bool:
    """Tell up to `REMIND_BATCH` residents whose re-posted question they have not yet been
    told about; True when there may be more."""
    services = scope.services
    batch = await services.tickets.to_remind(scope.conn, limit=REMIND_BATCH)
    for ticket in batch:
        citizen = await services.users.get(scope.conn, ticket.user_id)
        assert citizen is not None
        scope.send(
            Address(citizen.channel, citizen.chat_id),
            texts.NOT_FORGOTTEN.format(number=ticket.id),
            [[HOME]],
        )
    await services.tickets.mark_reminded(scope.conn, [t.id for t in batch], scope.now)
    return len(batch) == REMIND_BATCH


def waited(wait: timedelta) -> str:
    """«2 години», «90 хвилин»: how long the summary's tickets have waited at least."""
    minutes = int(wait.total_seconds() // 60)
    if minutes % 60 == 0:
        return texts.QUEUE_WAIT_HOURS.format(hours=minutes // 60)
    return texts.QUEUE_WAIT_MINUTES.format(minutes=minutes)


async def on_delivery_failed(scope: Scope, ref: str, error: str) -> None:
    """An answer could not reach the citizen even after retries: the card says so."""
    ticket_id = int(ref.split(":")[1])
    await scope.services.tickets.delivery_failed(scope.conn, ticket_id, error)
    await refresh_card(scope, ticket_id, None)


def register(router: Router) -> None:
    router.staff_button(TicketPress)(on_staff_button)
    router.staff_reply("ticket")(on_staff_reply)
    router.staff_button(QueuePage)(on_queue_page)
    router.staff_button(OpenQueue)(on_open_queue)
    router.staff_command("queue", texts.CMD_STAFF_QUEUE)(on_queue)
    router.command("queue", staff_aware=True)(on_queue_command)
    router.failure("answer")(on_delivery_failed)
    router.job("repost-overdue-tickets", minute="*/15")(repost_overdue)
