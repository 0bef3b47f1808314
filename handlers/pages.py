"""Long lists for librarians, one page a message: which page, and its ◀️ ▶️ buttons.

A list of thousands sent whole is hundreds of messages that bury the staff chat and hold
the database while they are queued; a page is one short message, and pressing ◀️ ▶️
replaces it in place. A page number past the end (the list shrank since the buttons were
sent) shows the last page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers import texts
from handlers.context import Context
from handlers.messages import Button
from handlers.payloads import Payload

PAGE_SIZE = 10


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, within 1 … count
    count: int  # pages in the list; 1 for an empty list
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_of(requested: int, total: int, size: int = PAGE_SIZE) -> Page:
    """The page to show for `requested` in a list of `total` items."""
    count = max(1, -(-total // size))
    return Page(min(max(requested, 1), count), count, size)


def title(heading: str, page: Page) -> str:
    """«Відкриті запитання: 47 · сторінка 2 з 5»; a one-page list needs no page number."""
    if page.count == 1:
        return heading
    return heading + texts.PAGE_OF.format(page=page.number, pages=page.count)


def nav_buttons(page: Page, press: Callable[[int], Payload]) -> list[list[Button]]:
    """◀️ where there is a page before, ▶️ where there is one after; `press(n)` is the
    payload that shows page n."""
    row = []
    if page.number > 1:
        row.append(Button(texts.BTN_PAGE_PREV, press(page.number - 1).pack()))
    if page.number < page.count:
        row.append(Button(texts.BTN_PAGE_NEXT, press(page.number + 1).pack()))
    return [row] if row else []


def show(ctx: Context, text: str, buttons: list[list[Button]], *, in_place: bool) -> None:
    """A page pressed in the staff chat replaces the message it was pressed on, as a card's
    buttons do; a command, or a press whose message the channel did not name, sends anew."""
    event = ctx.event
    if in_place and event.from_staff_chat and event.message_id is not None:
        ctx.edit_staff(event.message_id, text, buttons)
    elif event.from_staff_chat:
        ctx.to_staff(text, buttons)
    else:
        ctx.say(text, buttons)
