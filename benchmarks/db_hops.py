"""Round trips to the database thread per handled event: what a resident's message costs.

Run by hand (`.venv/bin/python benchmarks/db_hops.py [CHECKOUT]`); it prints figures and
asserts nothing. Every aiosqlite call is one hop to the database thread and back (a queue
put, a thread wake-up, a future resolved through the loop's self-pipe); aiosqlite's
`Connection._execute` is the single entry point of every hop, so wrapping it counts them.

A conversation of `tests/harness.py` (the real core, database and outbox, a collecting
channel) goes through /start, a menu press, a knowledge-base question and its feedback;
each step's hops are split into handling the event (`core.handle`) and delivering what
it queued (`delivery.flush`). CHECKOUT (default: this one) is the tree measured, so that
an older commit's worktree can be compared with the same script.
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


class HopCounter:
    def __init__(self, db: Database) -> None:
        conn = db._conn  # the measurement needs the raw connection
        self.count = 0
        original = conn._execute

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await original(fn, *args, **kwargs)

        conn._execute = counted  # type: ignore[method-assign]

    def take(self) -> int:
        count, self.count = self.count, 0
        return count


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "hops.sqlite3")
        clock = FakeClock()
        core, delivery, sender = make_core(db, clock)
        chat = Chat(core, delivery, sender)
        hops = HopCounter(db)
        print(f"checkout: {ROOT}")
        print(f"{'step':<28} {'handle':>7} {'deliver':>8} {'total':>6}")
        totals = [0, 0]
        for number, (name, step) in enumerate(STEPS, start=1):
            fields = {"display_name": chat.name, "update_key": str(number)}
            if "press" in step:
                fields["payload"] = chat.button(step["press"]).payload
            else:
                fields["text"] = step["text"]
            # An update key as the real channels give one: the inbox's dedup is a hop too.
            event = Event(TEST_CHANNEL, chat.user_id, chat.chat_id, **fields)
            hops.take()
            await core.handle(event)
            handled = hops.take()
            await delivery.flush()
            delivered = hops.take()
            totals[0] += handled
            totals[1] += delivered
            print(f"{name:<28} {handled:>7} {delivered:>8} {handled + delivered:>6}")
        label = f"all {len(STEPS)} steps"
        print(f"{label:<28} {totals[0]:>7} {totals[1]:>8} {sum(totals):>6}")
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
