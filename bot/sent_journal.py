"""The outbox's "sent" marks, written the instant the messenger confirms a message.

A mark in the database waits for the database (another transaction may hold it for
milliseconds); a process killed in that gap would send the message again after the restart.
So each confirmed message is first appended here — one `write` to a file opened for
appending, which the operating system keeps even if the process is killed the next moment —
and the outbox is brought up to date from this file when the bot starts. Everything in the
file is also written to the database right after; once nothing is being sent, the file is
emptied.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

KEEP_BYTES = 64 * 1024  # emptied at the next quiet moment once it grows past this


def journal_path(database: Path) -> Path:
    """Beside the database, named after it."""
    return database.with_name(database.name + ".sent")


@dataclass(frozen=True)
class Mark:
    item_id: int
    parts_sent: int
    external_id: str | None
    done: bool  # every message of the reply went out


class SentJournal:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write(self, mark: Mark) -> None:
        line = f"{mark.item_id} {mark.parts_sent} {int(mark.done)} {mark.external_id or '-'}\n"
        os.write(self._fd, line.encode())  # one small write: whole or not at all

    def read(self) -> list[Mark]:
        marks = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            fields = line.split(" ")
            if len(fields) != 4 or not fields[0].isdigit() or not fields[1].isdigit():
                continue  # a line cut by a crash mid-write: its message is sent again
            external = None if fields[3] == "-" else fields[3]
            marks.append(Mark(int(fields[0]), int(fields[1]), external, fields[2] == "1"))
        return marks

    def clear_if_large(self) -> None:
        """Only when nothing is being sent: every mark in it is in the database too."""
        if os.fstat(self._fd).st_size > KEEP_BYTES:
            os.ftruncate(self._fd, 0)

    def clear(self) -> None:
        os.ftruncate(self._fd, 0)

    def close(self) -> None:
        os.close(self._fd)
