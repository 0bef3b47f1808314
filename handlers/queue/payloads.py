"""The librarians' queue's buttons: handing a question over, and a ticket's actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.payloads import Payload

# Residents: rate the answer, write a follow-up. Librarians: the card's actions.
TicketAction = Literal["up", "down", "more", "take", "close", "closeok", "keep", "kb"]


@dataclass(frozen=True)
class HandOver(Payload, prefix="ask:q"):
    """Pass a question the knowledge base recorded to a librarian."""

    query: int


@dataclass(frozen=True)
class TicketPress(Payload, prefix="tk"):
    action: TicketAction
    ticket: int


@dataclass(frozen=True)
class QueuePage(Payload, prefix="tk:page"):
    """◀️ ▶️ under /queue: show that page in the same message."""

    page: int


@dataclass(frozen=True)
class OpenQueue(Payload, prefix="tk:queue"):
    """Under the overdue summary: /queue's first page, as a message of its own."""
