"""The rules of the law "On Citizens' Appeals" as the bot applies them: terms, numbering,
limits, statuses, and who an actor is in the history."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz

from handlers import texts
from handlers.context import Context
from handlers.dates import local_day
from storage.appeals import Appeal, format_number

# Art. 20: calendar days from registration.
TERM_DAYS = 30
SHORT_TERM_DAYS = 15  # "needs no further study"
EXTENDED_TERM_DAYS = 45
DEADLINE_WARNING_DAYS = 5
# The law gives 5 days to forward an appeal to the right body and 10 to return an
# incomplete one; appeals not passed on after this many days are listed each morning.
NOT_PASSED_ON_WARNING_DAYS = 3
DRAFT_LIFETIME = timedelta(days=7)

MIN_BODY = 30
MAX_BODY = 4000
MAX_FILES = 5
MAX_FILE_BYTES = 20 * 1024 * 1024  # what a Telegram bot may fetch; also plenty for a scan
DAILY_LIMIT = 3
REPEAT_WINDOW = timedelta(days=30)
REPEAT_SIMILARITY = 90  # rapidfuzz ratio, 0–100: "identical or nearly identical" (Art. 8)

REQUIRED = ("surname", "given_name", "patronymic", "address", "phone", "topic", "body")
# Statuses after which no term runs any more.
FINISHED = ("answered", "closed", "rejected", "forwarded")


def due_date(start: date, *, short_term: bool = False, extended: bool = False) -> date:
    if extended:
        return start + timedelta(days=EXTENDED_TERM_DAYS)
    return start + timedelta(days=SHORT_TERM_DAYS if short_term else TERM_DAYS)


def term_start(appeal: Appeal, tz: ZoneInfo) -> date:
    assert appeal.submitted_at is not None
    return local_day(appeal.submitted_at, tz)


_NUMBER = re.compile(r"[МMмm][РPрp]\s*-?\s*(\d{4})\s*-\s*(\d{1,6})")


def parse_number(text: str) -> str | None:
    """`мр-2026-123`, `MP-2026-000123` (Latin letters too) → `МР-2026-000123`."""
    match = _NUMBER.fullmatch(text.strip())
    return format_number(int(match.group(1)), int(match.group(2))) if match else None


def status_label(status: str) -> str:
    return texts.APPEAL_STATUSES.get(status, status)


def topic_label(topic: str | None) -> str:
    return texts.APPEAL_TOPICS.get(topic or "", "—")


def similar(a: str, b: str) -> bool:
    """Two appeal texts the same person sent are "the same appeal" (Art. 8)."""

    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())

    return fuzz.ratio(norm(a), norm(b)) >= REPEAT_SIMILARITY


def librarian(ctx: Context) -> str:
    """Who made a change: the name the messenger shows and the librarian's id there."""
    name = ctx.event.display_name or texts.LIBRARIAN_UNNAMED
    return f"{name} ({ctx.event.channel}:{ctx.event.user_id})"


def citizen_actor() -> str:
    return texts.APPEAL_ACTOR_CITIZEN


def is_stale_draft(appeal: Appeal, now: datetime) -> bool:
    return appeal.status == "draft" and appeal.updated_at < now - DRAFT_LIFETIME
