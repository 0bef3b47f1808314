"""SQLite access: one connection, explicit transactions, numbered SQL migrations."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Connection = aiosqlite.Connection


async def fetch_all(conn: Connection, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
    """Every row of a query in one round trip to the database thread.

    A cursor takes three (execute, fetch, close), and each wakes the database thread and
    then the event loop: those wake-ups are most of what a message costs the bot."""
    return list(await conn.execute_fetchall(sql, params))


async def fetch_one(conn: Connection, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
    """The first row of a query, or None, in one round trip (see `fetch_all`).

    All rows are fetched: give a query that may match many a `LIMIT 1`."""
    return next(iter(await conn.execute_fetchall(sql, params)), None)


class Database:
    """Owns the single aiosqlite connection.

    Every read and write goes through `transaction()` (or, for single statements,
    `autocommit()`): a lock serialises them, because statements of two coroutines
    interleaved on one connection would share a transaction.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so sqlite3 never
        # commits behind our back (it would inside executescript, for instance).
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA synchronous=NORMAL")
        db = cls(conn, path)
        await db.migrate()
        return db

    async def row_counts(self) -> dict[str, int]:
        """Rows in every table: what an operator (or a flood test) watches grow."""
        async with self.transaction() as conn:
            tables = await fetch_all(
                conn,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            names = [row[0] for row in tables]
            counts = {}
            for name in names:
                row = await fetch_one(conn, f'SELECT COUNT(*) FROM "{name}"')
                counts[name] = int(row[0]) if row else 0
        return counts

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """Yield the connection inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on error)."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[Connection]:
        """Yield the connection outside any BEGIN … COMMIT: each statement is a transaction
        of its own (a read sees one consistent snapshot; a write is atomic by itself), two
        round trips fewer than `transaction()`. For one statement, or reads that need not
        agree with each other. The lock is still taken: on the one connection, a statement
        of another coroutine's open transaction must not be interleaved."""
        async with self._lock:
            yield self._conn

    async def schema_version(self) -> int:
        async with self._lock:
            return await _current_version(self._conn)

    async def migrate(self) -> None:
        async with self._lock:
            await self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
            )
            current = await _current_version(self._conn)
            for version, name, sql in _migrations():
                if version <= current:
                    continue
                # One script per migration, wrapped so that a failure leaves no half-schema.
                script = (
                    f"BEGIN IMMEDIATE;\n{sql}\n;"
                    f"INSERT INTO schema_version (version, name) VALUES ({version}, '{name}');\n"
                    "COMMIT;"
                )
                try:
                    await self._conn.executescript(script)
                except BaseException:
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise
                log.info("applied migration %s", name)


async def _current_version(conn: Connection) -> int:
    row = await fetch_one(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_version")
    return int(row[0]) if row else 0


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)
