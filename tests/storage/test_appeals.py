from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta

from storage.appeals import AppealsRepo
from storage.attachments import Attachment
from storage.db import Database
from tests.helpers.storage import NewUser

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


async def test_numbers_under_concurrent_transactions_have_no_gaps_nor_duplicates(
    db: Database, new_user: NewUser
) -> None:
    repo = AppealsRepo()

    async def register(index: int) -> str:
        user_id = await new_user(f"u{index}")
        async with db.transaction() as conn:
            draft = await repo.create_draft(conn, user_id, NOW)
            seq, number = await repo.allocate_number(conn, 2026)
            await repo.register(
                conn,
                draft.id,
                number=number,
                year=2026,
                seq=seq,
                now=NOW,
                due_date=date(2026, 12, 26),
                repeat_of=None,
            )
        return number

    numbers = await asyncio.gather(*(register(i) for i in range(30)))
    assert sorted(numbers) == [f"МР-2026-{n:06d}" for n in range(1, 31)]


async def test_a_rolled_back_submission_gives_its_number_back(db: Database) -> None:
    repo = AppealsRepo()
    try:
        async with db.transaction() as conn:
            await repo.allocate_number(conn, 2026)
            raise RuntimeError("the handler failed after numbering")
    except RuntimeError:
        pass
    async with db.transaction() as conn:
        _, number = await repo.allocate_number(conn, 2026)
    assert number == "МР-2026-000001"


async def test_fields_attachments_and_history_round_trip(db: Database, new_user: NewUser) -> None:
    repo = AppealsRepo()
    user_id = await new_user("u1")
    files = (Attachment("photo", "AgAD1", None, 1200), Attachment("document", "BQAD2", "a.pdf", 9))
    async with db.transaction() as conn:
        draft = await repo.create_draft(conn, user_id, NOW)
        await repo.update(
            conn, draft.id, NOW, surname="Шевченко", attachments=files, confidential=True
        )
        await repo.add_history(conn, draft.id, "submitted", actor="заявник", note=None, now=NOW)
        stored = await repo.get(conn, draft.id)
        history = await repo.history(conn, draft.id)
    assert stored is not None
    assert stored.surname == "Шевченко"
    assert stored.attachments == files
    assert stored.confidential is True
    assert [h.status for h in history] == ["submitted"]


async def test_only_stale_drafts_are_deleted(db: Database, new_user: NewUser) -> None:
    repo = AppealsRepo()
    user_id = await new_user("u1")
    async with db.transaction() as conn:
        old = await repo.create_draft(conn, user_id, NOW - timedelta(days=8))
        fresh = await repo.create_draft(conn, user_id, NOW - timedelta(days=6))
        assert await repo.delete_stale_drafts(conn, NOW - timedelta(days=7)) == 1
        assert await repo.get(conn, old.id) is None
        assert await repo.get(conn, fresh.id) is not None


async def test_rows_written_before_the_attachment_type_are_read(
    db: Database, new_user: NewUser
) -> None:
    repo = AppealsRepo()
    user_id = await new_user("u1")
    # Exactly what the code before the one attachment type wrote (every key, nulls too).
    old = [
        {"kind": "photo", "file_id": "AgAD1", "file_name": None, "size": 1200, "caption": "кут"},
        {"kind": "document", "file_id": "BQAD2", "file_name": "a.pdf", "size": 9, "caption": None},
    ]
    async with db.transaction() as conn:
        draft = await repo.create_draft(conn, user_id, NOW)
        await conn.execute(
            "UPDATE appeals SET attachments = ?, answer_files = ? WHERE id = ?",
            (json.dumps(old, ensure_ascii=False), json.dumps(old[1:]), draft.id),
        )
        stored = await repo.get(conn, draft.id)
    assert stored is not None
    assert stored.attachments == (
        Attachment("photo", "AgAD1", size=1200, caption="кут"),
        Attachment("document", "BQAD2", "a.pdf", 9),
    )
    assert stored.answer_files == (Attachment("document", "BQAD2", "a.pdf", 9),)


