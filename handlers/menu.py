"""/start, the main menu, help, contacts, /cancel — the ways back home from anywhere."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context, Router
from handlers.messages import Button

# Menu entries whose feature is not built yet answer NOT_READY; each feature takes its
# payload over by registering it in the router after this module.
MENU_ENTRIES = (
    (texts.BTN_REFERENCE, "kb"),
    (texts.BTN_APPEAL, "appeal"),
    (texts.BTN_TRAINING, "training"),
    (texts.BTN_LIBRARIAN, "ask"),
    (texts.BTN_CONTACTS, "contacts"),
)

HOME = Button(texts.BTN_MENU, "menu")


# Handled in the librarians' group: not offered when the bot runs without one.
NEED_LIBRARIANS = frozenset({"appeal", "ask"})


def menu_buttons(librarians: bool = True) -> list[list[Button]]:
    return [
        [Button(label, payload)]
        for label, payload in MENU_ENTRIES
        if librarians or payload not in NEED_LIBRARIANS
    ]


def show_menu(ctx: Context, text: str = texts.MENU) -> None:
    ctx.finish()
    ctx.say(text, menu_buttons(librarians=ctx.services.librarians))


def without_librarians(ctx: Context) -> bool:
    """True, having told the person, when the bot runs without the librarians' group."""
    if ctx.services.librarians:
        return False
    show_menu(ctx, texts.NO_LIBRARIANS)
    return True


async def on_start(ctx: Context) -> None:
    show_menu(ctx, texts.GREETING)


async def on_menu(ctx: Context) -> None:
    show_menu(ctx)


async def on_help(ctx: Context) -> None:
    ctx.say(texts.HELP, [[HOME]])


async def on_cancel(ctx: Context) -> None:
    show_menu(ctx, texts.CANCELLED if ctx.step else texts.NOTHING_TO_CANCEL)


async def on_contacts(ctx: Context) -> None:
    ctx.say(texts.CONTACTS, [[HOME]])


async def on_not_ready(ctx: Context) -> None:
    ctx.say(texts.NOT_READY, [[HOME]])


async def on_free_text(ctx: Context) -> None:
    show_menu(ctx, texts.NOT_UNDERSTOOD)


async def on_staff_help(ctx: Context) -> None:
    ctx.say(texts.STAFF_HELP)


def register(router: Router) -> None:
    router.commands.update(start=on_start, menu=on_menu, help=on_help, cancel=on_cancel)
    router.payloads.update(menu=on_menu, contacts=on_contacts)
    for _label, payload in MENU_ENTRIES:
        router.payloads.setdefault(payload, on_not_ready)
    router.staff_commands.update(help=on_staff_help, start=on_staff_help)
    router.fallback = on_free_text
