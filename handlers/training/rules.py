"""Training's rules: when reminders are due, how long an offered seat waits, how a session
is written for residents (with the Ukrainian weekday)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers import texts
from handlers.context import TrainingSettings
from handlers.dates import day_start, local_day
from storage.courses import Session

AGE_GROUPS = ("under35", "35to59", "60plus")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BATCH = 500  # reminders or offers a job handles in one transaction


def day_reminder_at(starts: datetime, tz: ZoneInfo, at: time) -> datetime:
    """The day before the session, at the reminder hour, local time → UTC."""
    day = local_day(starts, tz) - timedelta(days=1)
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def day_reminder_cutoff(now: datetime, tz: ZoneInfo, at: time) -> datetime:
    """Sessions starting before this have their day-before moment behind them: local
    midnight after tomorrow once today's reminder hour has come, else after today."""
    local = now.astimezone(tz)
    days = 2 if local.time() >= at else 1
    return day_start(local.date() + timedelta(days=days), tz)


def passed_reminders(
    session: Session, now: datetime, tz: ZoneInfo, settings: TrainingSettings
) -> tuple[bool, bool]:
    """(day-before, hours-before): whose moment has passed already for a booking made now —
    none is sent for them (the confirmation just said it all)."""
    soon = now >= session.starts_at - settings.hours_before
    day = soon or now >= day_reminder_at(session.starts_at, tz, settings.day_before_at)
    return day, soon


def offer_until(session: Session, now: datetime, settings: TrainingSettings) -> datetime:
    """A freed seat waits for its taker this long — never past the start."""
    return min(now + settings.confirm_within, session.starts_at)


def is_bookable(session: Session | None, now: datetime) -> bool:
    return session is not None and session.status == "open" and session.starts_at > now


def when(moment: datetime, tz: ZoneInfo) -> str:
    """`пʼятниця, 04.12.2026, 10:00`, local time."""
    local = moment.astimezone(tz)
    weekday = texts.TRAINING_WEEKDAYS[WEEKDAYS[local.weekday()]]
    return texts.plain(
        texts.TRAINING_WHEN,
        weekday=weekday,
        date=local.strftime("%d.%m.%Y"),
        time=local.strftime("%H:%M"),
    )


def short_when(moment: datetime, tz: ZoneInfo) -> str:
    """`пт 04.12, 10:00` for a button."""
    local = moment.astimezone(tz)
    weekday = texts.TRAINING_WEEKDAYS_SHORT[WEEKDAYS[local.weekday()]]
    return f"{weekday} {local:%d.%m}, {local:%H:%M}"


def seats(count: int) -> str:
    return texts.count(count, texts.TRAINING_SEATS)


def age_label(key: str | None) -> str:
    return texts.TRAINING_AGE_GROUPS.get(key or "", texts.TRAINING_AGE_NOT_GIVEN)
