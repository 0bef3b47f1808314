"""Local days and how they are written: every date a person sees goes through here."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Local midnight of `day`, in UTC."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def fmt_day(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


def fmt_stamp(moment: datetime | None, tz: ZoneInfo) -> str:
    """`27.11.2026 14:05`, local time; empty when there is no moment."""
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M") if moment else ""
