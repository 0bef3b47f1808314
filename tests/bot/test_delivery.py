from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import datetime
from pathlib import Path

from bot.channels.base import Part
from bot.delivery import Delivery, RetryLater, Undeliverable
from bot.sent_journal import SentJournal
from handlers.context import Job, Scope
from handlers.messages import Address, Attachment, Button, Event, Reply
from storage.db import Database
from storage.outbox import OutboxRepo
from tests.harness import TEST_CHANNEL, Chat, FakeClock, make_core


class FlakySender:
    """Fails as told per chat, records what got through."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.failures: dict[str, list[Exception]] = {}

    def parts(self, chat_id: str, reply: Reply) -> list[Part]:
        return [lambda first: self.send(chat_id, reply)]

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        pending = self.failures.get(chat_id)
        if pending:
            raise pending.pop(0)
        self.delivered.append((chat_id, reply.text))
        return str(len(self.delivered))


async def queue(db: Database, chat_id: str, text: str, now: datetime) -> None:
    async with db.transaction() as conn:
        await OutboxRepo().add(
            conn,
            channel="t",
            chat_id=chat_id,
            ref=None,
            now=now,
            reply=json.dumps(Reply(text).to_json()),
        )


async def test_flood_control_postpones_and_keeps_the_order_per_chat(
    db: Database, clock: FakeClock
) -> None:
    sender = FlakySender()
    sender.failures["A"] = [RetryLater(30, "flood control")]
    delivery = Delivery(db, {"t": sender}, clock)
    for text in ("a1", "a2"):
        await queue(db, "A", text, clock())
    await queue(db, "B", "b1", clock())

    await delivery.flush()
    assert sender.delivered == [("B", "b1")]  # a2 waits behind a1, B is not held up

    clock.advance(seconds=29)
    await delivery.flush()
    assert sender.delivered == [("B", "b1")]

    clock.advance(seconds=2)
    await delivery.flush()
    assert sender.delivered == [("B", "b1"), ("A", "a1"), ("A", "a2")]
    await delivery.flush()
    assert len(sender.delivered) == 3  # nothing is sent twice


async def test_an_unreachable_chat_is_marked_failed_and_reported(
    db: Database, clock: FakeClock
) -> None:
    sender = FlakySender()
    sender.failures["A"] = [Undeliverable("Forbidden: bot was blocked by the user")]
    failed: list[str] = []

    async def on_failed(item: object, error: str) -> None:
        failed.append(error)

    delivery = Delivery(db, {"t": sender}, clock, on_failed=on_failed)
    await queue(db, "A", "a1", clock())
    await queue(db, "A", "a2", clock())
    await delivery.flush()
    assert failed == ["Forbidden: bot was blocked by the user"]
    assert sender.delivered == [("A", "a2")]


async def test_messages_queued_before_a_crash_are_sent_after_restart(
    db: Database, clock: FakeClock
) -> None:
    await queue(db, "A", "не загубиться", clock())
    path = db.path
    await db.close()
    reopened = await Database.open(path)
    try:
        sender = FlakySender()
        await Delivery(reopened, {"t": sender}, clock).flush()
        assert sender.delivered == [("A", "не загубиться")]
    finally:
        await reopened.close()


class RecordingSender:
    def __init__(self) -> None:
        self.replies: list[Reply] = []

    def parts(self, chat_id: str, reply: Reply) -> list[Part]:
        return [lambda first: self.send(chat_id, reply)]

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        self.replies.append(reply)
        return str(len(self.replies))


async def test_a_generated_file_travels_through_the_outbox_whole(
    db: Database, clock: FakeClock
) -> None:
    calendar = Attachment.generated(b"BEGIN:VCALENDAR\r\n", "курс.ics", "text/calendar")
    reply = Reply("Ви записані", attachments=(calendar, Attachment("photo", "AgAC1")))
    async with db.transaction() as conn:
        await OutboxRepo().add(
            conn,
            channel="t",
            chat_id="A",
            ref=None,
            now=clock(),
            reply=json.dumps(reply.to_json(), ensure_ascii=False),
        )
    sender = RecordingSender()
    await Delivery(db, {"t": sender}, clock).flush()
    assert sender.replies == [reply]


async def test_reply_rows_written_before_the_attachment_type_are_delivered(
    db: Database, clock: FakeClock
) -> None:
    # Exactly what Reply.to_json wrote before (dataclasses.asdict, `to` left out).
    old = {
        "text": "Відповідь бібліотекаря",
        "buttons": [[{"label": "Меню", "payload": "menu", "url": None}]],
        "request_contact": False,
        "attachments": [
            {"kind": "document", "file_id": "BQAC1", "file_name": "лист.pdf", "size": None}
        ],
        "ref": "answer:1",
        "edit": None,
    }
    async with db.transaction() as conn:
        await OutboxRepo().add(
            conn, channel="t", chat_id="A", ref="answer:1", now=clock(), reply=json.dumps(old)
        )
    sender = RecordingSender()
    await Delivery(db, {"t": sender}, clock).flush()
    assert sender.replies == [
        Reply(
            "Відповідь бібліотекаря",
            ((Button("Меню", "menu"),),),
            attachments=(Attachment("document", "BQAC1", "лист.pdf"),),
            ref="answer:1",
        )
    ]


async def test_a_residents_reply_overtakes_bulk_reminders_even_while_they_go_out(
    db: Database, clock: FakeClock
) -> None:
    core, delivery, sender = make_core(db, clock)
    resident = Chat(core, delivery, sender, user_id="1001")

    async def remind_everyone(scope: Scope) -> None:
        for number in range(200):
            scope.send(Address(TEST_CHANNEL, f"r{number}"), f"Нагадування {number}")

    await core.run_job(Job("reminders", remind_everyone, {}))
    # The resident writes while the reminders are being sent: after the 5th one.
    real_send = sender.send
    written: list[object] = []

    async def send(chat_id: str, reply: Reply) -> str | None:
        if len(sender.sent) == 5 and not written:
            written.append(
                await core.handle(
                    Event(TEST_CHANNEL, resident.user_id, resident.chat_id, text="/help")
                )
            )
        return await real_send(chat_id, reply)

    sender.send = send  # type: ignore[method-assign]
    await delivery.flush()
    order = [s.chat_id for s in sender.sent]
    assert len(order) == 201
    assert order.index(resident.chat_id) <= 6  # next, not after 195 more reminders


async def test_a_message_confirmed_just_before_a_kill_is_not_sent_again_after_restart(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    journal_file = tmp_path / "reception.sqlite3.sent"
    await queue(db, "1001", "Дякую! Ваше запитання №7 передано бібліотекарям.", clock.now)
    sender = FlakySender()
    delivered, held, release = asyncio.Event(), asyncio.Event(), asyncio.Event()
    real_send = sender.send

    async def hold_the_database() -> None:
        async with db.transaction():
            held.set()
            await release.wait()

    async def send(chat_id: str, reply: Reply) -> str | None:
        message_id = await real_send(chat_id, reply)
        # Another transaction takes the database as the messenger confirms the message:
        # the mark in the outbox has to wait, and the process is killed while it waits.
        blocker.append(asyncio.create_task(hold_the_database()))
        await held.wait()
        delivered.set()
        return message_id

    blocker: list[asyncio.Task[None]] = []
    sender.send = send  # type: ignore[method-assign]
    first = Delivery(db, {"t": sender}, clock, journal=SentJournal(journal_file))
    flushing = asyncio.create_task(first.flush())
    await delivered.wait()
    flushing.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await flushing
    release.set()
    await blocker[0]
    async with db.transaction() as conn:  # the kill left the send unrecorded in the outbox
        assert len(await OutboxRepo().pending(conn, clock.now)) == 1

    restarted = Delivery(db, {"t": sender}, clock, journal=SentJournal(journal_file))
    assert await restarted.recover() == 1
    assert await restarted.flush() == 0
    assert [text for _chat, text in sender.delivered] == [
        "Дякую! Ваше запитання №7 передано бібліотекарям."
    ]


async def test_a_reply_behind_many_chats_waiting_for_a_retry_still_goes_out_at_once(
    db: Database, clock: FakeClock
) -> None:
    # Twelve chats hit flood control: their messages wait a minute, queued first.
    sender = FlakySender()
    for number in range(12):
        chat = f"w{number}"
        await queue(db, chat, f"Нагадування {number}", clock.now)
        sender.failures[chat] = [RetryLater(60, "flood control")]
    delivery = Delivery(db, {"t": sender}, clock, parallel=2)
    assert await delivery.flush() == 0
    # A resident writes: the reply must not wait behind the twelve.
    await queue(db, "1001", "Головне меню", clock.now)
    assert await delivery.flush() == 1
    assert sender.delivered == [("1001", "Головне меню")]
