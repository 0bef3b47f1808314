"""`python -m bot appeals export`: the appeals of a period for the city council.

Every field and the status history, as CSV (one row per appeal, the history in one
column) or XLSX (a sheet of appeals and a sheet of history). Personal data — name,
address, phone, e-mail — only with `--with-personal-data`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from handlers import texts
from handlers.dates import day_start, fmt_day, fmt_stamp
from storage.appeals import Appeal, AppealsRepo, HistoryEntry
from storage.db import Database

# Free text typed by people: a leading = + - @ would make a spreadsheet run it as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Appeal, ZoneInfo], object]
    personal: bool = False
    free_text: bool = False


def _yes_no(value: bool) -> str:
    return texts.EXPORT_YES if value else texts.EXPORT_NO


COLUMNS: tuple[Column, ...] = (
    Column(texts.EXPORT_COLUMNS["number"], lambda a, tz: a.number),
    Column(texts.EXPORT_COLUMNS["registered"], lambda a, tz: fmt_stamp(a.registered_at, tz)),
    Column(texts.EXPORT_COLUMNS["submitted"], lambda a, tz: fmt_stamp(a.submitted_at, tz)),
    Column(
        texts.EXPORT_COLUMNS["status"], lambda a, tz: texts.APPEAL_STATUSES.get(a.status, a.status)
    ),
    Column(
        texts.EXPORT_COLUMNS["topic"], lambda a, tz: texts.APPEAL_TOPICS.get(a.topic or "", a.topic)
    ),
    Column(texts.EXPORT_COLUMNS["body"], lambda a, tz: a.body, free_text=True),
    Column(texts.EXPORT_COLUMNS["files"], lambda a, tz: len(a.attachments)),
    Column(
        texts.EXPORT_COLUMNS["priority"],
        lambda a, tz: texts.APPEAL_PRIORITIES.get(a.priority or "", a.priority or ""),
    ),
    Column(texts.EXPORT_COLUMNS["confidential"], lambda a, tz: _yes_no(a.confidential)),
    Column(texts.EXPORT_COLUMNS["assisted"], lambda a, tz: a.assisted_by, free_text=True),
    Column(texts.EXPORT_COLUMNS["consent"], lambda a, tz: fmt_stamp(a.consent_at, tz)),
    Column(texts.EXPORT_COLUMNS["repeat_of"], lambda a, tz: a.repeat_of),
    Column(texts.EXPORT_COLUMNS["short_term"], lambda a, tz: _yes_no(a.short_term)),
    Column(texts.EXPORT_COLUMNS["due"], lambda a, tz: fmt_day(a.due_date) if a.due_date else ""),
    Column(texts.EXPORT_COLUMNS["council_number"], lambda a, tz: a.council_number, free_text=True),
    Column(
        texts.EXPORT_COLUMNS["council_date"],
        lambda a, tz: fmt_day(a.council_date) if a.council_date else "",
    ),
    Column(texts.EXPORT_COLUMNS["forwarded_to"], lambda a, tz: a.forwarded_to, free_text=True),
    Column(
        texts.EXPORT_COLUMNS["outcome"],
        lambda a, tz: texts.APPEAL_OUTCOMES.get(a.outcome or "", ""),
    ),
    Column(texts.EXPORT_COLUMNS["answer"], lambda a, tz: a.answer, free_text=True),
    Column(texts.EXPORT_COLUMNS["surname"], lambda a, tz: a.surname, personal=True, free_text=True),
    Column(
        texts.EXPORT_COLUMNS["given_name"],
        lambda a, tz: a.given_name,
        personal=True,
        free_text=True,
    ),
    Column(
        texts.EXPORT_COLUMNS["patronymic"],
        lambda a, tz: a.patronymic,
        personal=True,
        free_text=True,
    ),
    Column(texts.EXPORT_COLUMNS["address"], lambda a, tz: a.address, personal=True, free_text=True),
    Column(texts.EXPORT_COLUMNS["phone"], lambda a, tz: a.phone, personal=True),
    Column(texts.EXPORT_COLUMNS["email"], lambda a, tz: a.email, personal=True, free_text=True),
)
HISTORY_HEADERS = tuple(texts.EXPORT_HISTORY_COLUMNS.values())


def _safe(value: object, free_text: bool) -> object:
    if value is None:
        return ""
    if free_text and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[object]]
    history: list[list[object]]


async def collect(
    db: Database, start: date, end: date, tz: ZoneInfo, *, with_personal_data: bool
) -> Table:
    """Appeals registered from `start` to `end` inclusive (local dates)."""
    repo = AppealsRepo()
    columns = [c for c in COLUMNS if with_personal_data or not c.personal]
    async with db.in_thread() as conn:  # a year of appeals: not on the event loop
        appeals = await repo.registered_between(
            conn, day_start(start, tz), day_start(end + timedelta(days=1), tz)
        )
        histories = {a.id: await repo.history(conn, a.id) for a in appeals}
    rows, history = [], []
    for appeal in appeals:
        entries = histories[appeal.id]
        row = [_safe(c.value(appeal, tz), c.free_text) for c in columns]
        row.append(_safe("; ".join(_history_text(e, tz) for e in entries), True))
        rows.append(row)
        history += [
            [
                appeal.number,
                fmt_stamp(e.at, tz),
                texts.APPEAL_STATUSES.get(e.status, e.status),
                _safe(e.note, True),
                _safe(e.actor, True),
            ]
            for e in entries
        ]
    return Table([*(c.header for c in columns), texts.EXPORT_COLUMNS["history"]], rows, history)


def _history_text(entry: HistoryEntry, tz: ZoneInfo) -> str:
    note = f": {entry.note}" if entry.note else ""
    status = texts.APPEAL_STATUSES.get(entry.status, entry.status)
    return f"{fmt_stamp(entry.at, tz)} {status}{note} ({entry.actor})"


def write_csv(table: Table, out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(table.headers)
    writer.writerows(table.rows)


def write_xlsx(table: Table, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = texts.EXPORT_SHEET_APPEALS
    _fill(sheet, table.headers, table.rows)
    _fill(book.create_sheet(texts.EXPORT_SHEET_HISTORY), list(HISTORY_HEADERS), table.history)
    book.save(path)


def _fill(sheet: object, headers: Sequence[object], rows: list[list[object]]) -> None:
    append = sheet.append  # type: ignore[attr-defined]
    append(list(headers))
    for row in rows:
        append(row)
    for row_cells in sheet.iter_rows():  # type: ignore[attr-defined]
        for cell in row_cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula


# --- Command line ----------------------------------------------------------------------


def _day(text: str) -> date:
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d.%m.%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD or DD.MM.YYYY)")


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    appeals = sub.add_parser("appeals", help="appeals to the mayor: export for the city council")
    actions = appeals.add_subparsers(dest="appeals_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="export appeals registered in a period, with their status history",
        description="Export the appeals registered from --from to --to (inclusive). "
        "Personal data (name, address, phone, e-mail) only with --with-personal-data.",
    )
    export.add_argument("--from", dest="start", type=_day, required=True, help="first day")
    export.add_argument("--to", dest="end", type=_day, required=True, help="last day")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument(
        "--output", type=Path, help="file to write (CSV: standard output when omitted)"
    )
    export.add_argument(
        "--with-personal-data",
        action="store_true",
        help="include name, address, phone and e-mail",
    )


async def run(
    database_path: Path,
    tz: ZoneInfo,
    args: argparse.Namespace,
    stdout: TextIO | None = None,
) -> int:
    out = stdout or sys.stdout
    if args.end < args.start:
        print("--to must not be before --from", file=sys.stderr)
        return 2
    db = await Database.open(database_path)
    try:
        table = await collect(
            db, args.start, args.end, tz, with_personal_data=args.with_personal_data
        )
    finally:
        await db.close()
    if args.format == "xlsx":
        path = args.output or Path(f"appeals_{args.start}_{args.end}.xlsx")
        write_xlsx(table, path)
        print(f"{len(table.rows)} appeals written to {path}", file=sys.stderr)
        return 0
    if args.output is None:
        write_csv(table, out)
    else:
        buffer = io.StringIO()
        write_csv(table, buffer)
        # BOM: Excel opens a UTF-8 CSV with Cyrillic correctly only with it.
        args.output.write_text(buffer.getvalue(), encoding="utf-8-sig")
        print(f"{len(table.rows)} appeals written to {args.output}", file=sys.stderr)
    return 0


def main(database_path: Path, tz: ZoneInfo, args: argparse.Namespace) -> int:
    return asyncio.run(run(database_path, tz, args))
