"""Logging: one line per event with opaque ids; never message texts, tokens or personal data.

Our own log lines are written that way. Some libraries are not: at DEBUG, aiosqlite
logs every SQL statement with its values (names, phones, addresses, appeal texts) and
viberbot every parsed callback; aiogram logs every handled update at INFO. Their
loggers are held at a level where they say nothing of that, whatever LOG_LEVEL is.
"""

from __future__ import annotations

import logging
import sys

QUIET = {
    "aiosqlite": logging.INFO,
    "viber.bot.api": logging.INFO,
    "aiogram.event": logging.WARNING,
}


def setup(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    quiet_libraries()


def quiet_libraries() -> None:
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(floor)
