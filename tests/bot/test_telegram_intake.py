"""How Telegram updates come in when things go wrong: answers that fail, membership checks
that fail, updates that cannot be read, members who leave, webhook bodies that are junk."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from handlers import texts
from storage.db import Database
from storage.inbox import InboxRepo
from tests.fakes import ApiCall, FakeTelegramServer
from tests.helpers.telegram import (
    CITIZEN,
    STAFF_CHAT_ID,
    open_ask_librarian,
    running,
    settings_for,
    shown,
    to_chat,
)

LIBRARIAN = 5005
IN_STAFF_CHAT = {"chat_id": STAFF_CHAT_ID, "chat_type": "supergroup"}


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as server:
        yield server


async def _card(tg: FakeTelegramServer) -> int:
    """A resident's question reaches the staff chat; the card's message id."""
    await open_ask_librarian(tg)
    tg.send_text("Де подивитися розклад курсів?")
    card = await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID, "❓ Запитання №1"))
    return int(card.result["message_id"])


async def _greeted(tg: FakeTelegramServer) -> ApiCall:
    """The resident starts the bot; its greeting, with the menu's buttons."""
    tg.send_text("/start")
    return await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))


def _take(tg: FakeTelegramServer, card_id: int) -> None:
    tg.press_button(
        "tk:take:1",
        message_id=card_id,
        user_id=LIBRARIAN,
        first_name="Ірина",
        chat_id=STAFF_CHAT_ID,
    )


async def test_a_press_whose_spinner_cannot_be_stopped_is_still_handled(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        greeting = await _greeted(tg)
        # As after a restart: Telegram refuses to answer the press, it is too old.
        tg.fail_next(
            "answerCallbackQuery",
            error_code=400,
            description="Bad Request: query is too old and response timeout expired",
        )
        tg.press_button("ask", message_id=greeting.result["message_id"])
        await tg.wait_for("sendMessage", to_chat(CITIZEN, texts.ASK_PROMPT[:20]))


async def test_a_residents_start_needs_no_membership_check(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        tg.fail_next("getChatMember", error_code=500, description="Internal Server Error")
        tg.send_text("/start")
        await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))
    assert not [call for call in tg.calls if call.method == "getChatMember"]


async def test_a_librarians_press_survives_a_failed_membership_check(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN, "member")
    async with running(settings_for(tg, tmp_path), tg):
        card_id = await _card(tg)
        tg.fail_next("getChatMember", error_code=502, description="Bad Gateway")
        _take(tg, card_id)
        taken = await tg.wait_for("editMessageText")
        assert "Взяв(ла): Ірина" in shown(taken)


async def test_a_restricted_member_of_the_staff_group_does_not_act_as_staff(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN, "restricted", is_member=True)
    async with running(settings_for(tg, tmp_path), tg):
        card_id = await _card(tg)
        _take(tg, card_id)
        await tg.wait_for(
            "answerCallbackQuery", lambda c: c.params.get("text") == texts.STAFF_ONLY_BUTTONS
        )
        tg.send_text("/queue", user_id=LIBRARIAN, **IN_STAFF_CHAT)
        tg.send_text("/start")  # a marker: handled after the two above
        await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))
    assert not [call for call in tg.calls if call.method == "editMessageText"]
    assert not [t for t in tg.sent_texts(STAFF_CHAT_ID) if t.startswith("Відкриті запитання")]


