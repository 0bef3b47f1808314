"""The booking as an iCalendar file (RFC 5545) the resident adds to their phone's calendar.

Written by hand: one event, a dozen lines; no library is worth a dependency for it. Times
are UTC (`…Z`), so no VTIMEZONE block is needed; the UID is the booking's, so a second copy
of the file updates the same entry instead of adding another.
"""

from __future__ import annotations

from datetime import UTC, datetime

from storage.attachments import Attachment

MIME = "text/calendar"
MAX_OCTETS = 75  # a content line's limit, without the CRLF (RFC 5545, 3.1)


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma escaped; a line break as `\\n` (3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Lines over 75 octets continue on the next with one leading space; a UTF-8 character
    is never split (3.1)."""
    out: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, MAX_OCTETS
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event(
    *,
    uid: str,
    title: str,
    starts: datetime,
    ends: datetime,
    location: str,
    description: str,
    stamp: datetime,
) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Pryimalnia//Training//UK",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_stamp(stamp)}",
        f"DTSTART:{_stamp(starts)}",
        f"DTEND:{_stamp(ends)}",
        f"SUMMARY:{escape(title)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode()


def attachment(data: bytes, name: str) -> Attachment:
    return Attachment.generated(data, name, MIME)
