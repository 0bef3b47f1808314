"""The librarians' workflow of an appeal, as a table.

Each action declares the statuses it may be taken from, the status it leads to, what it
asks the librarian for (nothing, a reason, the council's registration, or an outcome and
the answer), how that input changes the appeal, and what the author is told.
`staff.carry_out` performs any of them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo

from handlers import texts
from handlers.appeals.payloads import StaffAction
from handlers.appeals.rules import due_date, term_start
from handlers.dates import fmt_day
from handlers.messages import Attachment
from storage.appeals import Appeal

# What an action needs from the librarian before it can be carried out.
Asks = Literal["nothing", "reason", "council", "answer"]


@dataclass(frozen=True)
class Given:
    """What the librarian supplied: a reply's text and files, a chosen outcome, the
    council's number and date."""

    text: str = ""
    files: tuple[Attachment, ...] = ()
    outcome: str | None = None
    council: tuple[str, date] | None = None


@dataclass(frozen=True)
class Change:
    fields: Mapping[str, object] = field(default_factory=dict)
    note: str | None = None  # for the history: plain text, as kept in the database
    notice: Mapping[str, str] = field(default_factory=dict)  # the notice's placeholders


def _nothing(_appeal: Appeal, _given: Given, _tz: ZoneInfo) -> Change:
    return Change()


def _reason(appeal: Appeal, given: Given, tz: ZoneInfo) -> Change:
    return Change(note=given.text, notice={"reason": given.text})


def _transfer(appeal: Appeal, given: Given, tz: ZoneInfo) -> Change:
    assert given.council is not None
    number, day = given.council
    return Change(
        fields={"council_number": number, "council_date": day},
        note=texts.plain(
            texts.APPEAL_COUNCIL_NOTE, council_number=number, council_date=fmt_day(day)
        ),
        notice={
            "council_number": number,
            "council_date": fmt_day(day),
            "due": fmt_day(appeal.due_date),
        },
    )


def _short(appeal: Appeal, given: Given, tz: ZoneInfo) -> Change:
    due = due_date(term_start(appeal, tz), short_term=True)
    return Change(
        fields={"short_term": True, "due_date": due},
        note=texts.plain(texts.APPEAL_SHORT_NOTE, due=fmt_day(due)),
        notice={"due": fmt_day(due)},
    )


def _extend(appeal: Appeal, given: Given, tz: ZoneInfo) -> Change:
    due = due_date(term_start(appeal, tz), extended=True)
    return Change(
        fields={"due_date": due},
        note=given.text,
        notice={"due": fmt_day(due), "reason": given.text},
    )


def _forward(appeal: Appeal, given: Given, tz: ZoneInfo) -> Change:
    return Change(fields={"forwarded_to": given.text}, note=given.text, notice={"body": given.text})


def _answer(appeal: Appeal, given: Given, tz: ZoneInfo) -> Change:
    outcome = given.outcome or "explained"
    label = texts.APPEAL_OUTCOMES.get(outcome, outcome)
    return Change(
        fields={"outcome": outcome, "answer": given.text, "answer_files": given.files},
        note=label,
        notice={"outcome": label, "answer": given.text},
    )


@dataclass(frozen=True)
class Action:
    label: str
    allowed_from: tuple[str, ...]
    status: str | None  # the status it leads to; None: the status stays
    asks: Asks = "nothing"
    prompt: str | None = None  # asks the librarian, answered by a reply to it
    change: Callable[[Appeal, Given, ZoneInfo], Change] = _nothing
    notice: str | None = None  # for the author; {number} and the change's placeholders
    offer_fix: bool = False  # the notice carries «correct and send again»
    staff_note: str = texts.STAFF_APPEAL_CHANGED  # posted under the card afterwards


ACTIONS: dict[StaffAction, Action] = {
    "check": Action(
        texts.BTN_STAFF_CHECK,
        ("submitted",),
        "checking",
        notice=texts.APPEAL_NOTICE_CHECKING,
    ),
    "transfer": Action(
        texts.BTN_STAFF_TRANSFER,
        ("submitted", "checking"),
        "transferred",
        asks="council",
        prompt=texts.STAFF_PROMPT_COUNCIL,
        change=_transfer,
        notice=texts.APPEAL_NOTICE_TRANSFERRED,
    ),
    "short": Action(
        texts.BTN_STAFF_SHORT,
        ("submitted", "checking", "transferred"),
        None,
        change=_short,
        staff_note=texts.STAFF_APPEAL_SHORT_SET,
    ),
    "answer": Action(
        texts.BTN_STAFF_ANSWER,
        ("transferred", "extended"),
        "answered",
        asks="answer",
        prompt=texts.STAFF_PROMPT_ANSWER,
        change=_answer,
        notice=texts.APPEAL_NOTICE_ANSWERED,
    ),
    "extend": Action(
        texts.BTN_STAFF_EXTEND,
        ("transferred",),
        "extended",
        asks="reason",
        prompt=texts.STAFF_PROMPT_EXTEND,
        change=_extend,
        notice=texts.APPEAL_NOTICE_EXTENDED,
    ),
    "return": Action(
        texts.BTN_STAFF_RETURN,
        ("submitted", "checking"),
        "returned",
        asks="reason",
        prompt=texts.STAFF_PROMPT_RETURN,
        change=_reason,
        notice=texts.APPEAL_NOTICE_RETURNED,
        offer_fix=True,
    ),
    "forward": Action(
        texts.BTN_STAFF_FORWARD,
        ("submitted", "checking"),
        "forwarded",
        asks="reason",
        prompt=texts.STAFF_PROMPT_FORWARD,
        change=_forward,
        notice=texts.APPEAL_NOTICE_FORWARDED,
    ),
    "reject": Action(
        texts.BTN_STAFF_REJECT,
        ("submitted", "checking"),
        "rejected",
        asks="reason",
        prompt=texts.STAFF_PROMPT_REJECT,
        change=_reason,
        notice=texts.APPEAL_NOTICE_REJECTED,
    ),
    "close": Action(
        texts.BTN_STAFF_CLOSE,
        ("answered", "forwarded", "rejected"),
        "closed",
        notice=texts.APPEAL_NOTICE_CLOSED,
    ),
}


def available(appeal: Appeal) -> list[StaffAction]:
    found = [name for name, a in ACTIONS.items() if appeal.status in a.allowed_from]
    if appeal.short_term and "short" in found:
        found.remove("short")
    return found


_COUNCIL_DATE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")


def parse_council(text: str) -> tuple[str, date] | None:
    """`1234/02-15 від 27.11.2026` → ("1234/02-15", date(2026, 11, 27))."""
    match = _COUNCIL_DATE.search(text)
    if match is None:
        return None
    try:
        day = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    rest = (text[: match.start()] + " " + text[match.end() :]).replace("№", " ")
    rest = re.sub(r"\bвід\b|\bот\b", " ", rest, flags=re.IGNORECASE)
    number = " ".join(rest.split()).strip(" ,;:-")
    return (number, day) if number else None
