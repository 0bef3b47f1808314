"""Questions for a librarian: the citizen writes, the staff chat receives it."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context, Router
from handlers.menu import show_menu
from handlers.messages import Button

ASK_QUESTION = "ask.question"
CANCEL = Button(texts.BTN_CANCEL, "menu")


async def on_ask(ctx: Context) -> None:
    ctx.goto(ASK_QUESTION)
    ctx.say(texts.ASK_PROMPT, [[CANCEL]])


async def on_question(ctx: Context) -> None:
    text = (ctx.event.text or "").strip()
    if not text:
        ctx.say(texts.ASK_TEXT_ONLY, [[CANCEL]])
        return
    ctx.to_staff(texts.STAFF_QUESTION.format(name=ctx.user.display_name or "—", question=text))
    show_menu(ctx, texts.ASK_ACCEPTED)


def register(router: Router) -> None:
    router.payloads["ask"] = on_ask
    router.steps[ASK_QUESTION] = on_question
