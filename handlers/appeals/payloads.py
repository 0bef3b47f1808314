"""The appeals' buttons. Residents: the dialog (`ap…`); librarians: the card (`aps…`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.dialog import DialogButtons, NavAction
from handlers.payloads import Payload

# What the entry screen and the dialog's own navigation send.
Action = Literal[
    "new",
    "continue",
    "restart",
    "mine",
    "back",
    "cancel",
    "stay",
    "skip",
    "done",
    "nofiles",
    "edit",
    "send",
]


@dataclass(frozen=True)
class AppealPress(Payload, prefix="ap"):
    action: Action
    confirm: Literal["yes"] | None = None  # «cancel: yes» deletes the draft


@dataclass(frozen=True)
class Consent(Payload, prefix="ap:consent"):
    answer: Literal["yes", "no"]


@dataclass(frozen=True)
class Pick(Payload, prefix="ap:pick"):
    step: str
    key: str


@dataclass(frozen=True)
class EditField(Payload, prefix="ap:field"):
    step: str


@dataclass(frozen=True)
class Fix(Payload, prefix="ap:fix"):
    """Correct a returned appeal and send it again under its number."""

    appeal: int


StaffAction = Literal[
    "check", "transfer", "short", "answer", "extend", "return", "forward", "reject", "close"
]


@dataclass(frozen=True)
class StaffPress(Payload, prefix="aps"):
    action: StaffAction
    appeal: int


@dataclass(frozen=True)
class Outcome(Payload, prefix="aps:outcome"):
    """After «answer given»: which outcome, then the answer's text is asked for."""

    appeal: int
    outcome: str


# What `/appeals STATUS` lists; the resident's draft is never one of them.
ListedStatus = Literal[
    "submitted",
    "checking",
    "transferred",
    "answered",
    "closed",
    "returned",
    "forwarded",
    "extended",
    "rejected",
]


@dataclass(frozen=True)
class AppealsPage(Payload, prefix="aps:page"):
    """◀️ ▶️ under /appeals: that page of the same list (no status: the open ones)."""

    page: int
    status: ListedStatus | None = None


def _nav(action: NavAction, arg: str | None) -> Payload:
    return AppealPress(action, "yes" if arg == "yes" else None)


DIALOG_BUTTONS = DialogButtons(nav=_nav, pick=Pick, field=EditField)
