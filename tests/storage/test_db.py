from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from storage._time import from_db, to_db
from storage.db import Database, _migrations, fetch_all, fetch_one
from storage.outbox import OutboxRepo
from storage.users import UsersRepo

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
LATER = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def test_a_new_database_gets_every_migration_in_wal_mode(db: Database) -> None:
    assert await db.schema_version() == max(v for v, _, _ in _migrations())
    async with db.transaction() as conn:
        journal = await fetch_one(conn, "PRAGMA journal_mode")
        foreign_keys = await fetch_one(conn, "PRAGMA foreign_keys")
    assert journal is not None and journal[0] == "wal"
    assert foreign_keys is not None and foreign_keys[0] == 1


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "again.sqlite3"
    first = await Database.open(path)
    version = await first.schema_version()
    await first.close()
    second = await Database.open(path)
    assert await second.schema_version() == version
    await second.close()


async def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    users = UsersRepo()
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await users.touch(
                conn,
                channel="telegram",
                external_id="1",
                chat_id="1",
                display_name="Олена",
                now=NOW,
            )
            raise RuntimeError("boom")
    async with db.transaction() as conn:
        assert await users.find(conn, "telegram", "1") is None


async def test_user_keeps_first_contact_and_updates_last_activity(db: Database) -> None:
    users = UsersRepo()
    later = NOW.replace(hour=12)
    async with db.transaction() as conn:
        created = await users.touch(
            conn, channel="viber", external_id="abc", chat_id="abc", display_name="Петро", now=NOW
        )
        again = await users.touch(
            conn, channel="viber", external_id="abc", chat_id="abc", display_name=None, now=later
        )
    assert again.id == created.id
    assert again.first_seen == NOW and again.last_seen == later
    assert again.display_name == "Петро" and again.language == "uk"


async def test_fetched_rows_are_read_by_column_name_and_no_row_is_none(db: Database) -> None:
    users = UsersRepo()
    async with db.transaction() as conn:
        for external_id, name in (("1", "Олена"), ("2", "Петро")):
            await users.touch(
                conn,
                channel="viber",
                external_id=external_id,
                chat_id=external_id,
                display_name=name,
                now=NOW,
            )
        rows = await fetch_all(
            conn,
            "SELECT external_id, display_name FROM users WHERE channel = ? ORDER BY id",
            ("viber",),
        )
        first = await fetch_one(
            conn, "SELECT display_name FROM users WHERE external_id = ?", ("2",)
        )
        missing = await fetch_one(conn, "SELECT * FROM users WHERE external_id = ?", ("3",))
        nothing = await fetch_all(conn, "SELECT * FROM users WHERE channel = 'telegram'")
    assert all(isinstance(row, sqlite3.Row) for row in rows)
    assert [(row["external_id"], row["display_name"]) for row in rows] == [
        ("1", "Олена"),
        ("2", "Петро"),
    ]
    assert first is not None and first["display_name"] == "Петро"
    assert missing is None
    assert nothing == []


def count_hops(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Calls run on aiosqlite's thread from now on: its `_execute` queues every one."""
    hops: list[str] = []
    conn = db._threaded.conn
    original: Callable[..., Any] = conn._execute

    async def counted(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(fn, "__name__", repr(fn)))
        return await original(fn, *args, **kwargs)

    monkeypatch.setattr(conn, "_execute", counted)
    return hops


def count_statements(db: Database) -> list[str]:
    """Statements run on the inline connection from now on."""
    statements: list[str] = []
    db._inline.raw.set_trace_callback(statements.append)
    return statements


async def test_an_event_s_statements_run_inline_and_a_job_s_on_aiosqlites_thread(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handling a message is a few short statements: run where the event loop is, none
    waits for a hop to another thread and back. A job over many rows runs on aiosqlite's
    thread, the event loop free meanwhile."""
    users, outbox = UsersRepo(), OutboxRepo()
    hops, statements = count_hops(db, monkeypatch), count_statements(db)
    async with db.transaction() as conn:
        user = await users.touch(
            conn, channel="telegram", external_id="1", chat_id="1", display_name="Олена", now=NOW
        )
        await outbox.add(conn, channel="telegram", chat_id="1", reply="{}", ref=None, now=NOW)
        [item] = await outbox.pending(conn, NOW)
    assert (user.display_name, item.chat_id) == ("Олена", "1")
    assert hops == []
    # BEGIN, the user written and read back in one, the message queued, the read, COMMIT.
    assert len(statements) == 5, statements

    statements.clear()
    async with db.in_thread() as conn:
        again = await users.touch(
            conn, channel="telegram", external_id="1", chat_id="1", display_name=None, now=LATER
        )
    assert (again.id, again.display_name, again.last_seen) == (user.id, "Олена", LATER)
    assert len(hops) == 3 and statements == []  # BEGIN, the upsert, COMMIT: on the thread


async def test_a_transaction_s_writes_are_seen_by_the_other_connection(db: Database) -> None:
    users = UsersRepo()
    async with db.in_thread() as conn:
        await users.touch(
            conn, channel="viber", external_id="7", chat_id="7", display_name="Олена", now=NOW
        )
    async with db.transaction() as conn:
        found = await users.find(conn, "viber", "7")
    assert found is not None and found.display_name == "Олена"


def test_timestamps_are_stored_as_sortable_utc_text_and_read_back_exactly() -> None:
    kyiv_evening = datetime(2026, 11, 30, 21, 5, 7, 42, tzinfo=timezone(timedelta(hours=2)))
    assert to_db(kyiv_evening) == "2026-11-30T19:05:07.000042Z"
    assert to_db(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00.000000Z"
    assert from_db(to_db(kyiv_evening)) == kyiv_evening
    assert from_db("2026-11-30T19:05:07.000042Z").tzinfo == UTC
    later = kyiv_evening + timedelta(microseconds=1)
    assert to_db(kyiv_evening) < to_db(later)  # text order is time order