async def test_a_librarian_who_leaves_the_group_stops_acting_at_once(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN, "member")
    async with running(settings_for(tg, tmp_path), tg):
        card_id = await _card(tg)
        tg.send_text("/queue", user_id=LIBRARIAN, **IN_STAFF_CHAT)
        await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID))  # a member: answered
        # Removed from the group; Telegram tells the bot (an admin there) at once.
        tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN, "kicked")
        tg.push_update(
            {
                "chat_member": {
                    "chat": {"id": STAFF_CHAT_ID, "type": "supergroup", "title": "Бібліотекарі"},
                    "from": {"id": 42, "is_bot": False, "first_name": "Адмін"},
                    "date": int(datetime.now(UTC).timestamp()),
                    "old_chat_member": {
                        "status": "member",
                        "user": {"id": LIBRARIAN, "is_bot": False, "first_name": "Ірина"},
                    },
                    "new_chat_member": {
                        "status": "kicked",
                        "until_date": 0,
                        "user": {"id": LIBRARIAN, "is_bot": False, "first_name": "Ірина"},
                    },
                }
            }
        )
        _take(tg, card_id)  # within the membership cache's life: the update cleared it
        await tg.wait_for(
            "answerCallbackQuery", lambda c: c.params.get("text") == texts.STAFF_ONLY_BUTTONS
        )
    assert not [call for call in tg.calls if call.method == "editMessageText"]


async def test_an_update_that_cannot_be_read_is_skipped_and_the_next_one_answered(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        # A message whose date is not a number: aiogram cannot read it.
        tg.push_update(
            {
                "message": {
                    "message_id": 1,
                    "date": "yesterday",
                    "chat": {"id": CITIZEN, "type": "private"},
                    "text": "привіт",
                }
            }
        )
        tg.send_text("/start")
        await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"), timeout=5)
        await tg.wait_all_confirmed()  # the bad one confirmed too: never fetched again
        assert tg.pending_updates == []


async def test_a_press_is_taken_whatever_the_message_it_was_under_holds(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        greeting = await _greeted(tg)
        under = copy.deepcopy(tg.messages[(CITIZEN, greeting.result["message_id"])])
        # Content of the pressed message that aiogram cannot read (as a newer Bot API
        # might send): only which message it was, and where, matters for a press.
        under["entities"] = [{"type": "bold", "offset": "start", "length": 5}]
        tg.push_update(
            {
                "callback_query": {
                    "id": "77",
                    "from": {"id": CITIZEN, "is_bot": False, "first_name": "Олена"},
                    "message": under,
                    "chat_instance": "1",
                    "data": "ask",
                }
            }
        )
        await tg.wait_for("sendMessage", to_chat(CITIZEN, texts.ASK_PROMPT[:20]), timeout=5)


async def test_the_webhook_refuses_bodies_that_are_not_updates_with_400(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    settings = settings_for(
        tg,
        tmp_path,
        telegram_mode="webhook",
        webhook_base_url="http://127.0.0.1:18444",
        webhook_port=18444,
        webhook_secret="s3cret-token",
    )
    secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
    async with running(settings, tg), aiohttp.ClientSession() as http:
        url = "http://127.0.0.1:18444/telegram/webhook"
        async with http.post(url, data=b"{not json", headers=secret) as response:
            assert response.status == 400
        async with http.post(url, json={"message": "hello"}, headers=secret) as response:
            assert response.status == 400


async def test_the_same_update_id_from_another_bot_is_not_taken_for_a_repeat(
    tmp_path: Path,
) -> None:
    for token in ("111:first-bot-token", "222:second-bot-token"):
        async with (
            FakeTelegramServer(token=token) as tg,
            running(settings_for(tg, tmp_path), tg),
        ):
            tg.push_update(
                {
                    "update_id": 500,
                    "message": {
                        "message_id": 1,
                        "date": 0,
                        "chat": {"id": CITIZEN, "type": "private"},
                        "from": {"id": CITIZEN, "is_bot": False, "first_name": "Олена"},
                        "text": "/start",
                        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                    },
                }
            )
            await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))


async def test_old_inbox_keys_are_forgotten(db: Database) -> None:
    repo = InboxRepo()
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    async with db.transaction() as conn:
        assert await repo.claim(conn, "telegram", "1:1", now - timedelta(days=30))
        assert await repo.claim(conn, "telegram", "1:2", now)
    async with db.transaction() as conn:
        assert await repo.prune(conn, now - timedelta(days=14), limit=1000) == 1
    async with db.transaction() as conn:
        assert await repo.claim(conn, "telegram", "1:1", now)  # a new update: taken
        assert not await repo.claim(conn, "telegram", "1:2", now)  # still remembered
