"""People as the bot knows them: one per channel and id, remembered across visits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.users import UsersRepo

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

repo = UsersRepo()


async def test_first_contact_creates_the_person_as_they_introduced_themselves(
    db: Database,
) -> None:
    async with db.transaction() as conn:
        created = await repo.touch(
            conn,
            channel="telegram",
            external_id="1001",
            chat_id="1001",
            display_name="Олена Шевченко",
            now=NOW,
        )
        found = await repo.find(conn, "telegram", "1001")
        by_id = await repo.get(conn, created.id)

    assert (created.channel, created.external_id, created.chat_id) == ("telegram", "1001", "1001")
    assert created.display_name == "Олена Шевченко"
    assert created.language == "uk"
    assert created.first_seen == NOW and created.last_seen == NOW
    assert found == created and by_id == created


async def test_a_new_name_and_chat_replace_the_old_ones(db: Database) -> None:
    later = NOW + timedelta(days=3)
    async with db.transaction() as conn:
        first = await repo.touch(
            conn, channel="viber", external_id="abc==", chat_id="abc==", display_name="Оля", now=NOW
        )
        again = await repo.touch(
            conn,
            channel="viber",
            external_id="abc==",
            chat_id="chat-2",
            display_name="Ольга",
            now=later,
        )
    assert again.id == first.id
    assert again.chat_id == "chat-2" and again.display_name == "Ольга"
    assert again.first_seen == NOW and again.last_seen == later


async def test_the_same_id_on_two_channels_is_two_people(db: Database) -> None:
    async with db.transaction() as conn:
        telegram = await repo.touch(
            conn, channel="telegram", external_id="42", chat_id="42", display_name="Петро", now=NOW
        )
        viber = await repo.touch(
            conn, channel="viber", external_id="42", chat_id="42", display_name="Павло", now=NOW
        )
        found = await repo.find(conn, "telegram", "42")
    assert telegram.id != viber.id
    assert found is not None and found.display_name == "Петро"


async def test_someone_who_never_wrote_is_not_known(db: Database) -> None:
    async with db.transaction() as conn:
        assert await repo.find(conn, "telegram", "1001") is None
        assert await repo.get(conn, 1) is None
