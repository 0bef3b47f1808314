"""Command line: `python -m bot [run|console|check-settings|appeals|courses|viber]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from pathlib import Path

from pydantic import ValidationError

from bot import logs, viber_setup
from bot.settings import Settings, describe_errors
from handlers.reports import appeals_export as export
from handlers.training import importer as courses

NO_CHANNEL_HINT = (
    "Neither Telegram nor Viber is configured, so the bot starts in the console.\n"
    "To connect Telegram: get a token from @BotFather and set TELEGRAM_BOT_TOKEN in .env; "
    "for Viber set VIBER_AUTH_TOKEN and WEBHOOK_BASE_URL (see .env.example and README.md).\n"
)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m bot",
        description="Приймальня — the library's virtual reception bot.",
    )
    sub = main.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run every configured channel (default); the console if none")
    sub.add_parser("console", help="chat with the bot in this terminal, as citizen and librarian")
    sub.add_parser("check-settings", help="validate the settings and exit")
    copy = sub.add_parser(
        "backup", help="copy the database to FILE, consistently, even while the bot runs"
    )
    copy.add_argument("file", metavar="FILE", type=Path, help="where the copy is written")
    export.add_arguments(sub)
    courses.add_arguments(sub)
    viber_setup.add_arguments(sub)
    return main


def load_settings(*, combinations: bool = True) -> Settings | None:
    """The settings, or None after one line per bad one; `combinations=False` skips the
    checks of what running the bot needs (a set-up command checks its own needs)."""
    try:
        settings = Settings()
    except ValidationError as error:
        for line in describe_errors(error):
            print(f"Invalid setting {line}", file=sys.stderr)
        return None
    problems = settings.problems() if combinations else []
    for line in problems:
        print(f"Invalid setting {line}", file=sys.stderr)
    return None if problems else settings


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = load_settings(combinations=args.command != "viber")
    if settings is None:
        return 2
    logs.setup(settings.log_level)
    if args.command == "viber":
        return viber_setup.main(settings)

    from bot import app

    command = args.command or "run"
    if command == "appeals":
        return export.main(settings.database_path, settings.tz, args)
    if command == "courses":
        return courses.main(settings.database_path, settings.tz, args, app.utc_now())
    if command == "backup":
        return _backup(settings, args.file)
    if command == "check-settings":
        print("Settings are valid.")
        return 0
    if command == "console" or not (settings.telegram_enabled or settings.viber_enabled):
        if command != "console":
            sys.stderr.write(NO_CHANNEL_HINT)
        # Log lines would interleave with the conversation on the same terminal.
        root = logging.getLogger()
        root.setLevel(max(root.level, logging.WARNING))
        asyncio.run(app.run_console(settings))
        return 0
    asyncio.run(app.run_channels(settings, freeze_startup=True))
    return 0


def _backup(settings: Settings, target: Path) -> int:
    from storage import backup

    source = settings.database_path
    if not source.exists():
        print(f"No database at {source} (DATABASE_PATH)", file=sys.stderr)
        return 1
    try:
        backup.backup(source, target)
    except (OSError, sqlite3.Error) as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 1
    problems = backup.check(target)
    if problems:
        print(f"Backup {target} is damaged: {problems[0]}", file=sys.stderr)
        return 1
    print(f"Backup written: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
