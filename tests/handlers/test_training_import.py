"""`python -m bot courses import FILE.csv`: all rows or none, each problem named by line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from handlers.training.importer import SAMPLE
from storage.courses import CoursesRepo
from storage.db import Database

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
HEADER = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
GOOD = (
    "online-safety,Безпека в інтернеті,Шахраї й паролі.,Для всіх,2 години,Смартфон,"
    'Бібліотека-філія №5,"вул. Велика Морська, 50",2030-03-10,11:00,120,15,Олена Ткаченко'
)


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[int, Path]:
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    path = tmp_path / "courses.csv"
    path.write_text(text, encoding="utf-8")
    return main(["courses", "import", str(path)]), tmp_path / "db.sqlite3"


async def _counts(path: Path) -> tuple[int, int]:
    db = await Database.open(path)
    try:
        async with db.transaction() as conn:
            courses = await CoursesRepo().courses(conn)
            sessions = sum([len(await CoursesRepo().upcoming(conn, EPOCH, c.id)) for c in courses])
        return len(courses), sessions
    finally:
        await db.close()


def test_the_sample_file_imports_and_again_without_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, db = _run(tmp_path, monkeypatch, SAMPLE.read_text(encoding="utf-8"))
    assert code == 0 and "5 courses, 8 sessions imported" in capsys.readouterr().err
    code, db = _run(tmp_path, monkeypatch, SAMPLE.read_text(encoding="utf-8"))
    assert code == 0
    assert asyncio.run(_counts(db)) == (5, 8)


def test_bad_rows_are_named_by_line_and_nothing_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_date = GOOD.replace("2030-03-10", "10.03.2030")
    no_teacher = GOOD.replace("Олена Ткаченко", "").replace("11:00", "12:00")
    seats = GOOD.replace(",15,", ",many,").replace("11:00", "13:00")
    unquoted = GOOD.replace('"вул. Велика Морська, 50"', "вул. Велика Морська, 50")
    text = "\n".join([HEADER, GOOD, bad_date, no_teacher, seats, unquoted, GOOD]) + "\n"
    code, db = _run(tmp_path, monkeypatch, text)
    err = capsys.readouterr().err
    assert code == 1
    assert "line 3: date/time 10.03.2030 11:00: expected YYYY-MM-DD and HH:MM" in err
    assert "line 4: teacher is empty" in err
    assert "line 5: seats 'many': a whole number from 1 to 200" in err
    assert "line 6: more values than columns" in err
    assert "line 7: the same course, branch and start as an earlier row" in err
    assert "line 2:" not in err and "Nothing was imported." in err
    assert not db.exists() or asyncio.run(_counts(db)) == (0, 0)


def test_a_missing_column_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _db = _run(tmp_path, monkeypatch, HEADER.replace(",teacher", "") + "\n")
    assert code == 1 and "line 1: missing columns: teacher" in capsys.readouterr().err
