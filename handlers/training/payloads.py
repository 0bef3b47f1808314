"""Training's buttons. Residents: the catalogue, the booking dialog, their bookings, answers
to reminders and offers (`tr…`); librarians: the session dialog, cancelling, attendance
(`trs…`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.dialog import DialogButtons, NavAction
from handlers.payloads import Payload


@dataclass(frozen=True)
class TrainingPress(Payload, prefix="tr"):
    """The section's own screens, and the booking dialog's navigation."""

    action: Literal[
        "courses", "mine", "back", "cancel", "stay", "skip", "done", "nofiles", "edit", "send"
    ]


@dataclass(frozen=True)
class CoursePress(Payload, prefix="tr:c"):
    course: int


@dataclass(frozen=True)
class SessionPress(Payload, prefix="tr:s"):
    session: int


@dataclass(frozen=True)
class BookPress(Payload, prefix="tr:b"):
    """«Записатися» (or «Стати в чергу») for a session."""

    session: int


@dataclass(frozen=True)
class Consent(Payload, prefix="tr:consent"):
    answer: Literal["yes", "no"]


@dataclass(frozen=True)
class Pick(Payload, prefix="tr:p"):
    step: str
    key: str


@dataclass(frozen=True)
class EditField(Payload, prefix="tr:f"):
    step: str


@dataclass(frozen=True)
class CancelBooking(Payload, prefix="tr:x"):
    """«Скасувати» under «Мої записи»; `confirm` once asked whether for sure."""

    booking: int
    confirm: Literal["yes"] | None = None


@dataclass(frozen=True)
class ReminderAnswer(Payload, prefix="tr:r"):
    """«Буду» / «Не зможу» under a reminder."""

    booking: int
    answer: Literal["come", "cannot"]


@dataclass(frozen=True)
class OfferAnswer(Payload, prefix="tr:o"):
    """A freed seat offered to the first in line: take it or let it pass on."""

    booking: int
    answer: Literal["take", "pass"]


# --- Librarians -------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffNav(Payload, prefix="trs"):
    action: NavAction


@dataclass(frozen=True)
class StaffPick(Payload, prefix="trs:p"):
    step: str
    key: str


@dataclass(frozen=True)
class StaffField(Payload, prefix="trs:f"):
    step: str


@dataclass(frozen=True)
class CancelSession(Payload, prefix="trs:x"):
    session: int


@dataclass(frozen=True)
class Attended(Payload, prefix="trs:a"):
    """One tap: this person came (again: the mark is taken back)."""

    booking: int


def _nav(action: NavAction, _arg: str | None) -> Payload:
    return TrainingPress(action)


def _staff_nav(action: NavAction, _arg: str | None) -> Payload:
    return StaffNav(action)


DIALOG_BUTTONS = DialogButtons(nav=_nav, pick=Pick, field=EditField)
STAFF_DIALOG_BUTTONS = DialogButtons(nav=_staff_nav, pick=StaffPick, field=StaffField)
