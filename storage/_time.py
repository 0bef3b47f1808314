"""Timestamps are stored as ISO-8601 UTC text, which sorts chronologically."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
