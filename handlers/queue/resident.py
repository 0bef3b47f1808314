"""The librarians' queue, the resident's side: ask a librarian (from the menu, or hand over
a question the knowledge base could not answer), rate the answer, write a follow-up.
"""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.core import too_long
from handlers.menu import HOME, show_menu, smalltalk, without_librarians
from handlers.menu.payloads import AskLibrarian
from handlers.messages import Attachment, Button
from handlers.queue.cards import card_buttons, card_text, person_name, ticket_ref
from handlers.queue.payloads import HandOver, TicketPress
from handlers.routing import Router

ASK_QUESTION = "ask.question"
FOLLOW_UP = "ask.follow_up"
CANCEL = Button(texts.BTN_CANCEL, "menu")


# --- Citizen side ----------------------------------------------------------------------


async def on_ask(ctx: Context, _press: AskLibrarian) -> None:
    """The menu's «ask a librarian»: the question comes next."""
    if without_librarians(ctx):
        return
    ctx.goto(ASK_QUESTION)
    ctx.say(texts.ASK_PROMPT, [[CANCEL]])


async def on_question(ctx: Context) -> None:
    text = (ctx.event.text or "").strip()
    if _refused_as_too_long(ctx, text):
        return
    files = ctx.event.attachments
    if files:
        # A photo of a bill or a letter is often the question itself: it goes with the card.
        found = ctx.articles_for_librarian(text) if text else []
        await open_ticket(ctx, _with_files(text, files), "menu", found, None, files)
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
    await open_ticket(ctx, text, "menu", ctx.articles_for_librarian(text), None)


async def on_hand_over(ctx: Context, press: HandOver) -> None:
    """A question the knowledge base recorded, passed on as it was asked."""
    if without_librarians(ctx):
        return
    query_id = press.query
    query = await ctx.services.kb_queries.get(ctx.conn, query_id)
    if query is None or query.user_id != ctx.user.id:
        show_menu(ctx, texts.ASK_GONE)
        return
    source = {"none": "kb_none", "suggest": "kb_suggest"}.get(query.decision, "kb_not_helpful")
    candidates = [article_id for article_id, _score in query.candidates[:3]]
    await open_ticket(ctx, query.question, source, candidates, query_id)


def _refused_as_too_long(ctx: Context, text: str) -> bool:
    """Over the limit of any typed message: said so, the step kept for a shorter one;
    nothing is stored and nothing reaches the librarians."""
    refusal = too_long(text)
    if refusal is None:
        return False
    ctx.say(refusal, [[CANCEL]])
    return True


def _with_files(text: str, files: tuple[Attachment, ...]) -> str:
    """The question as the card and /queue show it, its files listed under it."""
    names = ", ".join(f.file_name or texts.FILE_KINDS.get(f.kind, f.kind) for f in files)
    listed = texts.plain(texts.CARD_FILES, files=names)  # kept in the ticket: plain text
    return f"{text}\n{listed}" if text else listed


async def open_ticket(
    ctx: Context,
    question: str,
    source: str,
    candidates: list[str],
    query_id: int | None,
    files: tuple[Attachment, ...] = (),
) -> None:
    consents = ctx.services.consents
    if not await consents.has_active(ctx.conn, ctx.user.id, "question"):
        # Sending the question after the notice (in the prompt) is the consent: recorded
        # with that notice's wording; withdrawn in «Мої дані».
        notice = texts.PRIVACY_QUESTION_NOTICE
        await consents.give(ctx.conn, ctx.user.id, "question", notice, ctx.now)
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


async def on_ticket_button(ctx: Context, press: TicketPress) -> None:
    """Rate an answer (up / down) or write a follow-up (more)."""
    ticket = await ctx.services.tickets.get(ctx.conn, press.ticket)
    if ticket is None or ticket.user_id != ctx.user.id:
        show_menu(ctx, texts.ASK_GONE)
        return
    action = press.action
    if action in ("up", "down"):
        await ctx.services.tickets.rate(ctx.conn, ticket.id, action)
        if action == "up":
            ctx.say(texts.RATE_THANKS, [[HOME]])
        else:
            ctx.say(
                texts.RATE_DOWN,
                [[Button(texts.BTN_FOLLOW_UP, TicketPress("more", ticket.id).pack())], [HOME]],
            )
        return
    if action != "more":
        show_menu(ctx, texts.UNKNOWN_BUTTON)
        return
    ctx.goto(FOLLOW_UP, ticket=ticket.id)
    ctx.say(texts.FOLLOW_UP_PROMPT.format(number=ticket.id), [[CANCEL]])


async def on_follow_up(ctx: Context) -> None:
    text = (ctx.event.text or "").strip()
    if _refused_as_too_long(ctx, text):
        return
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
        texts.FOLLOW_UP_TO_STAFF.format(number=ticket.id, name=person_name(ctx.user), text=shown),
        card_buttons(ticket),
        attachments=files,
        ref=f"{ticket_ref(ticket.id)}:follow-up",
    )
    show_menu(ctx, texts.FOLLOW_UP_ACCEPTED)


def register(router: Router) -> None:
    router.button(AskLibrarian)(on_ask)
    router.button(HandOver)(on_hand_over)
    router.button(TicketPress)(on_ticket_button)
    router.step(ASK_QUESTION)(on_question)
    router.step(FOLLOW_UP)(on_follow_up)
