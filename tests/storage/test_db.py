from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.db import Database, _migrations
from storage.users import UsersRepo

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


async def test_a_new_database_gets_every_migration_in_wal_mode(db: Database) -> None:
    assert await db.schema_version() == max(v for v, _, _ in _migrations())
    async with db.transaction() as conn:
        async with conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1


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
