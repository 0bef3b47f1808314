"""The knowledge base in the staff chat: /reload_kb, and the report of skipped files."""

from __future__ import annotations

from collections.abc import Sequence

from handlers import texts
from handlers.context import Context
from handlers.messages import Markdown, escape
from knowledge_base.model import LoadError


async def on_reload(ctx: Context) -> None:
    errors = await ctx.services.kb.reload()
    ctx.to_staff(texts.KB_RELOADED.format(count=len(ctx.services.kb.base.articles)))
    if errors:
        ctx.to_staff(skipped_report(errors))


def skipped_report(errors: Sequence[LoadError]) -> str:
    lines = "\n".join("- " + escape(str(error)) for error in errors[:20])
    if len(errors) > 20:
        lines += texts.KB_SKIPPED_MORE.format(count=len(errors) - 20)
    # A list we built, each error escaped: Markdown, placed as it is.
    return texts.KB_SKIPPED.format(count=len(errors), errors=Markdown(lines))
