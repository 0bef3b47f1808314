"""SQLite access: transactions inline or on aiosqlite's thread, numbered SQL migrations."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class Cursor(Protocol):
    """What a write tells back: the rows it changed, the id it inserted."""

    @property
    def rowcount(self) -> int: ...
    @property
    def lastrowid(self) -> int | None: ...


class Connection(Protocol):
    """What repositories use of a connection; both kinds below give it."""

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> Cursor: ...
    async def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> Cursor: ...
    async def execute_fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]: ...


class _Inline:
    """SQLite called on the event loop's own thread. Our statements are short, indexed and
    take microseconds; a hop to a worker thread and back costs more than that, and every
    hop of a transaction waited for the event loop while the database was held
    (benchmarks/load.py: about 3 ms a transaction, the bot's limit under a crowd)."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> Cursor:
        return self.raw.execute(sql, tuple(params))

    async def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> Cursor:
        return self.raw.executemany(sql, params)

    async def execute_fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self.raw.execute(sql, tuple(params)).fetchall()


class _Threaded:
    """aiosqlite's connection: each statement on its own thread, the event loop free
    meanwhile. For work that may take long (scheduled jobs over many rows, exports)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> Cursor:
        return await self.conn.execute(sql, params)

    async def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> Cursor:
        return await self.conn.executemany(sql, params)

    async def execute_fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return list(await self.conn.execute_fetchall(sql, params))


async def fetch_all(conn: Connection, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
    """Every row of a query, in one call (one round trip on aiosqlite's thread)."""
    return await conn.execute_fetchall(sql, params)


async def fetch_one(conn: Connection, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
    """The first row of a query, or None (see `fetch_all`).

    All rows are fetched: give a query that may match many a `LIMIT 1`."""
    return next(iter(await conn.execute_fetchall(sql, params)), None)


class Database:
    """Two connections to one SQLite file, one lock over both.

    `transaction()` and `autocommit()` run statements inline on the event loop's thread —
    handling an event and delivering a reply are a few short statements. `in_thread()` runs
    them on aiosqlite's thread, for jobs and exports that may go through many rows while
    residents are being answered. Every read and write takes the lock: statements of two
    coroutines interleaved on one connection would share a transaction, and a transaction
    on each connection at once would wait on SQLite's file lock.
    """

    def __init__(
        self, inline: sqlite3.Connection, threaded: aiosqlite.Connection, path: Path
    ) -> None:
        self._inline = _Inline(inline)
        self._threaded = _Threaded(threaded)
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so sqlite3 never
        # commits behind our back (it would inside executescript, for instance).
        threaded = await aiosqlite.connect(path, isolation_level=None)
        threaded.row_factory = aiosqlite.Row
        await threaded.execute("PRAGMA journal_mode=WAL")
        inline = sqlite3.connect(path, isolation_level=None)
        inline.row_factory = sqlite3.Row
        for conn in (_Threaded(threaded), _Inline(inline)):
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            await conn.execute("PRAGMA synchronous=NORMAL")
        db = cls(inline, threaded, path)
        await db.migrate()
        return db

    async def row_counts(self) -> dict[str, int]:
        """Rows in every table: what an operator (or a flood test) watches grow."""
        async with self.transaction() as conn:
            tables = await fetch_all(
                conn,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            counts = {}
            for (name,) in tables:
                row = await fetch_one(conn, f'SELECT COUNT(*) FROM "{name}"')
                counts[name] = int(row[0]) if row else 0
        return counts

    async def close(self) -> None:
        async with self._lock:
            self._inline.raw.close()
            await self._threaded.conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """Yield a connection inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on error)."""
        async with self._lock, _begun(self._inline) as conn:
            yield conn

    @asynccontextmanager
    async def in_thread(self) -> AsyncIterator[Connection]:
        """As `transaction()`, its statements on aiosqlite's thread: for a job or an export
        that may go through many rows, while the event loop keeps serving residents."""
        async with self._lock, _begun(self._threaded) as conn:
            yield conn

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[Connection]:
        """Yield a connection outside any BEGIN … COMMIT: each statement is a transaction
        of its own (a read sees one consistent snapshot; a write is atomic by itself). For
        one statement, or reads that need not agree with each other."""
        async with self._lock:
            yield self._inline

    async def schema_version(self) -> int:
        async with self._lock:
            return await _current_version(self._threaded)

    async def migrate(self) -> None:
        conn = self._threaded.conn
        async with self._lock:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
            )
            current = await _current_version(self._threaded)
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
                    await conn.executescript(script)
                except BaseException:
                    if conn.in_transaction:
                        await conn.execute("ROLLBACK")
                    raise
                log.info("applied migration %s", name)


@asynccontextmanager
async def _begun(conn: Connection) -> AsyncIterator[Connection]:
    await conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    await conn.execute("COMMIT")


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
