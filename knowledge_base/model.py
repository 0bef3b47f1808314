"""The article as the rest of the bot sees it, and a load problem as librarians see it."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    category: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    links: tuple[Link, ...]
    updated: datetime.date | None
    body: str
    path: Path
    # `offers: training` in the front matter: the article shows the button that opens the
    # bot's course booking (the one action an article may offer so far).
    offers_training: bool = False

    @property
    def short_answer(self) -> str:
        """The first paragraph: two or three sentences that answer the question."""
        return _PARAGRAPH_BREAK.split(self.body, maxsplit=1)[0].strip()

    @property
    def details(self) -> str:
        """Everything after the short answer (empty for a one-paragraph article)."""
        parts = _PARAGRAPH_BREAK.split(self.body, maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""


@dataclass(frozen=True)
class LoadError:
    """One broken rule in one file; the reason is Ukrainian because librarians read it."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"
