"""Small talk: greetings, thanks, «так»/«нет», «меню» — messages that are not questions.

A message is small talk only when all of it is (case, punctuation and emoji aside):
«привіт», «дякую!», «добрий день, дякую». «Привіт, як оплатити комуналку?» is a
question. The phrases are data, in `smalltalk.toml`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from handlers import texts
from handlers.context import Context
from handlers.menu import show_menu

Kind = Literal["greeting", "thanks", "goodbye", "yes", "no", "ok", "stop", "menu", "number"]
# When a message mixes kinds («ні, дякую»), the first of these that it has decides.
PRIORITY: tuple[Kind, ...] = ("thanks", "goodbye", "greeting", "stop", "menu", "no", "yes", "ok")
# Words that mean "let me out" inside a dialog (outside one they lead to the menu).
LEAVING: frozenset[Kind] = frozenset({"stop", "menu"})
# The label of the button a yes or no stands for, wherever such a button is on screen.
BUTTON_WORDS: dict[Kind, str] = {"yes": "так", "no": "ні"}
LONGEST_PHRASE = 4
_NOT_WORD = re.compile(r"[^\w' -]+")


def _load(path: Path) -> dict[str, Kind]:
    with path.open("rb") as file:
        data = tomllib.load(file)
    return {_bare(phrase): kind for kind in PRIORITY for phrase in data.get(kind, [])}


def _bare(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.casefold().replace("’", "'")).split())


PHRASES = _load(Path(__file__).with_name("smalltalk.toml"))


def kind_of(text: str) -> Kind | None:
    """What a message is, if it is small talk; None for anything else."""
    bare = _bare(text)
    if bare.isdigit() and len(bare) <= 2:
        return "number"  # a button's number typed where no button has it
    words = bare.split()
    found: set[Kind] = set()
    at = 0
    while at < len(words):
        for size in range(min(LONGEST_PHRASE, len(words) - at), 0, -1):
            kind = PHRASES.get(" ".join(words[at : at + size]))
            if kind is not None:
                found.add(kind)
                at += size
                break
        else:
            return None
    return next((kind for kind in PRIORITY if kind in found), None)


def wants_out(text: str | None) -> bool:
    """«меню», «стоп», «вихід», «выход»: the person wants to leave what they are in."""
    return bool(text) and kind_of(text or "") in LEAVING


def button_word(text: str) -> str | None:
    """«да» and «нет» press a «Так» or «Ні» button, as «так» and «ні» do."""
    kind = kind_of(text)
    return BUTTON_WORDS.get(kind) if kind is not None else None


REPLIES: dict[Kind, str] = {
    "greeting": texts.SMALLTALK_GREETING,
    "thanks": texts.SMALLTALK_THANKS,
    "goodbye": texts.SMALLTALK_GOODBYE,
    "menu": texts.MENU,
    "stop": texts.MENU,
}


def reply(ctx: Context, kind: Kind) -> None:
    """A short friendly answer and the menu: never a search, never a ticket."""
    show_menu(ctx, REPLIES.get(kind, texts.SMALLTALK_NOT_A_QUESTION))
