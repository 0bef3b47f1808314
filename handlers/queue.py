"""The librarian queue: questions the bot cannot answer become tickets in the staff chat.

Ways in: the menu's "Запитати бібліотекаря" (then the question), or handing over a question
the knowledge base could not answer (`ask:q:QUERY`). A card goes to the staff chat; a
librarian takes it, answers by replying to it (text, photos, files), and the answer is
relayed to the citizen's own channel. Follow-ups land under the same ticket.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers import smalltalk, texts
from handlers.context import Context, Job, Router, Scope
from handlers.menu import HOME, show_menu, without_librarians
from handlers.messages import Address, Attachment, Button
from knowledge_base.drafts import write_draft
from storage.tickets import Ticket
from storage.users import User

ASK_QUESTION = "ask.question"
FOLLOW_UP = "ask.follow_up"
CANCEL = Button(texts.BTN_CANCEL, "menu")
SHORT_QUESTION = 80


# --- Citizen side ----------------------------------------------------------------------


async def on_ask(ctx: Context) -> None:
    """`ask` from the menu · `ask:q:QUERY` hand over a recorded question."""
    if without_librarians(ctx):
        return
    parts = (ctx.event.payload or "").split(":")
    if len(parts) == 3 and parts[1] == "q" and parts[2].isdigit():
        await hand_over_query(ctx, int(parts[2]))
        return
    ctx.goto(ASK_QUESTION)
    ctx.say(texts.ASK_PROMPT, [[CANCEL]])


async def on_question(ctx: Context) -> None:
    text = (ctx.event.text or "").strip()
    files = ctx.event.attachments
    if files:
        # A photo of a bill or a letter is often the question itself: it goes with the card.
        found = (await ctx.services.kb.search(text)).candidates[:3] if text else []
        question = _with_files(text, files)
        await open_ticket(ctx, question, "menu", [c.article.id for c in found], None, files)
        return
    if not text:
        ctx.say(texts.ASK_TEXT_ONLY, [[CANCEL]])
        return
    small_talk = smalltalk.kind_of(text)
    if small_talk == "menu":
        show_menu(ctx)
        return
    if small_talk is not None:  # «дякую» is no question: a librarian gets no empty ticket
        ctx.say(texts.ASK_NOT_A_QUESTION, [[CANCEL]])
        return
    # What the knowledge base would have said is useful to the librarian too.
    found = (await ctx.services.kb.search(text)).candidates[:3]
    await open_ticket(ctx, text, "menu", [c.article.id for c in found], None)


async def hand_over_query(ctx: Context, query_id: int) -> None:
    query = await ctx.services.kb_queries.get(ctx.conn, query_id)
    if query is None or query.user_id != ctx.user.id:
        show_menu(ctx, texts.ASK_GONE)
        return
    source = {"none": "kb_none", "suggest": "kb_suggest"}.get(query.decision, "kb_not_helpful")
    candidates = [article_id for article_id, _score in query.candidates[:3]]
    await open_ticket(ctx, query.question, source, candidates, query_id)


def _with_files(text: str, files: tuple[Attachment, ...]) -> str:
    """The question as the card and /queue show it, its files listed under it."""
    names = ", ".join(f.file_name or texts.FILE_KINDS.get(f.kind, f.kind) for f in files)
    listed = texts.CARD_FILES.format(files=names)
    return f"{text}\n{listed}" if text else listed


async def open_ticket(
    ctx: Context,
    question: str,
    source: str,
    candidates: list[str],
    query_id: int | None,
    files: tuple[Attachment, ...] = (),
) -> None:
    ticket = await ctx.services.tickets.open(
        ctx.conn,
        user_id=ctx.user.id,
        question=question,
        source=source,
        candidates=candidates,
        query_id=query_id,
        now=ctx.now,
        attachments=files,
    )
    ctx.to_staff(
        card_text(ctx, ticket, ctx.user),
        card_buttons(ticket),
        attachments=files,
        ref=ticket_ref(ticket.id),
    )
    hours = ctx.services.hours
    if hours.is_open(ctx.now):
        accepted = texts.ASK_ACCEPTED_OPEN.format(number=ticket.id)
    else:
        opens = hours.start.strftime("%-H:%M")
        accepted = texts.ASK_ACCEPTED_CLOSED.format(number=ticket.id, opens=opens)
    show_menu(ctx, accepted)


async def on_ticket_button(ctx: Context) -> None:
    """`tk:up:N` / `tk:down:N` rate an answer · `tk:more:N` write a follow-up."""
    ticket = await _own_ticket(ctx)
    if ticket is None:
        show_menu(ctx, texts.ASK_GONE)
        return
    action = (ctx.event.payload or "").split(":")[1]
    if action in ("up", "down"):
        await ctx.services.tickets.rate(ctx.conn, ticket.id, action)
        if action == "up":
            ctx.say(texts.RATE_THANKS, [[HOME]])
        else:
            ctx.say(
                texts.RATE_DOWN, [[Button(texts.BTN_FOLLOW_UP, f"tk:more:{ticket.id}")], [HOME]]
            )
        return
    if action != "more":
        show_menu(ctx, texts.UNKNOWN_BUTTON)
        return
    ctx.goto(FOLLOW_UP, ticket=ticket.id)
    ctx.say(texts.FOLLOW_UP_PROMPT.format(number=ticket.id), [[CANCEL]])


async def on_follow_up(ctx: Context) -> None:
    text = (ctx.event.text or "").strip()
    files = ctx.event.attachments
    if not text and not files:
        ctx.say(texts.ASK_TEXT_ONLY, [[CANCEL]])
        return
    await relay_follow_up(ctx, int(ctx.data.get("ticket", 0)), text, files)


async def relay_follow_up(
    ctx: Context, ticket_id: int, text: str, files: tuple[Attachment, ...] = ()
) -> None:
    """The resident's follow-up (with any files) goes to the librarians under the ticket's
    number."""
    ticket = await ctx.services.tickets.get(ctx.conn, ticket_id)
    if ticket is None or ticket.user_id != ctx.user.id:
        show_menu(ctx, texts.ASK_GONE)
        return
    tickets = ctx.services.tickets
    await tickets.add_message(
        ctx.conn, ticket.id, "citizen", ctx.user.display_name, text, files, ctx.now
    )
    await tickets.reopen(ctx.conn, ticket.id)
    shown = _with_files(text, files) if files else text
    ctx.to_staff(
        texts.FOLLOW_UP_TO_STAFF.format(number=ticket.id, name=_name(ctx.user), text=shown),
        card_buttons(ticket),
        attachments=files,
        ref=f"{ticket_ref(ticket.id)}:follow-up",
    )
    show_menu(ctx, texts.FOLLOW_UP_ACCEPTED)


async def _own_ticket(ctx: Context) -> Ticket | None:
    parts = (ctx.event.payload or "").split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    ticket = await ctx.services.tickets.get(ctx.conn, int(parts[2]))
    return ticket if ticket is not None and ticket.user_id == ctx.user.id else None


# --- Staff side ------------------------------------------------------------------------


async def on_staff_button(ctx: Context) -> None:
    """`tk:take:N` assign to me · `tk:close:N` close (unanswered: asks first, `tk:closeok:N`
    confirms, `tk:keep:N` keeps it open) · `tk:kb:N` draft an article."""
    parts = (ctx.event.payload or "").split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        return
    action, ticket_id = parts[1], int(parts[2])
    tickets = ctx.services.tickets
    ticket = await tickets.get(ctx.conn, ticket_id)
    if ticket is None:
        return
    librarian = ctx.event.display_name or "бібліотекар"
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
            citizen = await _citizen(ctx, ticket)
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
        [Button(texts.BTN_CLOSE_CONFIRM, f"tk:closeok:{ticket.id}")],
        [Button(texts.BTN_CLOSE_KEEP, f"tk:keep:{ticket.id}")],
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
    event = ctx.event
    text = (event.text or "").strip()
    if not text and not event.attachments:
        return
    librarian = event.display_name or "бібліотекар"
    await tickets.add_message(
        ctx.conn, ticket.id, "librarian", librarian, text, event.attachments, ctx.now
    )
    await tickets.mark_answered(ctx.conn, ticket.id, librarian, ctx.now)
    if ticket.assignee_id is None:
        await tickets.assign(ctx.conn, ticket.id, event.user_id, librarian)
    citizen = await _citizen(ctx, ticket)
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
                Button(texts.BTN_RATE_UP, f"tk:up:{ticket.id}"),
                Button(texts.BTN_RATE_DOWN, f"tk:down:{ticket.id}"),
            ],
            [Button(texts.BTN_FOLLOW_UP, f"tk:more:{ticket.id}")],
            [HOME],
        ],
        attachments=event.attachments,
        ref=f"answer:{ticket.id}",
    )
    await refresh_card(ctx, ticket.id, None)


async def on_queue(ctx: Context) -> None:
    """/queue in the staff chat, or in a librarian's private chat with the bot."""
    say = ctx.to_staff if ctx.event.from_staff_chat else ctx.say
    open_tickets = await ctx.services.tickets.open_tickets(ctx.conn)
    if not open_tickets:
        say(texts.QUEUE_EMPTY)
        return
    lines = [texts.QUEUE_HEADER.format(count=len(open_tickets))]
    for ticket in open_tickets:
        lines.append(
            texts.QUEUE_LINE.format(
                number=ticket.id,
                age=_age(ctx.now - ticket.created_at),
                assignee=ticket.assignee_name or texts.QUEUE_NOBODY,
                question=_short(ticket.question),
            )
        )
    say("\n".join(lines))


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
    path = write_draft(ctx.services.drafts_dir, ticket.id, ticket.question, answers, local_day)
    ctx.to_staff(texts.DRAFT_SAVED.format(number=ticket.id, path=path))