async def test_links_and_generated_files_round_trip(db: Database, new_user: NewUser) -> None:
    repo = AppealsRepo()
    user_id = await new_user("u1")
    files = (
        Attachment.link("https://mkrada.gov.ua/рішення.pdf", file_name="рішення.pdf"),
        Attachment.generated(b"\x00\x01binary", "звіт.xlsx", "application/vnd.ms-excel"),
    )
    async with db.transaction() as conn:
        draft = await repo.create_draft(conn, user_id, NOW)
        await repo.update(conn, draft.id, NOW, answer_files=files)
        stored = await repo.get(conn, draft.id)
    assert stored is not None and stored.answer_files == files
    assert stored.answer_files[1].size == len(b"\x00\x01binary")


async def _registered(
    db: Database,
    user_id: int,
    *,
    due: date,
    submitted: datetime = NOW,
    status: str = "submitted",
    priority: str | None = None,
) -> str:
    repo = AppealsRepo()
    async with db.transaction() as conn:
        draft = await repo.create_draft(conn, user_id, submitted)
        seq, number = await repo.allocate_number(conn, 2026)
        await repo.register(
            conn,
            draft.id,
            number=number,
            year=2026,
            seq=seq,
            now=submitted,
            due_date=due,
            repeat_of=None,
        )
        if priority:
            await repo.update(conn, draft.id, submitted, priority=priority)
        if status != "submitted":
            await repo.set_status(conn, draft.id, status, actor="Ірина", note=None, now=NOW)
    return number


async def test_lists_come_a_page_at_a_time_priority_first_with_their_count(
    db: Database, new_user: NewUser
) -> None:
    repo = AppealsRepo()
    user_id = await new_user("u1")
    plain = [await _registered(db, user_id, due=date(2026, 12, 26)) for _ in range(12)]
    veteran = await _registered(db, user_id, due=date(2026, 12, 27), priority="veteran")
    closed = await _registered(db, user_id, due=date(2026, 12, 1), status="closed")
    async with db.transaction() as conn:
        assert await repo.count_listed(conn, ("submitted", "checking")) == 13
        first = await repo.listing(conn, ("submitted", "checking"), limit=5)
        rest = await repo.listing(conn, ("submitted", "checking"), limit=5, offset=10)
        assert [a.number for a in await repo.listing(conn, ("closed",))] == [closed]
    assert [a.number for a in first] == [veteran, *plain[:4]]
    assert [a.number for a in rest] == plain[9:]


async def test_the_morning_groups_are_counted_and_their_first_ones_read(
    db: Database, new_user: NewUser
) -> None:
    repo = AppealsRepo()
    user_id = await new_user("u1")
    today = date(2026, 12, 15)
    overdue = [await _registered(db, user_id, due=date(2026, 12, d)) for d in (10, 14, 12)]
    soon = [await _registered(db, user_id, due=date(2026, 12, d)) for d in (15, 20)]
    await _registered(db, user_id, due=date(2026, 12, 21))  # six days off: not yet
    await _registered(db, user_id, due=date(2026, 12, 1), status="answered")  # not open
    await _registered(db, user_id, due=date(2027, 1, 5), submitted=NOW + timedelta(days=10))
    async with db.transaction() as conn:
        yesterday, last = today - timedelta(days=1), today + timedelta(days=5)
        assert await repo.count_due(conn, yesterday) == 3
        listed = await repo.due_by(conn, yesterday, limit=2)
        assert [a.number for a in listed] == [overdue[0], overdue[2]]  # nearest deadline first
        assert await repo.count_due(conn, last, first_day=today) == 2
        due_soon = await repo.due_by(conn, last, first_day=today, limit=10)
        assert [a.number for a in due_soon] == soon
        waiting = ("submitted", "checking")
        before = NOW + timedelta(days=1)
        assert await repo.count_submitted_before(conn, waiting, before) == 6
        assert len(await repo.submitted_before(conn, waiting, before, limit=4)) == 4
