"""`python -m bot viber set-webhook`, run as an operator would, against a fake Viber."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.viber import EVENT_TYPES, WEBHOOK_PATH
from bot.settings import Settings
from tests.bot.test_viber import free_port, running, settings_for
from tests.fakes.viber_api import FakeViberServer
from tests.helpers.cli import run_bot

WRONG_TOKEN = "0000aaaa1111bbbb-2222cccc3333dddd-4444eeee5555ffff"


@pytest.fixture
async def viber() -> AsyncIterator[FakeViberServer]:
    async with FakeViberServer() as server:
        yield server


def env_for(settings: Settings, **extra: str) -> dict[str, str]:
    assert settings.viber_auth_token is not None and settings.webhook_base_url is not None
    return {
        "PATH": "/usr/bin:/bin",
        "VIBER_AUTH_TOKEN": settings.viber_auth_token.get_secret_value(),
        "VIBER_API_URL": settings.viber_api_url,
        "WEBHOOK_BASE_URL": settings.webhook_base_url,
    } | extra


async def set_webhook(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # In a thread: the fake Viber (and the bot it calls back) run on this event loop.
    return await asyncio.to_thread(run_bot, "viber", "set-webhook", env=env)


def one_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


async def test_with_the_bot_running_it_registers_the_webhook_and_says_so_in_one_line(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    settings = settings_for(viber, tmp_path)
    url = f"{settings.webhook_base_url}{WEBHOOK_PATH}"
    async with running(settings, viber):
        result = await set_webhook(env_for(settings))

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    line = one_line(result.stdout)
    assert line == f"Viber webhook set: {url} (events: {', '.join(EVENT_TYPES)})"
    # The bot set it at its start; the command set it again, and Viber checked the address.
    by_hand = [c for c in viber.calls if c.method == "set_webhook" and c.ok][-1]
    assert by_hand.body["url"] == url and len(viber.calls) >= 2
    assert viber.token not in result.stdout + result.stderr


async def test_nobody_answering_at_the_address_is_one_line_naming_it(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    settings = settings_for(viber, tmp_path)  # the bot is not running: nothing listens
    result = await set_webhook(env_for(settings))

    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith("Viber webhook not set: Viber answered status 1:")
    assert f"{settings.webhook_base_url}{WEBHOOK_PATH}" in line and "running" in line
    assert "Traceback" not in result.stderr and viber.token not in result.stderr


async def test_an_http_error_from_viber_is_one_line(viber: FakeViberServer, tmp_path: Path) -> None:
    viber.fail_next("set_webhook", http_status=503)
    result = await set_webhook(env_for(settings_for(viber, tmp_path)))

    assert result.returncode == 1
    assert one_line(result.stderr) == "Viber webhook not set: Viber answered HTTP 503"
    assert viber.token not in result.stdout + result.stderr


async def test_a_token_viber_does_not_know_is_one_line_without_the_token(
    viber: FakeViberServer, tmp_path: Path
) -> None:
    env = env_for(settings_for(viber, tmp_path), VIBER_AUTH_TOKEN=WRONG_TOKEN)
    result = await set_webhook(env)

    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith("Viber webhook not set: Viber answered status 2:")
    assert "VIBER_AUTH_TOKEN" in line
    assert WRONG_TOKEN not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


async def test_an_unreachable_viber_api_is_one_line(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/pa"
    env = {
        "PATH": "/usr/bin:/bin",
        "VIBER_AUTH_TOKEN": WRONG_TOKEN,
        "VIBER_API_URL": closed,
        "WEBHOOK_BASE_URL": "https://bot.example.org",
    }
    result = await set_webhook(env)

    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith(f"Viber webhook not set: cannot reach the Viber API at {closed}")
    assert WRONG_TOKEN not in line and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WEBHOOK_BASE_URL": "https://bot.example.org"}, "VIBER_AUTH_TOKEN"),
        ({"VIBER_AUTH_TOKEN": WRONG_TOKEN}, "WEBHOOK_BASE_URL"),
    ],
)
def test_a_missing_setting_is_one_line_naming_it(env: dict[str, str], named: str) -> None:
    result = run_bot("viber", "set-webhook", env={"PATH": "/usr/bin:/bin"} | env)

    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith(f"Viber webhook not set: {named} is not set")
    assert WRONG_TOKEN not in result.stdout + result.stderr
