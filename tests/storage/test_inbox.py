"""Handled updates: one redelivered after a crash is recognised and not handled again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.db import Database
from storage.inbox import InboxRepo

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

repo = InboxRepo()


async def test_an_update_is_claimed_once(db: Database) -> None:
    async with db.transaction() as conn:
        assert await repo.claim(conn, "telegram", "update:501", NOW)
    async with db.transaction() as conn:
        # Redelivered later, even much later: still the same update.
        assert not await repo.claim(conn, "telegram", "update:501", NOW + timedelta(days=2))


async def test_a_second_claim_in_the_same_transaction_is_refused_too(db: Database) -> None:
    async with db.transaction() as conn:
        assert await repo.claim(conn, "viber", "token-1", NOW)
        assert not await repo.claim(conn, "viber", "token-1", NOW)


async def test_claims_are_per_channel_and_per_update(db: Database) -> None:
    async with db.transaction() as conn:
        assert await repo.claim(conn, "telegram", "7", NOW)
        assert await repo.claim(conn, "viber", "7", NOW)
        assert await repo.claim(conn, "telegram", "8", NOW)


async def test_a_claim_rolled_back_with_its_transaction_is_not_kept(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            assert await repo.claim(conn, "telegram", "update:502", NOW)
            raise RuntimeError("the handler failed")
    async with db.transaction() as conn:
        assert await repo.claim(conn, "telegram", "update:502", NOW)


async def test_whether_an_update_was_handled_can_be_asked_without_claiming_it(
    db: Database,
) -> None:
    async with db.transaction() as conn:
        assert not await repo.handled(conn, "telegram", "update:503")
        assert await repo.claim(conn, "telegram", "update:503", NOW)
        assert await repo.handled(conn, "telegram", "update:503")
        assert not await repo.handled(conn, "viber", "update:503")
