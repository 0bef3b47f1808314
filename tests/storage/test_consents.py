"""Consents: given to a worded notice, withdrawn, and what erasure keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.appeals import AppealsRepo
from storage.consents import ConsentsRepo, notice_version
from storage.db import Database
from tests.helpers.storage import NewUser

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


async def test_a_consent_keeps_its_wording_version_and_time_and_is_withdrawn(
    db: Database, new_user: NewUser
) -> None:
    user = await new_user("1001")
    repo = ConsentsRepo()
    async with db.transaction() as conn:
        await repo.give(conn, user, "question", "Текст згоди, редакція 1", NOW)
        await repo.give(conn, user, "appeal", "Текст згоди на звернення", NOW)
        [appeal, question] = await repo.active(conn, user)
        assert {appeal.purpose, question.purpose} == {"appeal", "question"}
        assert question.version == notice_version("Текст згоди, редакція 1")
        assert question.version != notice_version("Текст згоди, редакція 2")
        assert question.given_at == NOW
        assert await repo.withdraw(conn, user, "question", NOW + timedelta(days=1)) == 1
        assert not await repo.has_active(conn, user, "question")
        assert await repo.has_active(conn, user, "appeal")
        [kept, withdrawn] = sorted(await repo.export(conn, user), key=lambda c: c["purpose"])
        assert withdrawn["withdrawn_at"] is not None and kept["withdrawn_at"] is None


async def test_erasure_keeps_only_the_consents_of_appeals_the_law_keeps(
    db: Database, new_user: NewUser
) -> None:
    user = await new_user("1001")
    repo, appeals = ConsentsRepo(), AppealsRepo()
    async with db.transaction() as conn:
        kept = await appeals.create_draft(conn, user, NOW)
        draft = await appeals.create_draft(conn, user, NOW)
        for appeal in (kept, draft):
            await repo.give(conn, user, "appeal", "згода", NOW, appeal_id=appeal.id)
        await repo.give(conn, user, "question", "згода", NOW)
        await repo.erase(conn, user, keep_appeals=[kept.id])
        assert [c["appeal_id"] for c in await repo.export(conn, user)] == [kept.id]
