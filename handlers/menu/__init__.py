"""/start, the main menu, help, contacts, /cancel — the ways back home from anywhere."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.menu.payloads import (
    AskLibrarian,
    Contacts,
    Home,
    OpenAppeals,
    OpenPrivacy,
    OpenReference,
    OpenTraining,
)
from handlers.messages import Button
from handlers.payloads import Payload
from handlers.routing import Router

# Each entry's feature registers its handler.
MENU_ENTRIES: tuple[tuple[str, Payload], ...] = (
    (texts.BTN_REFERENCE, OpenReference()),
    (texts.BTN_APPEAL, OpenAppeals()),
    (texts.BTN_TRAINING, OpenTraining()),
    (texts.BTN_LIBRARIAN, AskLibrarian()),
    (texts.BTN_CONTACTS, Contacts()),
    (texts.BTN_PRIVACY, OpenPrivacy()),
)

HOME = Button(texts.BTN_MENU, Home().pack())


# Handled in the librarians' group: not offered when the bot runs without one.
NEED_LIBRARIANS = (OpenAppeals, AskLibrarian)


def menu_buttons(librarians: bool = True) -> list[list[Button]]:
    return [
        [Button(label, payload.pack())]
        for label, payload in MENU_ENTRIES
        if librarians or not isinstance(payload, NEED_LIBRARIANS)
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


async def on_menu(ctx: Context, _press: object = None) -> None:
    show_menu(ctx)


async def on_help(ctx: Context) -> None:
    ctx.say(texts.HELP, [[HOME]])


async def on_cancel(ctx: Context) -> None:
    show_menu(ctx, texts.CANCELLED if ctx.step else texts.NOTHING_TO_CANCEL)


async def on_contacts(ctx: Context, _press: Contacts) -> None:
    ctx.say(texts.CONTACTS, [[HOME]])


async def on_staff_help(ctx: Context) -> None:
    ctx.say(texts.STAFF_HELP)


def register(router: Router) -> None:
    router.command("start", texts.CMD_START)(on_start)
    router.command("menu", texts.CMD_MENU)(on_menu)
    router.command("help", texts.CMD_HELP)(on_help)
    router.command("cancel", texts.CMD_CANCEL)(on_cancel)
    router.button(Home)(on_menu)
    router.button(Contacts)(on_contacts)
    router.staff_command("help", texts.CMD_STAFF_HELP)(on_staff_help)
    router.staff_command("start")(on_staff_help)


router = Router("menu")
register(router)
