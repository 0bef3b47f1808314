"""The library's working hours: when answers can be promised "within the hour"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


@dataclass(frozen=True)
class WorkingHours:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time
    timezone: ZoneInfo

    @classmethod
    def parse(cls, spec: str, timezone: ZoneInfo) -> WorkingHours:
        """`mon-sat 09:00-18:00` → working hours; ValueError with a readable reason."""
        match = _SPEC.match(spec.lower())
        if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise ValueError("expected days and hours like 'mon-sat 09:00-18:00'")
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        if last < first:
            raise ValueError("the first day must come before the last (mon … sun)")
        try:
            start = time.fromisoformat(match["start"].zfill(5))
            end = time.fromisoformat(match["end"].zfill(5))
        except ValueError:
            raise ValueError("hours must be HH:MM between 00:00 and 23:59") from None
        if end <= start:
            raise ValueError("closing time must be after opening time")
        return cls(frozenset(range(first, last + 1)), start, end, timezone)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.timezone)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def elapsed(self, since: datetime, until: datetime) -> timedelta:
        """Working time between two moments: what "unanswered for 2 working hours" counts."""
        total = timedelta()
        day = since.astimezone(self.timezone).date()
        last_day = until.astimezone(self.timezone).date()
        while day <= last_day:
            if day.weekday() in self.days:
                opens = datetime.combine(day, self.start, self.timezone)
                closes = datetime.combine(day, self.end, self.timezone)
                begin, finish = max(opens, since), min(closes, until)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total

    def back_from(self, until: datetime, amount: timedelta) -> datetime:
        """The latest moment from which `amount` of working time has passed by `until`:
        `elapsed(since, until) >= amount` exactly when `since <= back_from(until, amount)`,
        so "waiting 2 working hours" becomes one comparison the database can make."""
        if amount <= timedelta():
            return until
        remaining = amount
        day = until.astimezone(self.timezone).date()
        # Bounded: an amount longer than ten years of working days has never passed.
        for _ in range(3660):
            if day.weekday() in self.days:
                opens = datetime.combine(day, self.start, self.timezone)
                finish = min(datetime.combine(day, self.end, self.timezone), until)
                if finish > opens:
                    # The same arithmetic as `elapsed`, so the two agree to the microsecond.
                    span = finish - opens
                    if span >= remaining:
                        return finish - remaining
                    remaining -= span
            day -= timedelta(days=1)
        return datetime.min.replace(tzinfo=UTC)
