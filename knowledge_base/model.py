"""The article as the rest of the bot sees it, and a load problem as librarians see it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path


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


@dataclass(frozen=True)
class LoadError:
    """One broken rule in one file; the reason is Ukrainian because librarians read it."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"
