"""Residents in parallel, each chat in order: one stuck chat holds back nobody else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import render
from handlers import texts
from tests.fakes import FakeTelegramServer
from tests.helpers.telegram import (
    CITIZEN,
    STAFF_CHAT_ID,
    running,
    settings_for,
    shown,
    to_chat,
)

OTHER = 2002
LIBRARIAN = 5005


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as server:
        yield server


async def test_a_chat_whose_sends_hang_holds_back_no_other_residents_reply(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    async with running(settings_for(tg, tmp_path), tg):
        gate = tg.stall(CITIZEN)
        tg.send_text("/start")  # its reply hangs on the way out
        tg.send_text("/start", user_id=OTHER, first_name="Петро")
        await tg.wait_for("sendMessage", to_chat(OTHER, "Вітаю!"))
        assert "Вітаю!" not in " ".join(tg.sent_texts(CITIZEN))
        gate.set()
        await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))


async def test_a_slow_membership_check_holds_back_no_resident(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN, "member")
    async with running(settings_for(tg, tmp_path), tg):
        gate = tg.stall(STAFF_CHAT_ID)  # getChatMember for the staff chat hangs
        tg.send_text("/queue", user_id=LIBRARIAN, chat_id=STAFF_CHAT_ID, chat_type="supergroup")
        tg.send_text("/start")
        await tg.wait_for("sendMessage", to_chat(CITIZEN, "Вітаю!"))
        gate.set()
        await tg.wait_for("sendMessage", to_chat(STAFF_CHAT_ID, texts.QUEUE_EMPTY))


async def test_each_chat_gets_its_replies_in_the_order_it_wrote(
    tg: FakeTelegramServer, tmp_path: Path
) -> None:
    script = ["/start", "/help", "/menu", "/help", "/start"]
    expected = [texts.GREETING, texts.HELP, texts.MENU, texts.HELP, texts.GREETING]
    residents = [3000 + n for n in range(12)]
    async with running(settings_for(tg, tmp_path), tg):
        for command in script:  # interleaved: every resident's 1st, then every 2nd, …
            for resident in residents:
                tg.send_text(command, user_id=resident)
        for resident in residents:
            for _ in script:
                await tg.wait_for("sendMessage", to_chat(resident), timeout=20)
        for resident in residents:
            got = [
                shown(c) for c in tg.calls if c.method == "sendMessage" and c.chat_id == resident
            ]
            assert [text[:12] for text in got] == [_plain(text)[:12] for text in expected], resident


def _plain(markdown: str) -> str:

    return render.to_plain(markdown)
