"""Browsing the knowledge base: topics, a topic's articles, an article and its details."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.menu import HOME
from handlers.menu.payloads import AskLibrarian, OpenReference, OpenTraining
from handlers.messages import Button, Markdown
from handlers.reference.payloads import Category, Details, Feedback, OpenArticle
from knowledge_base.model import Article

# An article longer than this is sent as its short answer (the first paragraph)
# with a «Детальніше» button: a phone screen or two, not five.
LONG_ARTICLE = 900

# From an article read without a question (browsing, details): the menu's way to a human.
ASK_LIBRARIAN = Button(texts.BTN_LIBRARIAN, AskLibrarian().pack())
TOPICS = Button(texts.BTN_TOPICS, OpenReference().pack())


def _ask(ctx: Context) -> list[list[Button]]:
    return [[ASK_LIBRARIAN]] if ctx.services.librarians else []


def show_article(ctx: Context, article: Article, query_id: int | None) -> None:
    """The article — a long one as its short answer and «Детальніше» — with its links;
    after an answer to a question, it ends by asking whether it helped, in the same
    message: Viber shows only the last message's keyboard, so links on a message of
    their own would never be seen there.
    """
    links = [[Button(link.title, url=link.url)] for link in article.links]
    if article.offers_training:
        links.insert(0, [Button(texts.BTN_KB_BOOK_COURSE, OpenTraining().pack())])
    body, more = article.body, []
    if len(body) > LONG_ARTICLE and article.details:
        details = Details(article.id, query_id).pack()
        body, more = article.short_answer, [[Button(texts.BTN_MORE, details)]]
    # The body is the one Markdown the librarians write; a title is shown as written.
    if query_id is None:  # browsing: no question to judge the answer against
        text = texts.KB_ARTICLE.format(title=article.title, body=Markdown(body))
        ctx.say(text, [*more, *links, *_ask(ctx), [TOPICS], [HOME]])
        return
    text = texts.KB_ANSWER.format(title=article.title, body=Markdown(body))
    ctx.say(text, [*more, *links, _feedback(query_id), [HOME]])


def _feedback(query_id: int) -> list[Button]:
    return [
        Button(texts.BTN_YES, Feedback(query_id, "y").pack()),
        Button(texts.BTN_NO, Feedback(query_id, "n").pack()),
    ]


async def own_query(ctx: Context, query_id: int | None) -> int | None:
    """`query_id` if it is this person's recorded question, else None: a button that came
    from someone else's chat (a forwarded message) browses, without feedback."""
    if query_id is None:
        return None
    recorded = await ctx.services.kb_queries.get(ctx.conn, query_id)
    if recorded is None or recorded.user_id != ctx.user.id:
        return None
    return query_id


def show_topics(ctx: Context) -> None:
    ctx.finish()
    categories = list(ctx.services.kb.base.categories())
    if not categories:
        ctx.say(texts.KB_EMPTY, [[HOME]])
        return
    buttons = [[Button(name, Category(index).pack())] for index, name in enumerate(categories)]
    ctx.say(texts.KB_BROWSE, [*buttons, [HOME]])


def show_category(ctx: Context, index: int) -> None:
    categories = list(ctx.services.kb.base.categories().items())
    if index >= len(categories):
        show_topics(ctx)  # the base was reloaded since the button was sent
        return
    name, articles = categories[index]
    buttons = [[Button(a.title, OpenArticle(a.id).pack())] for a in articles]
    ctx.say(
        texts.KB_CATEGORY.format(category=name),
        [*buttons, [TOPICS], [HOME]],
    )


async def on_topics(ctx: Context, _press: OpenReference) -> None:
    show_topics(ctx)


async def on_category(ctx: Context, press: Category) -> None:
    show_category(ctx, press.index)


async def on_details(ctx: Context, press: Details) -> None:
    show_details(ctx, press.article, await own_query(ctx, press.query))


async def on_article(ctx: Context, press: OpenArticle) -> None:
    article_id = press.article
    article = ctx.services.kb.base.get(article_id)
    if article is None:
        ctx.say(texts.KB_ARTICLE_GONE, [[HOME]])
        return
    query_id = await own_query(ctx, press.query)
    if query_id is not None:
        await ctx.services.kb_queries.choose(ctx.conn, query_id, article_id)
    show_article(ctx, article, query_id)


def show_details(ctx: Context, article_id: str, query_id: int | None = None) -> None:
    """The rest of a long article. After an answer to a question it asks again whether
    the answer helped: on Viber its buttons replace the answer's, Так / Ні with them."""
    article = ctx.services.kb.base.get(article_id)
    if article is None or not article.details:
        ctx.say(texts.KB_ARTICLE_GONE, [[HOME]])
        return
    links = [[Button(link.title, url=link.url)] for link in article.links]
    body = Markdown(article.details)
    if query_id is None:
        text = texts.KB_ARTICLE_DETAILS.format(title=article.title, body=body)
        ctx.say(text, [*links, *_ask(ctx), [TOPICS], [HOME]])
        return
    text = texts.KB_ANSWER_DETAILS.format(title=article.title, body=body)
    ctx.say(text, [*links, _feedback(query_id), [HOME]])
