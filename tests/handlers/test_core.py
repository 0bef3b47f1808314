"""When a handler fails: the person is apologised to, and nothing half-done is kept."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import pytest

from handlers import texts
from handlers.context import Context, Job, Scope
from handlers.features import build_routes
from handlers.queue.resident import ASK_QUESTION
from handlers.routing import Command
from storage.db import Database, fetch_one
from storage.dialogs import DialogsRepo
from storage.outbox import OutboxRepo
from storage.tickets import TicketsRepo
from storage.users import UsersRepo
from tests.harness import MENU_LABELS, STAFF_CHAT, TEST_CHANNEL, Chat, FakeClock, make_core

QUESTION = "Чи можна продовжити книжку телефоном?"


@dataclass
class Fault:
    """While `on`, the question step fails after doing all its work (ticket, card, reply)."""

    on: bool = True
    runs: int = 0


@pytest.fixture
def fault() -> Fault:
    return Fault()


@pytest.fixture
def chat(db: Database, clock: FakeClock, fault: Fault) -> Chat:
    routes = build_routes()
    table = routes.features
    real = table.steps[ASK_QUESTION]

    async def fails_at_the_end(ctx: Context) -> None:
        fault.runs += 1
        await real(ctx)
        if fault.on:
            raise RuntimeError("disk I/O error")

    table.steps[ASK_QUESTION] = fails_at_the_end

    async def fails_at_once(ctx: Context) -> None:
        raise RuntimeError("the queue is unreadable")

    table.staff_commands["queue"] = Command(fails_at_once)
    core, delivery, sender = make_core(db, clock, routes=routes)
    return Chat(core, delivery, sender)


async def _at_the_question(chat: Chat) -> None:
    await chat.say("/start")
    [prompt] = await chat.press(texts.BTN_LIBRARIAN)
    assert prompt.text == texts.ASK_PROMPT


async def _step_of(db: Database, chat: Chat) -> str | None:
    async with db.transaction() as conn:
        user = await UsersRepo().find(conn, TEST_CHANNEL, chat.user_id)
        assert user is not None
        saved = await DialogsRepo().load(conn, user.id)
    return saved[0] if saved else None


async def test_the_person_gets_an_apology_with_the_way_home(chat: Chat) -> None:
    await _at_the_question(chat)

    sent = await chat.say(QUESTION)

    [apology] = sent  # nothing to the librarians, no «question accepted»
    assert apology.chat_id == chat.chat_id
    assert apology.text == texts.INTERNAL_ERROR
    assert apology.labels == [texts.BTN_MENU]
    [menu] = await chat.press(texts.BTN_MENU)
    assert menu.labels == MENU_LABELS


async def test_nothing_the_failed_handler_wrote_is_kept(
    chat: Chat, db: Database, fault: Fault
) -> None:
    await _at_the_question(chat)

    await chat.say(QUESTION)

    async with db.transaction() as conn:
        assert await TicketsRepo().open_tickets(conn) == []
        assert await TicketsRepo().get(conn, 1) is None
    # The step the handler left is not saved: the person is still asked for a question.
    assert await _step_of(db, chat) == ASK_QUESTION

    fault.on = False
    sent = await chat.say(QUESTION)
    # The rolled-back ticket did not use up its number.
    assert [s.text for s in sent if s.chat_id == chat.chat_id] == [
        texts.ASK_ACCEPTED_OPEN.format(number=1)
    ]
    [card] = [s for s in sent if s.chat_id == STAFF_CHAT]
    assert "Запитання №1" in card.text and QUESTION in card.text


async def test_a_redelivered_update_is_not_handled_again(
    chat: Chat, db: Database, fault: Fault
) -> None:
    await _at_the_question(chat)
    [apology] = await chat.send(text=QUESTION, update_key="501")
    assert apology.text == texts.INTERNAL_ERROR

    fault.on = False  # even if it would work now: the person was already answered
    assert await chat.send(text=QUESTION, update_key="501") == []
    assert fault.runs == 1
    async with db.transaction() as conn:
        assert await OutboxRepo().pending(conn, chat.core.services.clock()) == []

    sent = await chat.send(text=QUESTION, update_key="502")
    assert texts.ASK_ACCEPTED_OPEN.format(number=1) in [s.text for s in sent]
    assert fault.runs == 2


async def test_the_failure_is_logged_without_what_the_person_wrote(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    await _at_the_question(chat)
    caplog.set_level(logging.INFO)

    await chat.say(QUESTION)

    [failure] = [r for r in caplog.records if r.getMessage().startswith("handler failed")]
    assert failure.levelno == logging.ERROR
    assert failure.exc_info is not None and "disk I/O error" in str(failure.exc_info[1])
    assert QUESTION not in caplog.text


async def test_a_librarians_failing_command_is_apologised_for_in_the_staff_chat(
    chat: Chat,
) -> None:
    [apology] = await chat.staff_say("/queue")
    assert apology.chat_id == STAFF_CHAT
    assert apology.text == texts.INTERNAL_ERROR
    assert apology.labels == []  # the staff chat has no menu: no «До меню» there


# --- Jobs in batches --------------------------------------------------------------------


async def test_a_job_with_more_to_do_runs_again_and_lets_a_resident_in_between(
    db: Database, clock: FakeClock
) -> None:
    chat = Chat(*make_core(db, clock))
    rounds: list[int] = []

    async def in_three_batches(scope: Scope) -> bool:
        rounds.append(len(rounds) + 1)
        scope.to_staff(f"batch {rounds[-1]}")
        return len(rounds) < 3

    job = Job("batches", in_three_batches, {})
    queued, _ = await asyncio.gather(chat.core.run_job(job), chat.say("/start"))
    await chat.delivery.flush()

    assert [o.reply.text for o in queued] == ["batch 1", "batch 2", "batch 3"]
    order = [s.text for s in chat.sender.sent]
    # Each batch is a transaction of its own: the resident, who wrote while the first one
    # ran, is answered before the last, not after all of them.
    assert order.index(texts.GREETING) < order.index("batch 3")


async def test_a_job_failing_in_a_later_round_keeps_the_rounds_before(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    chat = Chat(*make_core(db, clock))

    async def fails_second(scope: Scope) -> bool:
        row = await fetch_one(scope.conn, "SELECT COUNT(*) FROM outbox")
        scope.to_staff("first batch")
        if row is not None and row[0] > 0:
            raise RuntimeError("the second batch breaks")
        return True

    queued = await chat.core.run_job(Job("breaks", fails_second, {}))
    await chat.delivery.flush()

    assert [o.reply.text for o in queued] == ["first batch"]
    assert [s.text for s in chat.sender.sent] == ["first batch"]
    assert "job breaks failed" in caplog.text
