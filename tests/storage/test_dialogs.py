"""Where each person is in a dialog, kept between their messages and across restarts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from storage.db import Database
from storage.dialogs import DialogsRepo

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
NewUser = Callable[[str], Awaitable[int]]

repo = DialogsRepo()


async def test_someone_outside_any_dialog_has_no_step(db: Database, new_user: NewUser) -> None:
    user_id = await new_user("1001")
    async with db.transaction() as conn:
        assert await repo.load(conn, user_id) is None


async def test_the_step_and_its_notes_come_back_as_saved(db: Database, new_user: NewUser) -> None:
    user_id = await new_user("1001")
    data = {"surname": "Дем'яненко", "files": [{"id": "AgAD1"}], "confidential": False}
    async with db.transaction() as conn:
        await repo.save(conn, user_id, "appeal:given_name", data, NOW)
    async with db.transaction() as conn:
        assert await repo.load(conn, user_id) == ("appeal:given_name", data)


async def test_a_later_step_replaces_the_earlier_one(db: Database, new_user: NewUser) -> None:
    user_id = await new_user("1001")
    async with db.transaction() as conn:
        await repo.save(conn, user_id, "appeal:surname", {"draft": 1}, NOW)
        await repo.save(
            conn, user_id, "appeal:given_name", {"draft": 1, "surname": "Шевченко"}, NOW
        )
        assert await repo.load(conn, user_id) == (
            "appeal:given_name",
            {"draft": 1, "surname": "Шевченко"},
        )


async def test_leaving_the_dialog_forgets_the_step(db: Database, new_user: NewUser) -> None:
    user_id = await new_user("1001")
    async with db.transaction() as conn:
        await repo.save(conn, user_id, "ask:question", {}, NOW)
        await repo.clear(conn, user_id)
        assert await repo.load(conn, user_id) is None
        await repo.clear(conn, user_id)  # leaving twice is harmless
        assert await repo.load(conn, user_id) is None


async def test_each_person_has_their_own_step(db: Database, new_user: NewUser) -> None:
    olena, petro = await new_user("1001"), await new_user("1002")
    async with db.transaction() as conn:
        await repo.save(conn, olena, "ask:question", {"who": "Олена"}, NOW)
        await repo.save(conn, petro, "appeal:surname", {"who": "Петро"}, NOW)
        await repo.clear(conn, petro)
        assert await repo.load(conn, olena) == ("ask:question", {"who": "Олена"})
        assert await repo.load(conn, petro) is None


async def test_the_step_survives_a_restart(db: Database, new_user: NewUser) -> None:
    user_id = await new_user("1001")
    async with db.transaction() as conn:
        await repo.save(conn, user_id, "appeal:address", {"surname": "Шевченко"}, NOW)
    await db.close()

    reopened = await Database.open(db.path)
    try:
        async with reopened.transaction() as conn:
            saved = await repo.load(conn, user_id)
    finally:
        await reopened.close()
    assert saved == ("appeal:address", {"surname": "Шевченко"})
