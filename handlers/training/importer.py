"""`python -m bot courses import FILE.csv`: courses and their sessions from a spreadsheet.

One row a session; the course's columns are repeated on each of its rows (the last row of a
course wins). All or nothing: every row is checked first, and any error — named by line —
leaves the database untouched. Importing the same file again updates, never duplicates:
a session is its course, branch and start.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from storage.courses import CoursesRepo, NewCourse, NewSession
from storage.db import Database

SAMPLE = Path(__file__).with_name("sample_courses.csv")
COLUMNS = (
    "course_code",
    "title",
    "description",
    "audience",
    "duration",
    "bring",
    "branch",
    "address",
    "date",
    "time",
    "minutes",
    "seats",
    "teacher",
)
_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class Row:
    line: int
    course: NewCourse
    session: NewSession


class CsvError(Exception):
    """The file cannot be imported; `lines` says why, one problem a line."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def parse(text: str, tz: ZoneInfo, now: datetime) -> list[Row]:
    """Every row checked; all problems at once, by line number (the header is line 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise CsvError([f"line 1: missing columns: {', '.join(missing)}"])
    rows: list[Row] = []
    problems: list[str] = []
    seen: set[tuple[str, str, datetime]] = set()
    for record in reader:
        line = reader.line_num
        values = {key: (record.get(key) or "").strip() for key in COLUMNS}
        errors = [f"{key} is empty" for key in COLUMNS if not values[key]]
        if record.get(None):  # type: ignore[call-overload,unused-ignore]
            errors.append("more values than columns (a comma in a value needs quotes)")
        code = values["course_code"]
        if code and not set(code) <= _CODE_CHARS:
            errors.append(f"course_code {code!r}: lowercase latin letters, digits and '-' only")
        starts: datetime | None = None
        if values["date"] and values["time"]:
            try:
                naive = datetime.strptime(f"{values['date']} {values['time']}", "%Y-%m-%d %H:%M")
                starts = naive.replace(tzinfo=tz)
            except ValueError:
                errors.append(
                    f"date/time {values['date']} {values['time']!s}: expected YYYY-MM-DD and HH:MM"
                )
        if starts is not None and starts <= now:
            errors.append(f"starts in the past: {values['date']} {values['time']}")
        numbers: dict[str, int] = {}
        for key, limit in (("minutes", 600), ("seats", 200)):
            raw = values[key]
            if raw and (not raw.isdigit() or not 1 <= int(raw) <= limit):
                errors.append(f"{key} {raw!r}: a whole number from 1 to {limit}")
            elif raw:
                numbers[key] = int(raw)
        if starts is not None and (code, values["branch"], starts) in seen:
            errors.append("the same course, branch and start as an earlier row")
        if errors:
            problems.extend(f"line {line}: {error}" for error in errors)
            continue
        assert starts is not None
        seen.add((code, values["branch"], starts))
        rows.append(
            Row(
                line,
                NewCourse(
                    code,
                    values["title"],
                    values["description"],
                    values["audience"],
                    values["duration"],
                    values["bring"],
                ),
                NewSession(
                    values["branch"],
                    values["address"],
                    starts,
                    numbers["minutes"],
                    numbers["seats"],
                    values["teacher"],
                ),
            )
        )
    if problems:
        raise CsvError(problems)
    if not rows:
        raise CsvError(["the file has no rows"])
    return rows


async def store(db: Database, rows: list[Row], now: datetime) -> tuple[int, int]:
    """All rows in one transaction: (courses, sessions) written. A row the database refuses
    (fewer seats than already booked) rolls back the whole file."""
    repo = CoursesRepo()
    courses: set[int] = set()
    async with db.transaction() as conn:
        for row in rows:
            course_id = await repo.upsert_course(conn, row.course, now)
            courses.add(course_id)
            try:
                await repo.upsert_session(conn, course_id, row.session, now)
            except sqlite3.IntegrityError as error:
                raise CsvError([f"line {row.line}: {error}"]) from None
    return len(courses), len(rows)


async def run(database_path: Path, tz: ZoneInfo, path: Path, now: datetime) -> int:
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{path}: cannot read: {error}", file=sys.stderr)
        return 2
    try:
        rows = parse(text, tz, now)
        db = await Database.open(database_path)
        try:
            courses, sessions = await store(db, rows, now)
        finally:
            await db.close()
    except CsvError as error:
        for line in error.lines:
            print(f"{path}: {line}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 1
    print(f"{courses} courses, {sessions} sessions imported from {path}", file=sys.stderr)
    return 0


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    courses = sub.add_parser("courses", help="training courses and their sessions")
    actions = courses.add_subparsers(dest="courses_command", metavar="ACTION", required=True)
    load = actions.add_parser(
        "import",
        help="import courses and sessions from a CSV file (all rows or none);"
        f" see {SAMPLE.name} for the columns",
    )
    load.add_argument("file", type=Path, help="the CSV file (UTF-8)")


def main(database_path: Path, tz: ZoneInfo, args: argparse.Namespace, now: datetime) -> int:
    return asyncio.run(run(database_path, tz, args.file, now))
