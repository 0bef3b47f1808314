"""Backups taken while the bot writes, and restored."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

from storage import backup
from storage.db import Database, fetch_all, fetch_one
from storage.tickets import TicketsRepo
from tests.helpers.storage import NewUser

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


async def test_a_backup_taken_while_another_task_writes_is_whole_and_restores(
    db: Database, new_user: NewUser, tmp_path: Path
) -> None:
    user = await new_user("1001")
    tickets = TicketsRepo()
    committed: list[int] = []
    stop = asyncio.Event()
    reached = asyncio.Event()
    goal = [200]  # the writer says when this many transactions are committed

    async def keep_writing() -> None:
        # Each transaction writes a ticket and its first message: a copy taken half-way
        # through one would have a ticket without its message.
        n = 0
        while not stop.is_set():
            async with db.transaction() as conn:
                ticket = await tickets.open(
                    conn,
                    user_id=user,
                    question=f"Запитання {n}",
                    source="menu",
                    candidates=[],
                    query_id=None,
                    now=NOW,
                )
            committed.append(ticket.id)
            if len(committed) >= goal[0]:
                reached.set()
            n += 1
            await asyncio.sleep(0)  # lets the loop breathe, as the bot's handlers do

    writer = asyncio.create_task(keep_writing())
    await reached.wait()
    before = list(committed)
    copy = await asyncio.to_thread(backup.backup, db.path, tmp_path / "copy.sqlite3")
    goal[0] = len(committed) + 50  # the writer goes on after the copy
    reached.clear()
    await reached.wait()
    stop.set()
    await writer
    assert backup.check(copy) == []

    # Restore: the copy put where the database lives, opened as the bot opens it.
    restored_path = tmp_path / "restored" / "reception.sqlite3"
    restored_path.parent.mkdir()
    shutil.copy(copy, restored_path)
    restored = await Database.open(restored_path)
    try:
        async with restored.transaction() as conn:
            ids = [row[0] for row in await fetch_all(conn, "SELECT id FROM tickets ORDER BY id")]
            row = await fetch_one(conn, "SELECT COUNT(DISTINCT ticket_id) FROM ticket_messages")
            assert row is not None and row[0] == len(ids)
            first = await tickets.get(conn, before[0])
        assert set(before) <= set(ids)  # everything committed before the copy began
        assert len(ids) < len(committed)  # and not what came after it
        assert ids == committed[: len(ids)]  # a prefix: one moment, no gaps
        assert first is not None and first.question == "Запитання 0"
    finally:
        await restored.close()


async def test_nightly_copies_rotate(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    for day in (1, 2, 3):
        backup.nightly(db.path, folder, 2, datetime(2026, 12, day, 3, 40, tzinfo=UTC))
    assert sorted(p.name for p in folder.iterdir()) == [
        "reception-20261202-034000.sqlite3",
        "reception-20261203-034000.sqlite3",
    ]
