from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from bot.__main__ import parser
from handlers.reports import appeals_export as export
from storage.db import Database
from tests.harness import KYIV, Chat
from tests.helpers.appeals import submit, to_staff

PERIOD = ("2026-11-01", "2026-11-30")


async def _two_appeals(chat: Chat) -> None:
    [card] = to_staff(await submit(chat))
    check = next(
        b.payload for row in card.reply.buttons for b in row if b.payload and ":check:" in b.payload
    )
    await chat.staff_press(check)
    await submit(chat, body='=HYPERLINK("http://evil") прошу полагодити ліфт у будинку 7.')


async def _run(db: Database, *args: str, period: tuple[str, str] = PERIOD) -> tuple[int, str]:
    """The command as typed: `python -m bot appeals export --from … --to … ARGS`."""
    parsed = parser().parse_args(
        ["appeals", "export", "--from", period[0], "--to", period[1], *args]
    )
    out = io.StringIO()
    code = await export.run(db.path, KYIV, parsed, out)
    return code, out.getvalue()


async def test_csv_without_personal_data_by_default(chat: Chat, db: Database) -> None:
    await _two_appeals(chat)
    code, out = await _run(db)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    header, first, second = rows
    assert header[:4] == ["Номер", "Зареєстровано", "Останнє подання", "Стан"]
    assert "Прізвище" not in header and "Телефон" not in header
    assert first[0] == "МР-2026-000001"
    assert first[3] == "на перевірці"
    assert "подано (заявник)" in first[-1] and "на перевірці (Бібліотекарка Ірина" in first[-1]
    assert not any("Шевченко" in cell or "+380" in cell for row in rows for cell in row)
    assert second[header.index("Текст")].startswith("'=HYPERLINK")  # never a formula


async def test_personal_data_only_when_asked_and_xlsx_has_history(
    chat: Chat, db: Database, tmp_path: Path
) -> None:
    await _two_appeals(chat)
    out = tmp_path / "export.xlsx"
    code, _ = await _run(db, "--format", "xlsx", "--output", str(out), "--with-personal-data")
    assert code == 0
    book = load_workbook(out)
    appeals = list(book["Звернення"].iter_rows(values_only=True))
    header = appeals[0]
    assert appeals[1][header.index("Прізвище")] == "Шевченко"
    assert appeals[1][header.index("Телефон")] == "+380671234567"
    history = list(book["Історія"].iter_rows(values_only=True))
    assert [h[2] for h in history[1:]] == ["подано", "на перевірці", "подано"]


async def test_a_period_outside_gives_only_the_header(chat: Chat, db: Database) -> None:
    await _two_appeals(chat)
    code, out = await _run(db, period=("01.12.2026", "31.12.2026"))
    assert code == 0
    assert len(out.strip().splitlines()) == 1
    assert out.startswith("Номер,")
