from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import Database
from tests.harness import Chat, FakeClock, make_core


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "reception.sqlite3")
    yield database
    await database.close()


@pytest.fixture
def chat(db: Database, clock: FakeClock) -> Chat:
    core, delivery, sender = make_core(db, clock)
    return Chat(core, delivery, sender)