# --- Cards -----------------------------------------------------------------------------


def ticket_ref(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def card_buttons(ticket: Ticket) -> list[list[Button]]:
    return [
        [
            Button(texts.BTN_TAKE, f"tk:take:{ticket.id}"),
            Button(texts.BTN_CLOSE, f"tk:close:{ticket.id}"),
        ],
        [Button(texts.BTN_TO_KB, f"tk:kb:{ticket.id}")],
    ]


def card_text(scope: Scope, ticket: Ticket, citizen: User, *, overdue: bool = False) -> str:
    kb = scope.services.kb.base
    titles = [
        f"- {article.title} ({article.id})"
        for article in (kb.get(article_id) for article_id in ticket.candidates)
        if article is not None
    ]
    when = _local(scope, ticket.created_at)
    if ticket.status == "closed":
        status = texts.CARD_STATUS_CLOSED.format(
            name=ticket.closed_by or "—", when=_local(scope, ticket.closed_at or scope.now)
        )
    elif ticket.status == "answered":
        status = texts.CARD_STATUS_ANSWERED.format(
            name=ticket.answered_by or "—", when=_local(scope, ticket.answered_at or scope.now)
        )
    elif ticket.assignee_name:
        status = texts.CARD_STATUS_TAKEN.format(name=ticket.assignee_name)
    else:
        status = texts.CARD_STATUS_WAITING
    if ticket.delivery_error:
        status += texts.CARD_STATUS_UNDELIVERED.format(error=ticket.delivery_error)
    text = texts.CARD.format(
        number=ticket.id,
        name=_name(citizen),
        channel=texts.CHANNEL_NAMES.get(citizen.channel, citizen.channel),
        asked=when,
        question=ticket.question,
        candidates=texts.CARD_CANDIDATES.format(items="\n".join(titles)) if titles else "",
        status=status,
    )
    if ticket.status != "closed":
        text += texts.CARD_HINT
    if overdue:
        text = texts.CARD_OVERDUE.format(age=_age(scope.now - ticket.created_at)) + text
    return text


async def refresh_card(scope: Scope, ticket_id: int, message_id: str | None) -> None:
    """Show the ticket's new state on its card (the one pressed, else the latest posted)."""
    services = scope.services
    ticket = await services.tickets.get(scope.conn, ticket_id)
    if ticket is None:
        return
    citizen = await services.users.get(scope.conn, ticket.user_id)
    assert citizen is not None
    if message_id is None:
        staff = services.staff
        if staff is None:
            return
        message_id = await services.outbox.find_external(
            scope.conn, staff.channel, staff.chat_id, ticket_ref(ticket.id)
        )
        if message_id is None:
            return
    buttons = [] if ticket.status == "closed" else card_buttons(ticket)
    scope.edit_staff(
        message_id, card_text(scope, ticket, citizen), buttons, ref=ticket_ref(ticket.id)
    )


async def _citizen(ctx: Scope, ticket: Ticket) -> Address:
    user = await ctx.services.users.get(ctx.conn, ticket.user_id)
    assert user is not None
    return Address(user.channel, user.chat_id)


# --- Scheduled: unanswered tickets -----------------------------------------------------


async def repost_overdue(scope: Scope) -> None:
    """During working hours, re-post tickets unanswered for too long; tell the citizen once."""
    services = scope.services
    if not services.hours.is_open(scope.now):
        return
    for ticket in await services.tickets.open_tickets(scope.conn):
        since = ticket.reposted_at or ticket.created_at
        if services.hours.elapsed(since, scope.now) < services.repost_after:
            continue
        citizen = await services.users.get(scope.conn, ticket.user_id)
        assert citizen is not None
        scope.to_staff(
            card_text(scope, ticket, citizen, overdue=True),
            card_buttons(ticket),
            ref=ticket_ref(ticket.id),
        )
        first_time = ticket.reminded_at is None
        if first_time:
            scope.send(
                Address(citizen.channel, citizen.chat_id),
                texts.NOT_FORGOTTEN.format(number=ticket.id),
                [[HOME]],
            )
        await services.tickets.mark_reposted(scope.conn, ticket.id, scope.now, reminded=first_time)


async def on_delivery_failed(scope: Scope, ref: str, error: str) -> None:
    """An answer could not reach the citizen even after retries: the card says so."""
    ticket_id = int(ref.split(":")[1])
    await scope.services.tickets.delivery_failed(scope.conn, ticket_id, error)
    await refresh_card(scope, ticket_id, None)


# --- Helpers ---------------------------------------------------------------------------


def _name(user: User) -> str:
    return user.display_name or "мешканець"


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHORT_QUESTION else flat[: SHORT_QUESTION - 1] + "…"


def _local(scope: Scope, moment: datetime) -> str:
    return moment.astimezone(scope.services.timezone).strftime("%d.%m %H:%M")


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} хв"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} год {minutes % 60} хв"
    return f"{hours // 24} дн {hours % 24} год"


def register(router: Router) -> None:
    router.payloads["ask"] = on_ask
    router.payloads["tk"] = on_ticket_button
    router.steps[ASK_QUESTION] = on_question
    router.steps[FOLLOW_UP] = on_follow_up
    router.staff_payloads["tk"] = on_staff_button
    router.staff_replies["ticket"] = on_staff_reply
    router.staff_commands["queue"] = on_queue
    router.commands["queue"] = on_queue_command
    router.failures["answer"] = on_delivery_failed
    router.jobs.append(Job("repost-overdue-tickets", repost_overdue, {"minute": "*/15"}))
