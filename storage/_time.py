"""Timestamps are stored as ISO-8601 UTC text, which sorts chronologically."""

from __future__ import annotations

from datetime import UTC, datetime

# Written as "2026-11-30T04:08:44.123456Z". isoformat/fromisoformat rather than
# strftime/strptime: the same text, several times faster, and every row read or written
# converts a few of these.


# An event writes its one `now` into many rows: the last moment converted is kept (with
# the moment itself, so its identity cannot pass to another object while kept).
_last: list[tuple[datetime | None, str]] = [(None, "")]


def to_db(moment: datetime) -> str:
    last = _last[0]
    if last[0] is moment:
        return last[1]
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    _last[0] = (moment, text)
    return text


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
