"""«🔒 Мої дані» and /privacy: what is kept and why, «send my data», «erase my data»
(asked twice), and withdrawing a consent with one press."""

from __future__ import annotations

import json
from typing import Any

from handlers import texts
from handlers.context import Context
from handlers.dates import fmt_day, fmt_stamp, local_day
from handlers.menu import HOME, show_menu
from handlers.menu.payloads import OpenPrivacy
from handlers.messages import Attachment, Button, Markdown
from handlers.pages import nav_buttons, page_of
from handlers.privacy import data
from handlers.privacy.payloads import ExportPage, PrivacyPress, Withdraw
from handlers.privacy.rules import EXPORT_REF, archive_until
from handlers.routing import Router
from storage.appeals import Appeal

# The two questions before erasing: each press must come from the step before it.
ERASE_ASKED = "privacy.erase_asked"
ERASE_SURE = "privacy.erase_sure"
PAGE_CHARS = 3000  # a page of «my data»: well under a message's 4096 once rendered
WITHDRAW_LABELS = {
    "appeal": texts.BTN_PRIVACY_WITHDRAW_APPEAL,
    "question": texts.BTN_PRIVACY_WITHDRAW_QUESTION,
    "booking": texts.BTN_PRIVACY_WITHDRAW_BOOKING,
}


async def on_privacy(ctx: Context, _press: OpenPrivacy | None = None) -> None:
    ctx.finish()
    privacy = ctx.services.privacy
    if privacy.controller and privacy.email:
        controller = texts.PRIVACY_CONTROLLER_EMAIL.format(
            controller=privacy.controller, email=privacy.email
        )
    elif privacy.controller or privacy.email:
        controller = texts.PRIVACY_CONTROLLER_NAMED.format(
            controller=privacy.controller or privacy.email
        )
    else:
        controller = texts.PRIVACY_CONTROLLER_UNSET.format()
    info = texts.PRIVACY_INFO.format(
        questions=privacy.questions_kept.days,
        tickets=privacy.tickets_kept.days,
        appeals=privacy.appeals_kept_years,
        controller=controller,
    )
    consents = await ctx.services.consents.active(ctx.conn, ctx.user.id)
    purposes = list(dict.fromkeys(c.purpose for c in consents))  # newest first, once each
    if consents:
        given = {c.purpose: c.given_at for c in reversed(consents)}  # the earliest in force
        items = [
            texts.PRIVACY_CONSENT_ITEM.format(
                purpose=texts.PRIVACY_PURPOSES.get(p, p),
                date=fmt_day(local_day(given[p], ctx.services.timezone)),
            )
            for p in purposes
        ]
        consented = "\n".join([texts.PRIVACY_CONSENTS, *items])
    else:
        consented = texts.PRIVACY_CONSENTS_NONE
    buttons = [
        [Button(texts.BTN_PRIVACY_EXPORT, PrivacyPress("export").pack())],
        [Button(texts.BTN_PRIVACY_ERASE, PrivacyPress("erase").pack())],
        *([Button(WITHDRAW_LABELS[p], Withdraw(p).pack())] for p in purposes),  # type: ignore[arg-type]
        [HOME],
    ]
    ctx.say(Markdown(f"{info}\n\n{consented}"), buttons)


async def on_press(ctx: Context, press: PrivacyPress) -> None:
    if press.action == "export":
        await _export(ctx, 1, with_file=True)
    elif press.action == "erase":
        ctx.goto(ERASE_ASKED)
        ctx.say(texts.PRIVACY_ERASE_ASK, _confirm_buttons(texts.BTN_PRIVACY_ERASE_YES, "sure"))
    elif press.action == "sure" and ctx.step == ERASE_ASKED:
        ctx.goto(ERASE_SURE)
        ctx.say(
            texts.PRIVACY_ERASE_SURE, _confirm_buttons(texts.BTN_PRIVACY_ERASE_FINAL, "confirm")
        )
    elif press.action == "confirm" and ctx.step == ERASE_SURE:
        await _erase(ctx)
    elif press.action == "keep":
        show_menu(ctx, texts.PRIVACY_ERASE_CANCELLED)
    else:
        # A «yes» from an old message, not right after the question before it: ask again
        # from the start rather than erase on a stray press.
        ctx.goto(ERASE_ASKED)
        ctx.say(texts.PRIVACY_ERASE_ASK, _confirm_buttons(texts.BTN_PRIVACY_ERASE_YES, "sure"))


async def on_step(ctx: Context) -> None:
    """Anything typed instead of answering «erase?» is a no."""
    show_menu(ctx, texts.PRIVACY_ERASE_CANCELLED)


