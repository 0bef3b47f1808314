"""Reference answers: free text is a question for the knowledge base.

Decision table for a question (the engine decides, thresholds are data):
  answer  → the article ending in "Чи допомогла відповідь?", its links and Так / Ні as buttons
  suggest → up to three titles as buttons, plus "Немає потрібного — запитати бібліотекаря"
  none    → say so, offer the librarian
"""

from __future__ import annotations

from datetime import timedelta

from handlers import texts
from handlers.context import Context
from handlers.menu import HOME, smalltalk
from handlers.messages import Button
from handlers.queue.payloads import HandOver
from handlers.queue.resident import relay_follow_up
from handlers.reference.browse import own_query, show_article, show_topics
from handlers.reference.payloads import Feedback, IsFollowUp, OpenArticle
from knowledge_base.search import SUGGESTIONS

# After a librarian's answer, this long a typed message may still be a follow-up to it.
FOLLOW_UP_WINDOW = timedelta(hours=24)
IS_FOLLOW_UP = "kb.is_follow_up"


def hand_over(query_id: int, label: str = texts.BTN_HAND_OVER) -> Button:
    """Pass the recorded question to a librarian (handled by the queue)."""
    return Button(label, HandOver(query_id).pack())


async def on_question(ctx: Context) -> bool:
    """The last free-text fallback but one: every other typed message is a question."""
    question = (ctx.event.text or "").strip()
    small_talk = smalltalk.kind_of(question)
    if small_talk is not None:  # «привіт», «дякую»: not a question to search or hand over
        smalltalk.reply(ctx, small_talk)
        return True
    if ctx.services.librarians and await _offer_follow_up(ctx, question):
        return True
    await answer(ctx, question)
    return True


async def _offer_follow_up(ctx: Context, question: str) -> bool:
    """With a question of theirs open or just answered, a typed message may be about it:
    ask once instead of sending it to the search."""
    since = ctx.now - FOLLOW_UP_WINDOW
    ticket = await ctx.services.tickets.active_of_user(ctx.conn, ctx.user.id, since)
    if ticket is None:
        return False
    ctx.goto(IS_FOLLOW_UP, ticket=ticket.id, text=question)
    ctx.say(
        texts.ASK_IS_FOLLOW_UP.format(number=ticket.id),
        [
            [Button(texts.BTN_FOLLOW_UP_YES, IsFollowUp("y").pack())],
            [Button(texts.BTN_FOLLOW_UP_NO, IsFollowUp("n").pack())],
        ],
    )
    return True


async def on_is_follow_up(ctx: Context) -> None:
    """Typed instead of pressed: «так» / «ні»; anything else is a new message."""
    kind = smalltalk.kind_of(ctx.event.text or "")
    if kind in ("yes", "no"):
        await _follow_up_choice(ctx, follow_up=kind == "yes")
        return
    ctx.finish()
    await answer(ctx, (ctx.event.text or "").strip())


async def _follow_up_choice(ctx: Context, *, follow_up: bool) -> None:
    if ctx.step != IS_FOLLOW_UP:
        show_topics(ctx)  # a stale button
        return
    ticket_id, text = int(ctx.data.get("ticket", 0)), str(ctx.data.get("text", ""))
    ctx.finish()
    if follow_up:
        await relay_follow_up(ctx, ticket_id, text)
    else:
        await answer(ctx, text)


async def answer(ctx: Context, question: str) -> None:
    """Search the knowledge base and answer, suggest or offer a librarian."""
    result = await ctx.search(question)
    answer = result.candidates[0].article if result.decision == "answer" else None
    query_id = await ctx.services.kb_queries.add(
        ctx.conn,
        user_id=ctx.user.id,
        question=question,
        decision=result.decision,
        article_id=answer.id if answer else None,
        candidates=[(c.article.id, round(c.score, 4)) for c in result.candidates],
        now=ctx.now,
    )
    if answer is not None:
        show_article(ctx, answer, query_id)
    elif result.decision == "suggest":
        buttons = [
            [Button(c.article.title, OpenArticle(c.article.id, query_id).pack())]
            for c in result.candidates[:SUGGESTIONS]
        ]
        if ctx.services.librarians:
            buttons.append([hand_over(query_id, texts.BTN_NOT_LISTED)])
        buttons.append([HOME])
        ctx.say(texts.KB_SUGGEST, buttons)
    elif ctx.services.librarians:
        ctx.say(texts.KB_NONE, [[hand_over(query_id)], [HOME]])
    else:
        ctx.say(texts.KB_NONE_NO_LIBRARIANS, [[HOME]])


async def on_follow_up_choice(ctx: Context, press: IsFollowUp) -> None:
    await _follow_up_choice(ctx, follow_up=press.answer == "y")


async def on_feedback(ctx: Context, press: Feedback) -> None:
    query_id, helpful = await own_query(ctx, press.query), press.helpful == "y"
    if query_id is None:
        show_topics(ctx)
        return
    await ctx.services.kb_queries.feedback(ctx.conn, query_id, helpful, ctx.now)
    if helpful:
        ctx.say(texts.KB_THANKS, [[HOME]])
    elif ctx.services.librarians:
        ctx.say(texts.KB_NOT_HELPFUL, [[hand_over(query_id)], [HOME]])
    else:
        ctx.say(texts.KB_NOT_HELPFUL_NO_LIBRARIANS, [[HOME]])
