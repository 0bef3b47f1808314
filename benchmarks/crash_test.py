"""The crash test: how much the bot loses or repeats when it is killed and restarted.

Runs the real bot (`python -m bot`, Telegram in polling mode) as a subprocess against the
fake Bot API server (`tests/fakes/telegram_api.py`) in this process. Simulated residents go
round the bot — /start, questions to the knowledge base and its buttons, questions for a
librarian, appeals to the mayor through the whole form — while a simulated librarian takes
and answers the questions in the staff chat. Meanwhile the bot is stopped at random moments,
`--kills` times by `kill -9` and `--sigterm` times by SIGTERM, and restarted each time; then
it runs undisturbed until everyone is done, and the fake's records and the database are
compared. What each figure means: `tests/helpers/crash.py`.

    .venv/bin/python benchmarks/crash_test.py [--kills 20] [--sigterm 5] [--seed 1] [--strict]
        [--residents 20] [--think 0]

With `--think 0` (the default) people write again the moment they are answered, which keeps
the bot as busy as it can be; `--think 2` gives each a person's pause (0–4 s) instead.

Prints a table of figures; with `--strict`, exits 1 if a target is missed. Nothing else is
asserted: the short version that runs in `make test` is `tests/bot/test_crash.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project and its tests' fakes from this checkout, whatever is installed.
sys.path.insert(0, str(ROOT))

from tests.helpers.crash import SHIPPED_KB, CrashConfig, run_crash_test  # noqa: E402


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    main.add_argument("--kills", type=int, default=20, help="stops by kill -9 (default 20)")
    main.add_argument("--sigterm", type=int, default=5, help="stops by SIGTERM (default 5)")
    main.add_argument("--seed", type=int, default=1, help="the random moments and choices")
    main.add_argument("--residents", type=int, default=20, help="simulated residents")
    main.add_argument(
        "--uptime",
        type=float,
        default=1.5,
        help="seconds the bot runs between stops, on average (default 1.5)",
    )
    main.add_argument(
        "--patience",
        type=float,
        default=8.0,
        help="seconds of the bot running a person waits for an answer (default 8)",
    )
    main.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a person takes before each message, on average (default 0: at once)",
    )
    main.add_argument("--kb", type=Path, default=SHIPPED_KB, help="the knowledge base folder")
    main.add_argument(
        "--keep", type=Path, help="keep the database and the bot's logs in this folder"
    )
    main.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    main.add_argument(
        "--verbose", action="store_true", help="also list each loss and repeat, one a line"
    )
    return main


def main() -> int:
    args = parser().parse_args()
    with tempfile.TemporaryDirectory(prefix="crash-test-") as scratch:
        # Absolute: the bot runs from the work folder.
        workdir = (args.keep or Path(scratch)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        config = CrashConfig(
            workdir=workdir,
            residents=args.residents,
            kills=args.kills,
            sigterms=args.sigterm,
            seed=args.seed,
            mean_uptime=args.uptime,
            patience=args.patience,
            think=args.think,
            kb_dir=args.kb.resolve(),
        )
        report = asyncio.run(run_crash_test(config))
    print(report.table())
    if args.verbose:
        print("\n".join(["", *report.notes]))
    return 1 if args.strict and report.missed() else 0


if __name__ == "__main__":
    sys.exit(main())