async def on_page(ctx: Context, press: ExportPage) -> None:
    await _export(ctx, press.page, with_file=False)


async def on_withdraw(ctx: Context, press: Withdraw) -> None:
    services = ctx.services
    withdrawn = await services.consents.withdraw(ctx.conn, ctx.user.id, press.purpose, ctx.now)
    if not withdrawn:
        show_menu(ctx, texts.PRIVACY_WITHDRAWN_NONE)
        return
    if press.purpose == "appeal":
        # Drafts rest on consent alone; submitted appeals on the law (see rules.py).
        await services.appeals.delete_drafts_of(ctx.conn, ctx.user.id)
        if ctx.step and ctx.step.startswith("appeals."):
            ctx.finish()
        show_menu(ctx, texts.PRIVACY_WITHDRAWN_APPEAL)
    elif press.purpose == "question":
        ids = await services.tickets.ids_of_user(ctx.conn, ctx.user.id)
        await data.erase_tickets(ctx, ids, ctx.now)
        show_menu(ctx, texts.PRIVACY_WITHDRAWN_QUESTION)
    else:
        show_menu(ctx, texts.PRIVACY_WITHDRAWN_BOOKING)


def _confirm_buttons(yes: str, action: str) -> list[list[Button]]:
    return [
        [Button(yes, PrivacyPress(action).pack())],  # type: ignore[arg-type]
        [Button(texts.BTN_PRIVACY_ERASE_NO, PrivacyPress("keep").pack())],
    ]


async def _export(ctx: Context, number: int, *, with_file: bool) -> None:
    found = await data.collect(ctx, ctx.user)
    when = fmt_stamp(ctx.now, ctx.services.timezone)
    title = texts.PRIVACY_EXPORT_TITLE.format(when=when)
    lines = data.readable(ctx, found) or [texts.PRIVACY_EXPORT_NOTHING]
    pages = _paginate(lines)
    page = page_of(number, len(pages), size=1)
    body = Markdown(f"{title}\n\n{pages[page.number - 1]}")
    if page.count > 1:
        body = Markdown(
            texts.PRIVACY_EXPORT_PAGE.format(text=body, page=page.number, pages=page.count)
        )
    attachments: tuple[Attachment, ...] = ()
    if with_file:
        name = texts.plain(texts.PRIVACY_FILE_NAME)
        body = Markdown(f"{body}\n\n{texts.PRIVACY_EXPORT_FILE.format(file=name)}")
        content = _as_json(found, ctx)
        attachments = (Attachment.generated(content, name, "application/json"),)
    buttons = [*nav_buttons(page, ExportPage), [HOME]]
    ctx.say(body, buttons, attachments=attachments, ref=EXPORT_REF)


def _paginate(lines: list[str]) -> list[str]:
    """Whole lines, at most PAGE_CHARS a page (a longer line is a page of its own)."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if pages[-1] and size + len(line) + 1 > PAGE_CHARS:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line) + 1
    return ["\n".join(page).strip() for page in pages]


def _as_json(found: dict[str, Any], ctx: Context) -> bytes:
    document = {"exported_at": ctx.now.isoformat(), **found}
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


async def _erase(ctx: Context) -> None:
    erasure = await data.erase(ctx, ctx.user)
    parts = [texts.PRIVACY_ERASED]
    if erasure.kept:
        parts.append(texts.PRIVACY_ERASED_KEPT)
        parts.append("\n".join(_kept_line(ctx, appeal) for appeal in erasure.kept))
        parts.append(texts.PRIVACY_ERASED_THEN)
    else:
        parts.append(texts.PRIVACY_ERASED_NOTHING_KEPT)
    show_menu(ctx, Markdown("\n\n".join(parts)))


def _kept_line(ctx: Context, appeal: Appeal) -> str:
    tz = ctx.services.timezone
    years = ctx.services.privacy.appeals_kept_years
    registered = fmt_day(local_day(appeal.registered_at, tz)) if appeal.registered_at else "—"
    until = archive_until(appeal, years, tz)
    if until is None:
        return texts.PRIVACY_ERASED_KEPT_OPEN.format(
            number=appeal.number, date=registered, years=years
        )
    return texts.PRIVACY_ERASED_KEPT_UNTIL.format(
        number=appeal.number, date=registered, until=fmt_day(until)
    )


def register(router: Router) -> None:
    router.command("privacy", texts.CMD_PRIVACY)(on_privacy)
    router.button(OpenPrivacy)(on_privacy)
    router.button(PrivacyPress)(on_press)
    router.button(ExportPage)(on_page)
    router.button(Withdraw)(on_withdraw)
    router.step("privacy.*")(on_step)
