"""Questions handed to librarians: what is kept, and how a ticket moves between states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.attachments import Attachment
from storage.db import Database
from storage.tickets import Ticket, TicketsRepo
from tests.helpers.storage import NewUser

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

repo = TicketsRepo()


async def _open(
    db: Database,
    user_id: int,
    question: str = "Як записатися на курси англійської?",
    *,
    now: datetime = NOW,
    source: str = "menu",
    candidates: tuple[str, ...] = (),
    attachments: tuple[Attachment, ...] = (),
) -> Ticket:
    async with db.transaction() as conn:
        return await repo.open(
            conn,
            user_id=user_id,
            question=question,
            source=source,
            candidates=list(candidates),
            query_id=None,
            now=now,
            attachments=attachments,
        )


async def _get(db: Database, ticket_id: int) -> Ticket:
    async with db.transaction() as conn:
        ticket = await repo.get(conn, ticket_id)
    assert ticket is not None
    return ticket


async def test_an_opened_ticket_waits_with_the_question_as_its_first_message(
    db: Database, new_user: NewUser
) -> None:
    user_id = await new_user("1001")
    photo = Attachment("photo", "AgAD1")
    ticket = await _open(
        db,
        user_id,
        "Де взяти довідку про склад сім'ї?",
        source="kb_none",
        candidates=("family-certificate", "housing-subsidy"),
        attachments=(photo,),
    )

    assert ticket.status == "open"
    assert ticket.user_id == user_id
    assert ticket.question == "Де взяти довідку про склад сім'ї?"
    assert ticket.source == "kb_none"
    assert ticket.candidates == ["family-certificate", "housing-subsidy"]
    assert ticket.created_at == NOW
    assert ticket.assignee_id is None and ticket.answered_at is None and ticket.closed_at is None
    assert ticket.rating is None and ticket.delivery_error is None
    assert await _get(db, ticket.id) == ticket
    async with db.transaction() as conn:
        [first] = await repo.messages(conn, ticket.id)
    assert first.author == "citizen" and first.author_name is None
    assert first.text == "Де взяти довідку про склад сім'ї?"
    assert first.attachments == (photo,)
    assert first.created_at == NOW


async def test_tickets_are_numbered_in_the_order_they_are_opened(
    db: Database, new_user: NewUser
) -> None:
    user_id = await new_user("1001")
    first = await _open(db, user_id, "Перше питання")
    second = await _open(db, user_id, "Друге питання")
    assert second.id == first.id + 1


async def test_a_persons_tickets_are_listed_oldest_first_without_anyone_elses(
    db: Database, new_user: NewUser
) -> None:
    olena, petro, nina = await new_user("1001"), await new_user("1002"), await new_user("1003")
    first = await _open(db, olena, "Перше питання Олени")
    await _open(db, petro, "Питання Петра")
    second = await _open(db, olena, "Друге питання Олени")
    async with db.transaction() as conn:
        listed = await repo.of_user(conn, olena)
        assert await repo.of_user(conn, nina) == []
    assert [(t.id, t.question) for t in listed] == [
        (first.id, "Перше питання Олени"),
        (second.id, "Друге питання Олени"),
    ]


async def test_an_unknown_ticket_number_finds_nothing(db: Database) -> None:
    async with db.transaction() as conn:
        assert await repo.get(conn, 42) is None


async def test_the_thread_keeps_every_message_in_order_with_its_files(
    db: Database, new_user: NewUser
) -> None:
    user_id = await new_user("1001")
    ticket = await _open(db, user_id, "Чи працює бібліотека в суботу?")
    scan = Attachment("document", "BQAD2", "графік.pdf")
    async with db.transaction() as conn:
        await repo.add_message(
            conn, ticket.id, "librarian", "Ірина", "Так, з 9 до 18.", (scan,), NOW
        )
        await repo.add_message(
            conn, ticket.id, "citizen", None, "Дякую!", [], NOW + timedelta(minutes=5)
        )
        thread = await repo.messages(conn, ticket.id)

    assert [(m.author, m.author_name, m.text) for m in thread] == [
        ("citizen", None, "Чи працює бібліотека в суботу?"),
        ("librarian", "Ірина", "Так, з 9 до 18."),
        ("citizen", None, "Дякую!"),
    ]
    assert thread[1].attachments == (scan,)
    assert thread[2].created_at == NOW + timedelta(minutes=5)


async def test_threads_of_two_tickets_do_not_mix(db: Database, new_user: NewUser) -> None:
    first = await _open(db, await new_user("1001"), "Питання Олени")
    second = await _open(db, await new_user("1002"), "Питання Петра")
    async with db.transaction() as conn:
        await repo.add_message(conn, first.id, "librarian", "Ірина", "Відповідь Олені", [], NOW)
        assert [m.text for m in await repo.messages(conn, second.id)] == ["Питання Петра"]


async def test_a_taken_ticket_names_the_librarian_and_still_waits_for_an_answer(
    db: Database, new_user: NewUser
) -> None:
    ticket = await _open(db, await new_user("1001"))
    async with db.transaction() as conn:
        await repo.assign(conn, ticket.id, "9001", "Бібліотекарка Ірина")
        assert [t.id for t in await repo.open_tickets(conn)] == [ticket.id]
    taken = await _get(db, ticket.id)
    assert (taken.assignee_id, taken.assignee_name) == ("9001", "Бібліотекарка Ірина")
    assert taken.status == "open"


async def test_an_answered_ticket_records_who_answered_and_when(
    db: Database, new_user: NewUser
) -> None:
    ticket = await _open(db, await new_user("1001"))
    later = NOW + timedelta(hours=1)
    async with db.transaction() as conn:
        await repo.mark_answered(conn, ticket.id, "Бібліотекарка Ірина", later)
        assert await repo.open_tickets(conn) == []
    answered = await _get(db, ticket.id)
    assert answered.status == "answered"
    assert answered.answered_at == later
    assert answered.answered_by == "Бібліотекарка Ірина"


async def test_an_answer_that_reaches_the_citizen_clears_the_delivery_error(
    db: Database, new_user: NewUser
) -> None:
    ticket = await _open(db, await new_user("1001"))
    async with db.transaction() as conn:
        await repo.delivery_failed(conn, ticket.id, "Forbidden: bot was blocked by the user")
    assert (await _get(db, ticket.id)).delivery_error == "Forbidden: bot was blocked by the user"
    async with db.transaction() as conn:
        await repo.mark_answered(conn, ticket.id, "Ірина", NOW)
    assert (await _get(db, ticket.id)).delivery_error is None


async def test_a_closed_ticket_is_not_reopened_by_a_late_answer(
    db: Database, new_user: NewUser
) -> None:
    ticket = await _open(db, await new_user("1001"))
    closed_at = NOW + timedelta(hours=2)
    async with db.transaction() as conn:
        await repo.close(conn, ticket.id, "Бібліотекарка Ірина", closed_at)
        await repo.mark_answered(conn, ticket.id, "Бібліотекар Петро", closed_at)
    closed = await _get(db, ticket.id)
    assert closed.status == "closed"
    assert closed.closed_at == closed_at and closed.closed_by == "Бібліотекарка Ірина"
    assert closed.answered_at is None and closed.answered_by is None


@pytest.mark.parametrize("first", ["answered", "closed"])
async def test_a_follow_up_puts_the_ticket_back_in_the_queue(
    db: Database, new_user: NewUser, first: str
) -> None:
    ticket = await _open(db, await new_user("1001"))
    async with db.transaction() as conn:
        if first == "answered":
            await repo.mark_answered(conn, ticket.id, "Ірина", NOW)
        else:
            await repo.close(conn, ticket.id, "Ірина", NOW)
        await repo.reopen(conn, ticket.id)
        assert [t.id for t in await repo.open_tickets(conn)] == [ticket.id]
    reopened = await _get(db, ticket.id)
    assert reopened.status == "open"
    assert reopened.closed_at is None and reopened.closed_by is None


async def test_the_queue_is_oldest_first_and_holds_only_unanswered_tickets(
    db: Database, new_user: NewUser
) -> None:
    user_id = await new_user("1001")
    newest = await _open(db, user_id, "Найновіше", now=NOW + timedelta(hours=3))
    oldest = await _open(db, user_id, "Найстаріше", now=NOW)
    answered = await _open(db, user_id, "Вже з відповіддю", now=NOW + timedelta(hours=1))
    closed = await _open(db, user_id, "Закрите", now=NOW + timedelta(hours=2))
    async with db.transaction() as conn:
        await repo.mark_answered(conn, answered.id, "Ірина", NOW + timedelta(hours=4))
        await repo.close(conn, closed.id, "Ірина", NOW + timedelta(hours=4))
        queue = await repo.open_tickets(conn)
    assert [t.question for t in queue] == ["Найстаріше", "Найновіше"]
    assert [t.id for t in queue] == [oldest.id, newest.id]


async def test_the_active_ticket_is_the_latest_open_or_recently_answered_one(
    db: Database, new_user: NewUser
) -> None:
    olena, petro = await new_user("1001"), await new_user("1002")
    since = NOW - timedelta(days=1)
    async with db.transaction() as conn:
        assert await repo.active_of_user(conn, olena, since) is None

    first = await _open(db, olena, "Перше")
    second = await _open(db, olena, "Друге")
    await _open(db, petro, "Чуже")
    async with db.transaction() as conn:
        active = await repo.active_of_user(conn, olena, since)
        assert active is not None and active.id == second.id

        await repo.close(conn, second.id, "Ірина", NOW)
        active = await repo.active_of_user(conn, olena, since)
        assert active is not None and active.id == first.id

        await repo.mark_answered(conn, first.id, "Ірина", NOW)
        active = await repo.active_of_user(conn, olena, since)
        assert active is not None and active.id == first.id
        # Answered before the window: the conversation is over.
        assert await repo.active_of_user(conn, olena, NOW + timedelta(seconds=1)) is None


async def test_open_tickets_come_a_page_at_a_time_oldest_first(
    db: Database, new_user: NewUser
) -> None:
    user_id = await new_user("1001")
    # Asked in the reverse order of their ids: the page follows the time asked.
    opened = [await _open(db, user_id, f"Q{i}", now=NOW - timedelta(minutes=i)) for i in range(25)]
    async with db.transaction() as conn:
        await repo.close(conn, opened[0].id, "Ірина", NOW)
        assert await repo.count_open(conn) == 24
        first = await repo.open_page(conn, limit=10)
        last = await repo.open_page(conn, limit=10, offset=20)
    assert [t.question for t in first] == [f"Q{i}" for i in range(24, 14, -1)]
    assert [t.question for t in last] == ["Q4", "Q3", "Q2", "Q1"]


async def test_overdue_tickets_are_counted_listed_reposted_and_their_residents_told_once(
    db: Database, new_user: NewUser
) -> None:
    user_id = await new_user("1001")
    old = await _open(db, user_id, "old", now=NOW - timedelta(hours=3))
    older = await _open(db, user_id, "older", now=NOW - timedelta(hours=4))
    recent = await _open(db, user_id, "recent", now=NOW - timedelta(hours=1))
    closed = await _open(db, user_id, "closed", now=NOW - timedelta(hours=5))
    cutoff = NOW - timedelta(hours=2)
    async with db.transaction() as conn:
        await repo.close(conn, closed.id, "Ірина", NOW)
        assert await repo.count_overdue(conn, cutoff) == 2
        assert [t.id for t in await repo.overdue(conn, cutoff, limit=1)] == [older.id]
        assert await repo.to_remind(conn, limit=10) == []  # nothing re-posted yet

        assert await repo.mark_overdue_reposted(conn, cutoff, NOW) == 2
        assert await repo.count_overdue(conn, cutoff) == 0  # the wait starts again
        assert [t.id for t in await repo.to_remind(conn, limit=10)] == [old.id, older.id]
        await repo.mark_reminded(conn, [old.id, older.id], NOW)
        assert await repo.to_remind(conn, limit=10) == []

        # Two hours on all three are overdue; only the newly re-posted one is to be told.
        later = NOW + timedelta(hours=2)
        assert await repo.mark_overdue_reposted(conn, later, later) == 3
        assert [t.id for t in await repo.to_remind(conn, limit=10)] == [recent.id]
    again = await _get(db, old.id)
    assert again.reposted_at == later and again.reminded_at == NOW


@pytest.mark.parametrize("rating", ["up", "down"])
async def test_the_citizens_rating_is_kept(db: Database, new_user: NewUser, rating: str) -> None:
    ticket = await _open(db, await new_user("1001"))
    async with db.transaction() as conn:
        await repo.rate(conn, ticket.id, rating)
    assert (await _get(db, ticket.id)).rating == rating


async def test_attachments_of_rows_written_before_the_one_attachment_type_are_read(
    db: Database, new_user: NewUser
) -> None:
    user_id = await new_user("1001")
    ticket = await _open(db, user_id, attachments=(Attachment("photo", "AgACphoto1", size=1000),))
    async with db.transaction() as conn:
        await repo.add_message(conn, ticket.id, "librarian", "Ірина", "Ось", (), NOW)
        # A librarian's answer as the code before the one attachment type stored it.
        await conn.execute(
            "UPDATE ticket_messages SET attachments = ? WHERE author = 'librarian'",
            ('[{"kind": "document", "file_id": "BQACdoc1", "file_name": "лист.pdf"}]',),
        )
        question, answer = await repo.messages(conn, ticket.id)
    assert question.attachments == (Attachment("photo", "AgACphoto1", size=1000),)
    assert answer.attachments == (Attachment("document", "BQACdoc1", "лист.pdf"),)
