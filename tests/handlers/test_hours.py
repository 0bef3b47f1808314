from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.hours import WorkingHours

KYIV = ZoneInfo("Europe/Kyiv")
HOURS = WorkingHours.parse("mon-sat 09:00-18:00", KYIV)


def kyiv(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=KYIV)


def test_open_on_working_days_and_hours_in_kyiv_time() -> None:
    assert HOURS.is_open(kyiv(26, 9))  # Thursday 9:00
    assert not HOURS.is_open(kyiv(26, 18))  # closing time
    assert not HOURS.is_open(kyiv(29, 12))  # Sunday
    assert HOURS.is_open(datetime(2026, 11, 28, 7, 30, tzinfo=UTC))  # Saturday 9:30 in Kyiv


def test_elapsed_counts_only_working_time() -> None:
    assert HOURS.elapsed(kyiv(26, 17), kyiv(27, 10)) == timedelta(hours=2)
    assert HOURS.elapsed(kyiv(28, 17), kyiv(30, 9, 30)) == timedelta(hours=1, minutes=30)
    assert HOURS.elapsed(kyiv(29, 10), kyiv(29, 15)) == timedelta()


@pytest.mark.parametrize(
    "spec", ["daily", "sun-mon 09:00-18:00", "mon-fri 18:00-09:00", "mon 9-18"]
)
def test_unreadable_hours_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        WorkingHours.parse(spec, KYIV)
