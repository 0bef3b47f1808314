"""The knowledge base's buttons (the topics button itself is the menu's `OpenReference`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.payloads import Payload


@dataclass(frozen=True)
class Category(Payload, prefix="kb:c"):
    index: int  # in the base's list of categories (a reload may shift it: checked)


@dataclass(frozen=True)
class OpenArticle(Payload, prefix="kb:a"):
    article: str
    query: int | None = None  # the question it answers, for the feedback


@dataclass(frozen=True)
class Details(Payload, prefix="kb:m"):
    """The rest of a long article («Детальніше»)."""

    article: str
    query: int | None = None  # the question it answers: the details ask for feedback too


@dataclass(frozen=True)
class Feedback(Payload, prefix="kb:fb"):
    query: int
    helpful: Literal["y", "n"]


@dataclass(frozen=True)
class IsFollowUp(Payload, prefix="kb:fu"):
    """«Is this about your question to the librarian?» Так / Ні."""

    answer: Literal["y", "n"]
