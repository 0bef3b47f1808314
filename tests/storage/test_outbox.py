"""Outgoing messages: queued in order, then sent, retried later or given up on."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

from bot.sent_journal import Mark
from storage.db import Database
from storage.outbox import OutboxRepo

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

repo = OutboxRepo()


def _reply(text: str) -> str:
    return json.dumps({"text": text}, ensure_ascii=False)


async def _add(
    db: Database,
    text: str,
    *,
    chat_id: str = "1001",
    channel: str = "telegram",
    ref: str | None = None,
    now: datetime = NOW,
    urgent: bool = True,
) -> int:
    async with db.transaction() as conn:
        return await repo.add(
            conn,
            channel=channel,
            chat_id=chat_id,
            reply=_reply(text),
            ref=ref,
            now=now,
            urgent=urgent,
        )


async def _sent(
    db: Database, text: str, external_id: str, *, chat_id: str = "1001", ref: str | None = None
) -> int:
    item_id = await _add(db, text, chat_id=chat_id, ref=ref)
    async with db.transaction() as conn:
        await repo.mark_sent(conn, [Mark(item_id, 1, external_id, True)], NOW)
    return item_id


async def test_queued_messages_wait_in_the_order_they_were_queued(db: Database) -> None:
    first = await _add(db, "Вітаю!", ref="ticket:1")
    second = await _add(db, "Оберіть розділ", chat_id="2002", channel="viber")
    async with db.transaction() as conn:
        pending = await repo.pending(conn, NOW)

    assert [item.id for item in pending] == [first, second]
    greeting, menu = pending
    assert (greeting.channel, greeting.chat_id, greeting.ref) == ("telegram", "1001", "ticket:1")
    assert json.loads(greeting.reply) == {"text": "Вітаю!"}
    assert greeting.attempts == 0 and greeting.created_at == NOW and greeting.is_due
    assert (menu.channel, menu.chat_id, menu.ref) == ("viber", "2002", None)


async def test_a_batch_of_pending_messages_is_the_oldest_ones(db: Database) -> None:
    ids = [await _add(db, f"Повідомлення {n}", chat_id=str(n)) for n in range(5)]
    async with db.transaction() as conn:
        assert [item.id for item in await repo.pending(conn, NOW, limit=2)] == ids[:2]


async def test_chats_being_served_are_skipped_and_the_next_chats_read_instead(
    db: Database,
) -> None:
    served = await _add(db, "Стаття, що вже надсилається", chat_id="1")
    same_number_other_channel = await _add(db, "У Viber", chat_id="1", channel="viber")
    waiting = await _add(db, "Чекає після 429", chat_id="2")
    next_one = await _add(db, "Наступна", chat_id="3")
    async with db.transaction() as conn:
        heads = await repo.pending(conn, NOW, limit=2, skip={("telegram", "1"), ("telegram", "2")})
        everything = await repo.pending(conn, NOW)
    assert [item.id for item in heads] == [same_number_other_channel, next_one]
    assert [item.id for item in everything] == [
        served,
        same_number_other_channel,
        waiting,
        next_one,
    ]


async def test_thousands_of_skipped_chats_are_no_trouble_on_an_older_sqlite(
    db: Database,
) -> None:
    # SQLite builds before 3.32 take at most 999 parameters a statement; flood control
    # on a bulk job can leave thousands of chats waiting within one delivery round.
    db._inline.raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    waiting = {("telegram", str(700_000 + n)) for n in range(5000)}
    due = await _add(db, "Відповідь", chat_id="42")
    async with db.transaction() as conn:
        assert [item.id for item in await repo.pending(conn, NOW, skip=waiting)] == [due]


async def test_replies_to_people_go_before_bulk_but_never_ahead_in_their_own_chat(
    db: Database,
) -> None:
    reminders = [await _add(db, f"Нагадування {n}", chat_id=str(n), urgent=False) for n in range(3)]
    reply = await _add(db, "Відповідь на щойно надіслане", chat_id="77")
    behind = await _add(db, "Відповідь у чаті з нагадуванням", chat_id="1")
    async with db.transaction() as conn:
        order = [item.id for item in await repo.pending(conn, NOW)]
    # The urgent reply first; the one in chat 1 waits for that chat's reminder.
    assert order == [reply, *reminders]
    assert behind not in order


async def test_nothing_queued_means_nothing_pending_and_no_due_time(db: Database) -> None:
    async with db.transaction() as conn:
        assert await repo.pending(conn, NOW) == []
        assert await repo.next_due_at(conn) is None


async def test_a_sent_message_leaves_the_queue_and_is_known_as_ours(db: Database) -> None:
    item_id = await _add(db, "Картка запитання №1", chat_id="-100500", ref="ticket:1")
    async with db.transaction() as conn:
        await repo.mark_sent(conn, [Mark(item_id, 1, "777", True)], NOW)
        assert await repo.pending(conn, NOW) == []
        assert await repo.next_due_at(conn) is None
        assert await repo.is_ours(conn, "telegram", "-100500", "777")
        assert await repo.find_ref(conn, "telegram", "-100500", "777") == "ticket:1"
        assert await repo.find_external(conn, "telegram", "-100500", "ticket:1") == "777"


async def test_a_reply_sent_in_part_keeps_its_progress_and_its_first_message(
    db: Database,
) -> None:
    # A staff card whose text went out while its photo met flood control.
    item_id = await _add(db, "Картка запитання №2", chat_id="-100500", ref="ticket:2")
    async with db.transaction() as conn:
        await repo.postpone(conn, item_id, NOW, "Too Many Requests: retry after 1")
        await repo.mark_part_sent(conn, item_id, 1, "778")
        await repo.postpone(conn, item_id, NOW, "Too Many Requests: retry after 1")
        [waiting] = await repo.pending(conn, NOW)
        assert (waiting.parts_sent, waiting.external_id) == (1, "778")
        assert waiting.attempts == 1  # counted again from the confirmed message on
        # A librarian may answer the card already: it is known by its first message.
        assert await repo.find_ref(conn, "telegram", "-100500", "778") == "ticket:2"

        await repo.mark_sent(conn, [Mark(item_id, 2, "778", True)], NOW)
        assert await repo.pending(conn, NOW) == []
        assert await repo.find_external(conn, "telegram", "-100500", "ticket:2") == "778"


async def test_a_postponed_message_is_retried_only_when_its_time_comes(db: Database) -> None:
    item_id = await _add(db, "Відповідь бібліотекаря")
    retry_at = NOW + timedelta(seconds=30)
    async with db.transaction() as conn:
        await repo.postpone(conn, item_id, retry_at, "Too Many Requests: retry after 30")
        [waiting] = await repo.pending(conn, NOW)
        assert waiting.id == item_id and not waiting.is_due
        assert waiting.attempts == 1
        assert await repo.next_due_at(conn) == retry_at
        [due] = await repo.pending(conn, retry_at)
        assert due.is_due

        await repo.postpone(conn, item_id, retry_at + timedelta(minutes=1), "Bad Gateway")
        [again] = await repo.pending(conn, retry_at)
        assert again.attempts == 2 and not again.is_due


async def test_a_message_held_back_still_blocks_later_ones_to_the_same_chat(
    db: Database,
) -> None:
    first = await _add(db, "Перше")
    second = await _add(db, "Друге")
    async with db.transaction() as conn:
        await repo.postpone(conn, first, NOW + timedelta(minutes=1), "timeout")
        pending = await repo.pending(conn, NOW)
    # Only the first comes back, not due: the second waits behind it.
    assert [(item.id, item.is_due) for item in pending] == [(first, False)]
    assert second not in [item.id for item in pending]


async def test_the_next_due_time_is_the_earliest_pending_one(db: Database) -> None:
    early = await _add(db, "Раннє")
    late = await _add(db, "Пізнє")
    async with db.transaction() as conn:
        await repo.postpone(conn, early, NOW + timedelta(minutes=5), "timeout")
        await repo.postpone(conn, late, NOW + timedelta(minutes=2), "timeout")
        assert await repo.next_due_at(conn) == NOW + timedelta(minutes=2)
        await repo.mark_sent(conn, [Mark(late, 1, "1", True)], NOW + timedelta(minutes=2))
        assert await repo.next_due_at(conn) == NOW + timedelta(minutes=5)


async def test_a_failed_message_is_given_up_on(db: Database) -> None:
    item_id = await _add(db, "Відповідь", ref="answer:1")
    async with db.transaction() as conn:
        await repo.mark_failed(conn, item_id, "Forbidden: bot was blocked by the user")
        assert await repo.pending(conn, NOW + timedelta(days=1)) == []
        assert await repo.next_due_at(conn) is None
        assert await repo.find_external(conn, "telegram", "1001", "answer:1") is None


async def test_a_message_id_is_looked_up_only_in_its_own_chat(db: Database) -> None:
    await _sent(db, "Картка", "55", chat_id="-100500", ref="ticket:7")
    async with db.transaction() as conn:
        assert await repo.find_ref(conn, "telegram", "1001", "55") is None
        assert await repo.find_ref(conn, "viber", "-100500", "55") is None
        assert not await repo.is_ours(conn, "telegram", "1001", "55")
        assert not await repo.is_ours(conn, "telegram", "-100500", "56")


async def test_a_sent_message_without_a_ref_is_ours_but_belongs_to_nothing(db: Database) -> None:
    await _sent(db, "Довідка", "12")
    async with db.transaction() as conn:
        assert await repo.is_ours(conn, "telegram", "1001", "12")
        assert await repo.find_ref(conn, "telegram", "1001", "12") is None


async def test_the_message_to_edit_is_the_latest_sent_under_that_exact_ref(db: Database) -> None:
    await _sent(db, "Картка", "100", chat_id="-100500", ref="ticket:3")
    await _sent(db, "Картка знову", "140", chat_id="-100500", ref="ticket:3")
    await _sent(db, "Уточнення", "150", chat_id="-100500", ref="ticket:3:follow-up")
    await _add(db, "Ще не надіслана", chat_id="-100500", ref="ticket:3")
    async with db.transaction() as conn:
        assert await repo.find_external(conn, "telegram", "-100500", "ticket:3") == "140"
        assert await repo.find_external(conn, "telegram", "-100500", "ticket:30") is None
        assert await repo.find_external(conn, "telegram", "1001", "ticket:3") is None


async def test_recent_buttons_are_the_chats_own_newest_first(db: Database) -> None:
    for text in ("Перша", "Друга", "Третя", "Четверта"):
        await _add(db, text)
    await _add(db, "Іншому", chat_id="2002")
    await _add(db, "У Viber", channel="viber")
    async with db.transaction() as conn:
        await repo.add(
            conn,
            channel="telegram",
            chat_id="1001",
            reply=json.dumps(
                {"text": "Стаття " * 500, "buttons": [[{"label": "Так", "payload": "y"}]]}
            ),
            ref=None,
            now=NOW,
        )
        recent = await repo.recent_buttons(conn, "telegram", "1001")
        two = await repo.recent_buttons(conn, "telegram", "1001", limit=2)
        nobody = await repo.recent_buttons(conn, "telegram", "3003")
    assert recent == [[[{"label": "Так", "payload": "y"}]], [], []]
    assert two == [[[{"label": "Так", "payload": "y"}]], []]
    assert nobody == []
