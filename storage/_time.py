"""Timestamps are stored as ISO-8601 UTC text, which sorts chronologically."""

from __future__ import annotations

from datetime import UTC, datetime

# Written as "2026-11-30T04:08:44.123456Z". isoformat/fromisoformat rather than
# strftime/strptime: the same text, several times faster, and every row read or written
# converts a few of these.


def to_db(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
