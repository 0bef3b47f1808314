"""What the repository tests share: people to attach rows to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.db import Database
from storage.users import UsersRepo
from tests.helpers.storage import NewUser


@pytest.fixture
def new_user(db: Database) -> NewUser:
    """Creates a resident (by their id on the test channel) and returns the user's row id."""

    async def create(external_id: str) -> int:
        async with db.transaction() as conn:
            user = await UsersRepo().touch(
                conn,
                channel="test",
                external_id=external_id,
                chat_id=external_id,
                display_name=None,
                now=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
            )
        return user.id

    return create
