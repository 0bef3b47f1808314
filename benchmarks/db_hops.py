"""What a resident's message costs the database: statements, and hops to another thread.

Run by hand (`.venv/bin/python benchmarks/db_hops.py [CHECKOUT]`); it prints figures and
asserts nothing. Events and deliveries run their statements inline, on the event loop's
thread (`Database.transaction`, `autocommit`); jobs and exports on aiosqlite's thread
(`Database.in_thread`), where every statement is a hop there and back. Statements are
counted with sqlite3's trace callback, hops by wrapping aiosqlite's `Connection._execute`,
the single entry point of every one.

A conversation of `tests/harness.py` (the real core, database and outbox, a collecting
channel) goes through /start, a menu press, a knowledge-base question and its feedback;
each step is split into handling the event (`core.handle`) and delivering what it queued
(`delivery.flush`). CHECKOUT (default: this one) is the tree measured.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure that checkout, not an installed copy

from handlers import texts  # noqa: E402
from handlers.messages import Event  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.harness import TEST_CHANNEL, Chat, FakeClock, make_core  # noqa: E402

STEPS: list[tuple[str, dict[str, str]]] = [
    ("/start", {"text": "/start"}),
    ("menu press: Контакти", {"press": "Контакти"}),
    ("menu press: До меню", {"press": "До меню"}),
    ("knowledge-base question", {"text": "Як передати показники лічильника води?"}),
    ("feedback press: Так", {"press": texts.BTN_YES}),
]


class Counter:
    def __init__(self, db: Database) -> None:
        self.statements = 0
        self.hops = 0
        db._inline.raw.set_trace_callback(self._statement)  # the measurement needs them
        threaded = db._threaded.conn
        original = threaded._execute

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.hops += 1
            return await original(fn, *args, **kwargs)

        threaded._execute = counted  # type: ignore[method-assign]

    def _statement(self, _sql: str) -> None:
        self.statements += 1

    def take(self) -> str:
        taken = f"{self.statements}/{self.hops}"
        self.statements = self.hops = 0
        return taken


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "hops.sqlite3")
        clock = FakeClock()
        core, delivery, sender = make_core(db, clock)
        chat = Chat(core, delivery, sender)
        counter = Counter(db)
        print(f"checkout: {ROOT}")
        print("statements/hops to aiosqlite's thread")
        print(f"{'step':<28} {'handle':>7} {'deliver':>8}")
        for number, (name, step) in enumerate(STEPS, start=1):
            fields = {"display_name": chat.name, "update_key": str(number)}
            if "press" in step:
                fields["payload"] = chat.button(step["press"]).payload
            else:
                fields["text"] = step["text"]
            # An update key as the real channels give one: the inbox's dedup costs too.
            event = Event(TEST_CHANNEL, chat.user_id, chat.chat_id, **fields)
            counter.take()
            await core.handle(event)
            handled = counter.take()
            await delivery.flush()
            delivered = counter.take()
            print(f"{name:<28} {handled:>7} {delivered:>8}")
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
