from __future__ import annotations

import random
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


def test_back_from_is_where_a_wait_of_so_many_working_hours_began() -> None:
    # Friday 10:30 less 2 working hours: Thursday 17:30; the evening and night do not count.
    assert HOURS.back_from(kyiv(27, 10, 30), timedelta(hours=2)) == kyiv(26, 17, 30)
    # Monday 9:30: half an hour on Monday, an hour and a half on Saturday; Sunday is off.
    assert HOURS.back_from(kyiv(30, 9, 30), timedelta(hours=2)) == kyiv(28, 16, 30)
    # On a Sunday the wait ended with Saturday's closing.
    assert HOURS.back_from(kyiv(29, 15), timedelta(hours=1)) == kyiv(28, 17)
    assert HOURS.back_from(kyiv(26, 12), timedelta()) == kyiv(26, 12)


def test_waiting_long_enough_is_exactly_being_asked_before_back_from() -> None:
    """What lets the database pick the overdue questions: the comparison with one moment
    says the same as counting the working time of each question."""
    rnd = random.Random(20261126)
    start = datetime(2026, 3, 1, tzinfo=UTC)  # a month with a daylight-saving change
    for _ in range(2000):
        until = start + timedelta(minutes=rnd.randrange(60 * 24 * 60))
        amount = timedelta(minutes=rnd.choice([1, 59, 120, 121, 540, 541, 1200, 4000]))
        cutoff = HOURS.back_from(until, amount)
        tiny = timedelta(microseconds=1)
        spread = timedelta(minutes=rnd.randrange(1, 6000))
        for since in (cutoff, cutoff - tiny, cutoff + tiny, cutoff - spread, cutoff + spread):
            if since <= until:
                assert (HOURS.elapsed(since, until) >= amount) == (since <= cutoff)


@pytest.mark.parametrize(
    "spec", ["daily", "sun-mon 09:00-18:00", "mon-fri 18:00-09:00", "mon 9-18"]
)
def test_unreadable_hours_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        WorkingHours.parse(spec, KYIV)
