"""Copies of the database made while the bot runs: SQLite's online backup.

The copy is read in one step inside one read transaction, so it is the database as of one
moment — every transaction the bot committed before it, none after — while the bot goes on
writing (WAL lets a reader and a writer work at once). It is written beside its final name
and renamed into place, so a copy that exists is a whole one.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

SUFFIX = ".sqlite3"


def backup(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
            # A single file to carry around: no -wal beside the copy.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(partial, target)
    return target


def nightly(source: Path, folder: Path, copies: int, now: datetime) -> Path:
    """A dated copy in `folder`; the oldest beyond `copies` are deleted."""
    stem = source.stem
    made = backup(source, folder / f"{stem}-{now.strftime('%Y%m%d-%H%M%S')}{SUFFIX}")
    dated = sorted(folder.glob(f"{stem}-????????-??????{SUFFIX}"))
    for old in dated[: max(0, len(dated) - copies)]:
        old.unlink()
    return made


def check(path: Path) -> list[str]:
    """SQLite's own integrity check of a copy: an empty list when it is sound."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return [] if rows == [("ok",)] else [str(row[0]) for row in rows]
