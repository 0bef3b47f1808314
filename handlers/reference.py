"""Reference answers: free text is a question for the knowledge base; "Довідка" browses it.

Decision table for a question (the engine decides, thresholds are data):
  answer  → the article, its links as buttons, then "Чи допомогла відповідь?" Так / Ні
  suggest → up to three titles as buttons, plus "Немає потрібного — запитати бібліотекаря"
  none    → say so, offer the librarian
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from handlers import smalltalk, texts
from handlers.context import Context, Router
from handlers.menu import HOME
from handlers.messages import Button
from handlers.queue import relay_follow_up
from knowledge_base.model import Article, LoadError
from knowledge_base.search import SUGGESTIONS

# An article longer than this is sent as its short answer (the first paragraph)
# with a «Детальніше» button: a phone screen or two, not five.
LONG_ARTICLE = 900
# After a librarian's answer, this long a typed message may still be a follow-up to it.
FOLLOW_UP_WINDOW = timedelta(hours=24)
IS_FOLLOW_UP = "kb.is_follow_up"


# From an article read without a question (browsing, details): the menu's way to a human.
ASK_LIBRARIAN = Button(texts.BTN_LIBRARIAN, "ask")


def _ask(ctx: Context) -> list[list[Button]]:
    return [[ASK_LIBRARIAN]] if ctx.services.librarians else []


def hand_over(query_id: int, label: str = texts.BTN_HAND_OVER) -> Button:
    """Pass the recorded question to a librarian (handled by the queue)."""
    return Button(label, f"ask:q:{query_id}")


async def on_question(ctx: Context) -> None:
    question = (ctx.event.text or "").strip()
    small_talk = smalltalk.kind_of(question)
    if small_talk is not None:  # «привіт», «дякую»: not a question to search or hand over
        smalltalk.reply(ctx, small_talk)
        return
    if ctx.services.librarians and await _offer_follow_up(ctx, question):
        return
    await answer(ctx, question)


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
            [Button(texts.BTN_FOLLOW_UP_YES, "kb:fu:y")],
            [Button(texts.BTN_FOLLOW_UP_NO, "kb:fu:n")],
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
    result = await ctx.services.kb.search(question)
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
            [Button(c.article.title, f"kb:a:{c.article.id}:{query_id}")]
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


def show_article(ctx: Context, article: Article, query_id: int | None) -> None:
    """The article — a long one as its short answer and «Детальніше» — with its links;
    after an answer to a question, also ask whether it helped.

    «Детальніше» goes on the last message: Viber shows only the last message's keyboard.
    """
    links = [[Button(link.title, url=link.url)] for link in article.links]
    body, more = article.body, []
    if len(body) > LONG_ARTICLE and article.details:
        body, more = article.short_answer, [[Button(texts.BTN_MORE, f"kb:m:{article.id}")]]
    text = texts.KB_ARTICLE.format(title=article.title, body=body)
    if query_id is None:  # browsing: no question to judge the answer against
        ctx.say(text, [*more, *links, *_ask(ctx), [Button(texts.BTN_TOPICS, "kb")], [HOME]])
        return
    ctx.say(text, links)
    ctx.say(
        texts.KB_FEEDBACK,
        [
            *more,
            [
                Button(texts.BTN_YES, f"kb:fb:{query_id}:y"),
                Button(texts.BTN_NO, f"kb:fb:{query_id}:n"),
            ],
            [HOME],
        ],
    )


async def on_button(ctx: Context) -> None:
    """`kb` topics · `kb:c:N` a topic · `kb:a:ID[:QUERY]` an article · `kb:m:ID` the rest
    of a long article · `kb:fb:QUERY:y|n` feedback."""
    parts = (ctx.event.payload or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    if action == "c" and len(parts) == 3 and parts[2].isdigit():
        show_category(ctx, int(parts[2]))
    elif action == "a" and len(parts) >= 3:
        await open_article(ctx, parts[2], parts[3] if len(parts) > 3 else None)
    elif action == "m" and len(parts) == 3:
        show_details(ctx, parts[2])
    elif action == "fu" and len(parts) == 3:
        await _follow_up_choice(ctx, follow_up=parts[2] == "y")
    elif action == "fb" and len(parts) == 4 and parts[2].isdigit():
        await on_feedback(ctx, int(parts[2]), helpful=parts[3] == "y")
    else:
        show_topics(ctx)


def show_topics(ctx: Context) -> None:
    ctx.finish()
    categories = list(ctx.services.kb.base.categories())
    if not categories:
        ctx.say(texts.KB_EMPTY, [[HOME]])
        return
    buttons = [[Button(name, f"kb:c:{index}")] for index, name in enumerate(categories)]
    ctx.say(texts.KB_BROWSE, [*buttons, [HOME]])


def show_category(ctx: Context, index: int) -> None:
    categories = list(ctx.services.kb.base.categories().items())
    if index >= len(categories):
        show_topics(ctx)  # the base was reloaded since the button was sent
        return
    name, articles = categories[index]
    buttons = [[Button(a.title, f"kb:a:{a.id}")] for a in articles]
    ctx.say(
        texts.KB_CATEGORY.format(category=name),
        [*buttons, [Button(texts.BTN_TOPICS, "kb")], [HOME]],
    )


async def open_article(ctx: Context, article_id: str, query: str | None) -> None:
    article = ctx.services.kb.base.get(article_id)
    if article is None:
        ctx.say(texts.KB_ARTICLE_GONE, [[HOME]])
        return
    query_id = int(query) if query and query.isdigit() else None
    if query_id is not None:
        recorded = await ctx.services.kb_queries.get(ctx.conn, query_id)
        if recorded is None or recorded.user_id != ctx.user.id:
            query_id = None  # not this person's question: browse without feedback
        else:
            await ctx.services.kb_queries.choose(ctx.conn, query_id, article_id)
    show_article(ctx, article, query_id)


def show_details(ctx: Context, article_id: str) -> None:
    article = ctx.services.kb.base.get(article_id)
    if article is None or not article.details:
        ctx.say(texts.KB_ARTICLE_GONE, [[HOME]])
        return
    links = [[Button(link.title, url=link.url)] for link in article.links]
    text = texts.KB_ARTICLE_DETAILS.format(title=article.title, body=article.details)
    ctx.say(text, [*links, *_ask(ctx), [Button(texts.BTN_TOPICS, "kb")], [HOME]])


async def on_feedback(ctx: Context, query_id: int, *, helpful: bool) -> None:
    recorded = await ctx.services.kb_queries.get(ctx.conn, query_id)
    if recorded is None or recorded.user_id != ctx.user.id:
        show_topics(ctx)
        return
    await ctx.services.kb_queries.feedback(ctx.conn, query_id, helpful, ctx.now)
    if helpful:
        ctx.say(texts.KB_THANKS, [[HOME]])
    elif ctx.services.librarians:
        ctx.say(texts.KB_NOT_HELPFUL, [[hand_over(query_id)], [HOME]])
    else:
        ctx.say(texts.KB_NOT_HELPFUL_NO_LIBRARIANS, [[HOME]])


async def on_reload(ctx: Context) -> None:
    errors = await ctx.services.kb.reload()
    ctx.to_staff(texts.KB_RELOADED.format(count=len(ctx.services.kb.base.articles)))
    if errors:
        ctx.to_staff(skipped_report(errors))


def skipped_report(errors: Sequence[LoadError]) -> str:
    lines = "\n".join(f"- {error}" for error in errors[:20])
    more = f"\n… і ще {len(errors) - 20}" if len(errors) > 20 else ""
    return texts.KB_SKIPPED.format(count=len(errors), errors=lines + more)


def register(router: Router) -> None:
    router.payloads["kb"] = on_button
    router.steps[IS_FOLLOW_UP] = on_is_follow_up
    router.fallback = on_question
    router.staff_commands["reload_kb"] = on_reload
