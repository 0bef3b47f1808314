"""RATE_LIMIT_PER_MINUTE end to end: a resident flooding the Viber bot, against a fake Viber."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from handlers import texts
from tests.bot.test_viber import running, says, settings_for
from tests.fakes.viber_api import FakeViberServer
from tests.helpers.cli import run_bot


@pytest.fixture
async def viber() -> AsyncIterator[FakeViberServer]:
    async with FakeViberServer() as server:
        yield server


async def test_a_flood_on_viber_gets_the_answers_within_the_limit_and_one_notice(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    settings = settings_for(viber, tmp_path, rate_limit_per_minute=2)
    async with running(settings, viber):
        for _ in range(6):
            await viber.send_text("/help")  # each is handled before Viber hears 200
        await viber.wait_for("send_message", says(texts.RATE_LIMITED))
    # Stopped: the outbox is flushed, so whatever was queued has gone out.
    sent = [call.text for call in viber.sent()]
    assert len(sent) == 3
    assert all("/cancel" in text for text in sent[:2])
    assert sent[2] == texts.RATE_LIMITED


def test_a_console_script_is_never_limited(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_PATH": str(tmp_path / "console.sqlite3"),
        "SEMANTIC_SEARCH": "off",
        "RATE_LIMIT_PER_MINUTE": "2",
    }
    result = run_bot("console", env=env, stdin="/help\n" * 25)
    assert result.returncode == 0, result.stderr
    assert texts.RATE_LIMITED not in result.stdout
    assert result.stdout.count("/cancel — скасувати") == 25
