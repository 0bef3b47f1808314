"""The crash test: the real bot, killed and restarted while residents and a librarian use it.

The bot runs as `python -m bot` (Telegram, long polling) in a subprocess, against the fake
Bot API server in this process. Simulated residents each go round the bot in a loop —
/start, a question to the knowledge base and its buttons, the menu, a question for a
librarian, and now and then an appeal to the mayor through the whole form — one step at a
time, each step waiting for the bot's answer to it. A simulated librarian takes each
question's card in the staff chat and answers it by replying to the card. Meanwhile the
bot is stopped at random moments, by `kill -9` or by SIGTERM, and started again. At the
end it runs undisturbed until everyone is done, is stopped gracefully, and the fake's
records and the database (read through `storage/`'s repositories) are compared.

What is counted (`Report`):
- acknowledged items lost: a question the bot said was «передано бібліотекарям» under a
  number whose ticket is missing (or is not that resident's question) or whose card never
  reached the staff chat; an appeal the bot said was registered under a number that is
  missing (or is not that resident's text) or whose card never reached the staff chat; a
  librarian's answer the card says was sent that never reached the resident.
- presses lost, messages lost: a button press or a typed message after which the bot sent
  nothing the person could take for its answer: not within `patience` seconds of the bot
  running (time while it is down or starting does not count), nor later, before the answer
  to the person's next update (that would be «answered after the person gave up», counted
  apart). Attributed to the stop of the process that first received the update
  (getUpdates); «no stop» if that process was not stopped. For a lost press, whether the
  bot recorded the update as handled at all (`InboxRepo.handled`) tells a dropped update
  from a lost reply.
- off-script replies: the bot answered, but not with the screen the step leads to (an
  apology, «Ця кнопка вже не діє», …); the resident starts again from /start.
- repeated messages: a message the bot delivered and then delivered again after a restart
  because it did not know it had. Detected per chat and per stop: the messages the bot sent
  to the chat in the stopped process after the last one the outbox recorded as delivered
  (`OutboxRepo.is_ours`, asked right after the stop: a delivered row holds its message's
  id) were not recorded; if the first message the chat gets from a later process has the
  same text and buttons as the first of those, the item was sent again: one repeat. (A
  second part of one item, such as the keyboard hint after the phone question, is never
  counted on its own; an item not recorded and not sent again is no repeat.)
- duplicates: tickets of one resident with the same question text, appeals of one resident
  with the same text (every question and appeal text a resident writes is unique), and
  staff-chat cards posted more than once for the same ticket or appeal number.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import signal
import sys
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from bot import render
from handlers import texts
from handlers.appeals.rules import DAILY_LIMIT
from knowledge_base.loader import load_articles
from storage.appeals import AppealsRepo
from storage.db import Connection, Database
from storage.inbox import InboxRepo
from storage.outbox import OutboxRepo
from storage.tickets import TicketsRepo
from storage.users import UsersRepo
from tests.fakes import ApiCall, FakeTelegramServer

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_KB = ROOT / "knowledge_base" / "articles"
CHANNEL = "telegram"
STAFF_CHAT_ID = -1001700
LIBRARIAN_ID = 5005
LIBRARIAN_NAME = "Ірина"
FIRST_RESIDENT_ID = 700_001
RESIDENT_NAMES = ("Олена", "Микола", "Галина", "Петро", "Марія", "Іван", "Ніна", "Степан")

StopKind = Literal["kill", "term"]
# Where a loss or a repeat is put: the kind of stop that caused it, or none.
Cause = Literal["kill", "term", "none"]
CAUSES: tuple[Cause, ...] = ("kill", "term", "none")

SENDS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAudio",
        "sendVoice",
        "sendSticker",
        "sendAnimation",
        "copyMessage",
        "forwardMessage",
    }
)
EDITS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})
SHOWN = SENDS | EDITS
# What a new process calls before it takes updates or delivers anything.
STARTUP_CALLS = frozenset({"getMe", "setMyCommands", "deleteMyCommands", "deleteWebhook"})

T = TypeVar("T")


@dataclass(frozen=True)
class CrashConfig:
    workdir: Path  # the database and the bot's logs
    residents: int = 20
    kills: int = 20  # `kill -9` stops
    sigterms: int = 5  # graceful stops
    seed: int = 1
    # Seconds the bot runs between stops, on average (drawn uniformly from 0 to twice this).
    mean_uptime: float = 1.5
    # The share of visits in which a resident also writes an appeal (at most DAILY_LIMIT).
    appeal_share: float = 0.35
    # Seconds of the bot running that a person waits for an answer before giving up on it.
    patience: float = 8.0
    # Seconds a person takes to read a reply and type or press the next thing, on average
    # (drawn uniformly from 0 to twice this); 0: at once, the bot as busy as it can be.
    think: float = 0.0
    kb_dir: Path = SHIPPED_KB
    startup_timeout: float = 120.0
    stop_timeout: float = 30.0


# --- What messages look like in the chat ---------------------------------------------------


class Expect(Protocol):
    name: str

    def match(self, text: str) -> re.Match[str] | None: ...


# A number (a ticket's «12», an appeal's «МР-2026-000012») is one word; other
# placeholders take whatever comes before the text that follows them.
PLACEHOLDERS = {"number": r"[\w-]+"}


class Screen:
    """A catalogue text as the person sees it (its Markdown rendered), placeholders as groups.

    Matches a message that begins like the text: a screen may have more below it.
    """

    def __init__(self, text: str, name: str | None = None, **fixed: object) -> None:
        self.name = name or getattr(text, "message_id", text[:30])
        names = re.findall(r"\{(\w+)\}", text)
        marked = text
        for index, placeholder in enumerate(names):
            value = fixed.get(placeholder)
            token = str(value) if value is not None else f"\x00{index}\x00"
            marked = marked.replace("{" + placeholder + "}", token, 1)
        parts = re.split(r"\x00(\d+)\x00", render.to_plain(marked).strip())
        pattern, seen = [], set()
        for index, part in enumerate(parts):
            if index % 2 == 0:
                pattern.append(re.escape(part))
                continue
            placeholder = names[int(part)]
            value = PLACEHOLDERS.get(placeholder, r"[\s\S]*?")
            if placeholder in seen:
                pattern.append(value)
            else:
                seen.add(placeholder)
                pattern.append(f"(?P<{placeholder}>{value})")
        self._regex = re.compile("".join(pattern))

    def match(self, text: str) -> re.Match[str] | None:
        return self._regex.match(text.strip())


class Containing:
    """A screen that also contains a given line (a card with a status)."""

    def __init__(self, screen: Screen, line: str, name: str) -> None:
        self.screen, self.line, self.name = screen, render.to_plain(line).strip(), name

    def match(self, text: str) -> re.Match[str] | None:
        found = self.screen.match(text)
        return found if found is not None and self.line in text else None


class Screens:
    """Every screen the crash test expects, built from the catalogue once."""

    def __init__(self) -> None:
        t = texts
        self.greeting = Screen(t.GREETING)
        self.menu = Screen(t.MENU)
        self.kb_browse = Screen(t.KB_BROWSE)
        self.kb_answer = Screen(t.KB_ANSWER)
        self.kb_suggest = Screen(t.KB_SUGGEST)
        self.kb_none = Screen(t.KB_NONE)
        self.kb_thanks = Screen(t.KB_THANKS)
        self.is_follow_up = Screen(t.ASK_IS_FOLLOW_UP)
        self.ask_prompt = Screen(t.ASK_PROMPT)
        self.ask_accepted = (Screen(t.ASK_ACCEPTED_OPEN), Screen(t.ASK_ACCEPTED_CLOSED))
        self.appeal_intro = Screen(t.APPEAL_INTRO)
        self.appeal_consent = Screen(t.APPEAL_CONSENT)
        self.daily_limit_reached = Screen(t.APPEAL_DAILY_LIMIT_REACHED)
        self.daily_limit = Screen(t.APPEAL_DAILY_LIMIT)
        self.ask_surname = Screen(t.APPEAL_ASK_SURNAME)
        self.ask_given_name = Screen(t.APPEAL_ASK_GIVEN_NAME)
        self.ask_patronymic = Screen(t.APPEAL_ASK_PATRONYMIC)
        self.ask_address = Screen(t.APPEAL_ASK_ADDRESS)
        # The phone question comes with a second message: the «send my number» keyboard.
        self.contact_hint = Screen(t.CONTACT_KEYBOARD_HINT)
        self.ask_email = Screen(t.APPEAL_ASK_EMAIL)
        self.ask_topic = Screen(t.APPEAL_ASK_TOPIC)
        self.ask_body = Screen(t.APPEAL_ASK_BODY)
        self.ask_attachments = Screen(t.APPEAL_ASK_ATTACHMENTS)
        self.ask_confidential = Screen(t.APPEAL_ASK_CONFIDENTIAL)
        self.ask_priority = Screen(t.APPEAL_ASK_PRIORITY)
        self.appeal_review = Screen(t.APPEAL_REVIEW)
        self.appeal_submitted = Screen(t.APPEAL_SUBMITTED)
        # Messages that come without the person asking, in the middle of anything.
        self.answer = Screen(t.ANSWER_TO_CITIZEN)
        self.unprompted = (self.answer,)
        # The bot answered, but not with the next screen: the resident starts again.
        self.off_script = tuple(
            Screen(text)
            for text in (
                t.UNKNOWN_BUTTON,
                t.UNKNOWN_COMMAND,
                t.INTERNAL_ERROR,
                t.APPEAL_DRAFT_GONE,
                t.ASK_GONE,
            )
        )
        # The staff chat.
        self.card = Screen(t.CARD)
        self.appeal_card = Screen(t.STAFF_APPEAL_CARD, title=t.STAFF_APPEAL_NEW)
        self.goes_nowhere = Screen(t.STAFF_REPLY_GOES_NOWHERE)

    def taken(self, number: int) -> Containing:
        card = Screen(texts.CARD, number=number)
        status = texts.CARD_STATUS_TAKEN.format(name=LIBRARIAN_NAME)
        return Containing(card, status, "card-taken")

    def answered(self, number: int) -> Containing:
        card = Screen(texts.CARD, number=number)
        status = texts.CARD_STATUS_ANSWERED.split("{when}")[0].format(name=LIBRARIAN_NAME)
        return Containing(card, status, "card-answered")


SCREENS = Screens()


def shown(call: ApiCall) -> str | None:
    """The text or caption of the message a call sent or edited, as the person sees it."""
    if not call.ok or not isinstance(call.result, dict):
        return None
    text = call.result.get("text", call.result.get("caption"))
    return None if text is None else str(text)


def message_key(call: ApiCall) -> str:
    """What makes two messages the same to the person: kind, text and buttons."""
    params = {k: call.params.get(k) for k in ("reply_markup", "photo", "document")}
    return json.dumps([call.method, shown(call), params], ensure_ascii=False, sort_keys=True)


# --- The fake Bot API, with which process made each call ----------------------------------


class CrashFake(FakeTelegramServer):
    """The fake Bot API server, its calls indexed by chat and by bot process (`epoch`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.epoch = 0  # the bot process now running (or last run): 1, 2, …
        self._epoch_of: dict[int, int] = {}
        self._by_chat: dict[int, list[int]] = {}
        self._indexed = 0
        self._changed = asyncio.Condition()

    async def _record(self, call: ApiCall) -> None:
        # A call still answered after its process was killed belongs to that process: the
        # next one gets a new epoch only when it is started.
        self._epoch_of[id(call)] = self.epoch
        await super()._record(call)
        async with self._changed:
            self._changed.notify_all()

    def epoch_of(self, index: int) -> int:
        return self._epoch_of[id(self.calls[index])]

    def in_chat(self, chat_id: int, since: int = 0) -> list[int]:
        """Indices of the calls about `chat_id` (sends, edits, …) from call `since` on."""
        for index in range(self._indexed, len(self.calls)):
            chat = self.calls[index].params.get("chat_id")
            if isinstance(chat, int) and not isinstance(chat, bool):
                self._by_chat.setdefault(chat, []).append(index)
        self._indexed = len(self.calls)
        entries = self._by_chat.get(chat_id, [])
        return entries[bisect_left(entries, since) :]

    async def wait_until(self, check: Callable[[], T | None], timeout: float) -> T | None:  # noqa: ASYNC109
        """`check()` once it returns something, re-checked as calls come; None on timeout."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(self._changed.wait_for(check), max(timeout, 0))
            return check()


# --- The bot process ----------------------------------------------------------------------


@dataclass
class Stop:
    kind: StopKind
    epoch: int  # the process stopped
    at: float  # monotonic time of the signal
    seconds: float  # until the process was gone
    exit_code: int | None
    clean: bool  # SIGTERM: exited 0 in time; kill -9: always


class BotProcess:
    """`python -m bot` as a subprocess; knows how long it has been up, in total."""

    def __init__(self, tg: CrashFake, env: dict[str, str], logs: Path, config: CrashConfig):
        self.tg, self.env, self.logs, self.config = tg, env, logs, config
        self.proc: asyncio.subprocess.Process | None = None
        self.startups: list[float] = []
        self._up_total = 0.0
        self._up_since: float | None = None

    def uptime(self) -> float:
        """Seconds the bot has been taking updates, over all its processes."""
        running = time.monotonic() - self._up_since if self._up_since is not None else 0.0
        return self._up_total + running

    async def start(self) -> None:
        self.tg.epoch += 1
        since = len(self.tg.calls)
        started = time.monotonic()
        log = (self.logs / f"bot-{self.tg.epoch:03d}.log").open("wb")
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=self.config.workdir,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        finally:
            log.close()
        epoch, cursor = self.tg.epoch, since

        def serving() -> bool:
            nonlocal cursor
            for index in range(cursor, len(self.tg.calls)):
                call = self.tg.calls[index]
                if self.tg.epoch_of(index) == epoch and call.method not in STARTUP_CALLS:
                    return True
            cursor = len(self.tg.calls)
            return False

        exited = asyncio.ensure_future(self.proc.wait())
        ready = asyncio.ensure_future(self.tg.wait_until(serving, self.config.startup_timeout))
        await asyncio.wait({exited, ready}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if not ready.done() or not ready.result():
            ready.cancel()
            await self.kill_now()
            raise RuntimeError(f"the bot did not start (process {epoch}): {self.log_tail(epoch)}")
        self.startups.append(time.monotonic() - started)
        self._up_since = time.monotonic()

    async def stop(self, kind: StopKind) -> Stop:
        assert self.proc is not None
        at = time.monotonic()
        if self._up_since is not None:
            self._up_total += at - self._up_since
            self._up_since = None
        clean = True
        if kind == "kill":
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), self.config.stop_timeout)
            except TimeoutError:
                clean = False
                await self.kill_now()
            clean = clean and self.proc.returncode == 0
        return Stop(kind, self.tg.epoch, at, time.monotonic() - at, self.proc.returncode, clean)

    async def kill_now(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    def log_tail(self, epoch: int) -> str:
        path = self.logs / f"bot-{epoch:03d}.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(lines[-15:])


# --- People -------------------------------------------------------------------------------


@dataclass
class Action:
    """One update a person sent, and what became of it."""

    who: int  # the person's chat
    kind: Literal["press", "text"]
    what: str  # the button's label, or what was typed (in general terms)
    update_id: int
    since: int  # the number of calls recorded when it was sent
    expected: tuple[Expect, ...] = ()
    outcome: Literal["answered", "off-script", "lost"] = "lost"
    reply: str | None = None  # the screen (or, off script, the text's opening) it got
    reply_index: int | None = None  # the call that brought it


@dataclass(frozen=True)
class Reaction:
    index: int
    call: ApiCall
    expect: Expect
    found: re.Match[str]

    @property
    def message_id(self) -> int:
        return int(self.call.result["message_id"])


class Person:
    """Someone who sends one update at a time and waits for the bot's answer to it."""

    def __init__(self, run: CrashRun, user_id: int, chat_id: int, name: str) -> None:
        self.run, self.tg = run, run.tg
        self.user_id, self.chat_id, self.name = user_id, chat_id, name
        self.actions: list[Action] = []
        self._pace = random.Random(f"{run.config.seed}-{user_id}")

    async def _think(self) -> None:
        """A person's pause before the next message: the pace of people, not of a script."""
        if self.run.config.think > 0:
            await asyncio.sleep(self._pace.uniform(0, 2 * self.run.config.think))

    async def _await(
        self,
        update: dict[str, Any],
        kind: Literal["press", "text"],
        what: str,
        since: int,
        expected: Sequence[Expect],
    ) -> Reaction | None:
        action = Action(self.chat_id, kind, what, update["update_id"], since, (*expected,))
        self.actions.append(action)
        accept: list[Expect] = [*expected, *SCREENS.off_script]
        cursor = since

        def check() -> Reaction | None:
            nonlocal cursor
            for index in self.tg.in_chat(self.chat_id, cursor):
                cursor = index + 1
                call = self.tg.calls[index]
                text = shown(call)
                if text is None or call.method not in SHOWN:
                    continue
                for expect in accept:
                    found = expect.match(text)
                    if found is not None:
                        return Reaction(index, call, expect, found)
            return None

        reaction = await self.run.wait_running(check)
        if reaction is None:
            action.reply = self._other_reply(since)
            action.outcome = "lost" if action.reply is None else "off-script"
            return None
        action.reply, action.reply_index = reaction.expect.name, reaction.index
        if reaction.expect in SCREENS.off_script:
            action.outcome = "off-script"
            return None
        action.outcome = "answered"
        return reaction

    def _other_reply(self, since: int) -> str | None:
        """Whatever new the bot said after `since` that was not the expected screen."""
        earlier = {
            message_key(self.tg.calls[i]) for i in self.tg.in_chat(self.chat_id) if i < since
        }
        for index in self.tg.in_chat(self.chat_id, since):
            call = self.tg.calls[index]
            text = shown(call)
            if text is None or call.method not in SENDS:
                continue
            if any(s.match(text) for s in SCREENS.unprompted) or message_key(call) in earlier:
                continue  # not an answer to this; or the same again: a repeat, counted apart
            return text.split("\n")[0][:60]
        return None

    async def say(
        self, text: str, *expected: Expect, what: str = "", **where: Any
    ) -> Reaction | None:
        await self._think()
        since = len(self.tg.calls)
        update = self.tg.send_text(text, user_id=self.user_id, first_name=self.name, **where)
        return await self._await(update, "text", what or text, since, expected)

    async def press(
        self, label: str, *expected: Expect, on: Reaction | None = None
    ) -> Reaction | None:
        found = self.button(label, on)
        if found is None:
            raise ScriptError(f"no button «{label}» in chat {self.chat_id}")
        return await self.press_on(found, label, expected)

    async def press_on(
        self, found: tuple[int, str], label: str, expected: Sequence[Expect]
    ) -> Reaction | None:
        message_id, data = found
        await self._think()
        since = len(self.tg.calls)
        update = self.tg.press_button(
            data,
            message_id=message_id,
            user_id=self.user_id,
            first_name=self.name,
            chat_id=self.chat_id,
        )
        return await self._await(update, "press", label, since, expected)

    def button(self, label: str, on: Reaction | int | None = None) -> tuple[int, str] | None:
        """The button `label` on message `on` (a reaction, or a message id), else on the
        newest messages of the bot in this chat: the message's id and the button's data."""
        if isinstance(on, int):
            return self._on_message(on, label)
        ids = [on.message_id] if on is not None else []
        for index in reversed(self.tg.in_chat(self.chat_id)):
            call = self.tg.calls[index]
            if call.method in SENDS and call.ok and isinstance(call.result, dict):
                ids.append(int(call.result["message_id"]))
            if len(ids) > 8:
                break
        return next((b for m in ids if (b := self._on_message(m, label)) is not None), None)

    def _on_message(self, message_id: int, label: str) -> tuple[int, str] | None:
        message = self.tg.messages.get((self.chat_id, message_id)) or {}
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button.get("text") == label and "callback_data" in button:
                    return message_id, str(button["callback_data"])
        return None


class ScriptError(Exception):
    """The simulated person could not do what the script says: a bug in the crash test."""


class Resident(Person):
    def __init__(self, run: CrashRun, number: int) -> None:
        user_id = FIRST_RESIDENT_ID + number
        super().__init__(run, user_id, user_id, RESIDENT_NAMES[number % len(RESIDENT_NAMES)])
        self.number = number
        self.rng = random.Random(f"{run.config.seed}:{number}")
        self.questions: list[str] = []  # asked of librarians
        self.bodies: list[str] = []  # appeal texts sent for registration
        self.appeals = 0  # registered, as the bot said
        self.visits = 0

    async def run_until(self, finishing: asyncio.Event) -> None:
        while not finishing.is_set():
            await self.visit()
        # One last round on a bot left alone: every path is known to work after the restarts.
        await self.visit(appeal=self.run.config.appeal_share > 0)

    async def visit(self, *, appeal: bool | None = None) -> None:
        """Round the bot once; a step that goes wrong ends the visit (the next one begins
        with /start, as a person who got lost would)."""
        self.visits += 1
        s = SCREENS
        if not await self.say("/start", s.greeting):
            return
        if not await self.press(texts.BTN_REFERENCE, s.kb_browse):
            return
        question = self.run.kb_questions[self.rng.randrange(len(self.run.kb_questions))]
        got = await self.say(
            question,
            s.kb_answer,
            s.kb_suggest,
            s.kb_none,
            s.is_follow_up,
            what="a question to the knowledge base",
        )
        if got is not None and got.expect is s.is_follow_up:
            got = await self.press(
                texts.BTN_FOLLOW_UP_NO, s.kb_answer, s.kb_suggest, s.kb_none, on=got
            )
        if got is not None and got.expect is s.kb_answer:
            got = await self.press(texts.BTN_YES, s.kb_thanks, on=got)
        if got is None:
            return
        menu = await self.press(texts.BTN_MENU, s.menu, on=got)
        if menu is None or not await self.press(texts.BTN_LIBRARIAN, s.ask_prompt, on=menu):
            return
        text = f"Чи можна продовжити книгу онлайн? Читач {self.number}, запит {self.visits}."
        self.questions.append(text)
        accepted = await self.say(text, *s.ask_accepted, what="a question for a librarian")
        if accepted is None:
            return
        if appeal is None:
            appeal = self.rng.random() < self.run.config.appeal_share
        if appeal and self.appeals < DAILY_LIMIT:
            await self.appeal(accepted)

    async def appeal(self, menu: Reaction) -> None:
        """The whole appeal form, from the menu to «📨 Надіслати»."""
        s = SCREENS
        intro = await self.press(texts.BTN_APPEAL, s.appeal_intro, on=menu)
        if intro is None:
            return
        # A form left unfinished by an earlier visit is offered to continue: start over.
        again = self.button(texts.BTN_APPEAL_RESTART, intro) is not None
        start = texts.BTN_APPEAL_RESTART if again else texts.BTN_APPEAL_NEW
        consent = await self.press(start, s.appeal_consent, s.daily_limit_reached, on=intro)
        if consent is None:
            return
        if consent.expect is s.daily_limit_reached:
            self.appeals = DAILY_LIMIT
            return
        got = await self.press(texts.BTN_CONSENT_YES, s.ask_surname, on=consent)
        body = (
            f"Прошу відремонтувати тротуар біля будинку {self.number + 1} на вулиці Садовій "
            f"(звернення {self.visits}): там глибокі ями, люди похилого віку падають."
        )
        phone = f"067 {200 + self.number:03d} 45 67"
        typed, pressed = "typed", "pressed"
        form: tuple[tuple[str, str, str, Expect], ...] = (
            (typed, "surname", "Шевченко", s.ask_given_name),
            (typed, "given name", "Олена", s.ask_patronymic),
            (typed, "patronymic", "Петрівна", s.ask_address),
            (typed, "address", f"м. Миколаїв, вул. Садова, {self.number + 1}", s.contact_hint),
            (typed, "phone", phone, s.ask_email),
            (pressed, "email", texts.BTN_SKIP, s.ask_topic),
            (pressed, "topic", texts.APPEAL_TOPICS["roads"], s.ask_body),
            (typed, "appeal text", body, s.ask_attachments),
            (pressed, "attachments", texts.BTN_NO_ATTACHMENTS, s.ask_confidential),
            (pressed, "confidentiality", texts.BTN_CONFIDENTIAL_NO, s.ask_priority),
            (pressed, "priority", texts.BTN_PRIORITY_NONE, s.appeal_review),
        )
        for how, step, answer, then in form:
            if got is None:
                return
            if how == typed:
                got = await self.say(answer, then, what=f"an appeal's {step}")
            else:
                got = await self.press(answer, then, on=got)
        if got is None:
            return
        self.bodies.append(body)
        sent = await self.press(texts.BTN_APPEAL_SEND, s.appeal_submitted, s.daily_limit, on=got)
        if sent is not None:
            self.appeals = self.appeals + 1 if sent.expect is s.appeal_submitted else DAILY_LIMIT


class Librarian(Person):
    """Takes each question's card in the staff chat and answers it with a reply."""

    def __init__(self, run: CrashRun) -> None:
        super().__init__(run, LIBRARIAN_ID, STAFF_CHAT_ID, LIBRARIAN_NAME)
        self.answered: dict[int, str] = {}  # ticket number → the answer, as the card said
        self.went_nowhere = 0  # replies to a card the bot did not know (a repeated card)
        self._cards: list[tuple[int, int]] = []
        self._waiting: list[tuple[int, int]] = []  # cards not handled yet, newest last
        self._cursor = 0
        self._handled: set[int] = set()

    def cards(self) -> list[tuple[int, int]]:
        """(ticket number, card message id) of every card posted, in order."""
        for index in self.tg.in_chat(STAFF_CHAT_ID, self._cursor):
            self._cursor = index + 1
            call = self.tg.calls[index]
            text = shown(call)
            found = SCREENS.card.match(text) if text and call.method in SENDS else None
            if found is not None:
                self._cards.append((int(found["number"]), int(call.result["message_id"])))
                self._waiting.append(self._cards[-1])
        return self._cards

    def _new_card(self) -> tuple[int, int] | None:
        """The newest card not yet handled: residents ask faster than one librarian answers,
        and the newest keeps the librarian's work spread over the whole run."""
        self.cards()
        while self._waiting and self._waiting[-1][0] in self._handled:
            self._waiting.pop()
        return self._waiting[-1] if self._waiting else None

    async def run_until(self, residents_done: asyncio.Event) -> None:
        # Done when the residents are, having answered at least one question if any came.
        while not residents_done.is_set() or (not self._handled and self.cards()):
            card = await self.tg.wait_until(self._new_card, 1.0)
            if card is None:
                continue
            number, message_id = card
            self._handled.add(number)
            await self.answer(number, message_id)

    def _other_reply(self, since: int) -> str | None:
        return None  # the staff chat gets other cards all the time: no sign of anything

    async def answer(self, number: int, card_id: int) -> None:
        take = self.button(texts.BTN_TAKE, card_id)
        if take is not None:
            await self.press_on(take, texts.BTN_TAKE, [SCREENS.taken(number)])
        text = f"Так, на сайті бібліотеки, у розділі «Мій формуляр». (№{number})"
        answered = SCREENS.answered(number)
        # A reply to a card the bot does not know goes nowhere (it says so): the other card.
        others = [m for n, m in reversed(self.cards()) if n == number and m != card_id]
        for target in [card_id, *others]:
            got = await self.say(
                text,
                answered,
                SCREENS.goes_nowhere,
                what="an answer (a reply to a card)",
                chat_id=STAFF_CHAT_ID,
                chat_type="supergroup",
                reply_to_message_id=target,
            )
            if got is None:
                return
            if got.expect is answered:
                self.answered[number] = text
                return
            self.went_nowhere += 1


# --- The run ------------------------------------------------------------------------------


class CrashRun:
    """Runs the scenario once; `run()` returns the `Report`."""

    def __init__(self, config: CrashConfig, tg: CrashFake) -> None:
        self.config, self.tg = config, tg
        self.rng = random.Random(config.seed)
        self.kb_questions = _kb_questions(config.kb_dir)
        self.db_path = config.workdir / "reception.sqlite3"
        logs = config.workdir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            # This checkout's code, run from the work folder: no `.env` of a developer's
            # (with real tokens) is read.
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": tg.base_url,
            "TELEGRAM_MODE": "polling",
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "DATABASE_PATH": str(self.db_path),
            "KNOWLEDGE_BASE_DIR": str(config.kb_dir),
            "SEMANTIC_SEARCH": "off",
            # Simulated residents write far faster than people: the flood limit would
            # (rightly) silence them and count as presses lost.
            "RATE_LIMIT_PER_MINUTE": "0",
            # Nor would Telegram's one message a second in a chat let them go at this pace.
            "TELEGRAM_MESSAGES_PER_SECOND": "0",
        }
        self.bot = BotProcess(tg, env, logs, config)
        self.residents = [Resident(self, n) for n in range(config.residents)]
        self.librarian = Librarian(self)
        self.stops: list[Stop] = []
        # Sends of stopped processes (by call index): recorded by the outbox at the stop?
        self.delivered: dict[int, bool] = {}
        self.outbox = OutboxRepo()
        self.final_stop: Stop | None = None
        self.seconds = 0.0

    async def wait_running(self, check: Callable[[], T | None]) -> T | None:
        """Wait for `check()` while the bot has run for at most `patience` seconds."""
        start = self.bot.uptime()
        while True:
            left = self.config.patience - (self.bot.uptime() - start)
            found = await self.tg.wait_until(check, left)
            if found is not None or self.bot.uptime() - start >= self.config.patience:
                return found

    def bot_texts(self, chat_id: int) -> list[str]:
        """What the bot sent to a chat (new messages, not edits), as shown."""
        result = []
        for index in self.tg.in_chat(chat_id):
            call = self.tg.calls[index]
            text = shown(call)
            if call.method in SENDS and text is not None:
                result.append(text)
        return result

    async def run(self) -> Report:
        started = time.monotonic()
        self.tg.set_chat_member(STAFF_CHAT_ID, LIBRARIAN_ID, "member")
        schedule: list[StopKind] = ["kill"] * self.config.kills + ["term"] * self.config.sigterms
        self.rng.shuffle(schedule)
        finishing, residents_done = asyncio.Event(), asyncio.Event()
        people: list[asyncio.Task[None]] = []
        try:
            # People first: with their updates waiting, the first long poll returns at once.
            people = [asyncio.create_task(r.run_until(finishing)) for r in self.residents]
            librarian = asyncio.create_task(self.librarian.run_until(residents_done))
            people.append(librarian)
            await self.bot.start()
            for kind in schedule:
                # The random moment: how long this process runs before it is stopped.
                await self._running_for(self.rng.uniform(0, 2 * self.config.mean_uptime), people)
                self.stops.append(await self.bot.stop(kind))
                await self._note_delivered(self.tg.epoch)
                await self.bot.start()
            finishing.set()
            await _all(people[:-1])
            residents_done.set()
            await _all([librarian])
            self.final_stop = await self.bot.stop("term")
        finally:
            for task in people:
                task.cancel()
            await asyncio.gather(*people, return_exceptions=True)
            await self.bot.kill_now()
        self.seconds = time.monotonic() - started
        self.write_calls(self.config.workdir / "calls.jsonl")
        return await analyse(self)

    def write_calls(self, path: Path) -> None:
        """Every Bot API call, one JSON line each, with the process that made it: what the
        notes in the report can be checked against."""
        with path.open("w", encoding="utf-8") as out:
            for index, call in enumerate(self.tg.calls):
                result = call.result if isinstance(call.result, dict) else {}
                line = {
                    "index": index,
                    "process": self.tg.epoch_of(index),
                    "method": call.method,
                    "chat": call.params.get("chat_id"),
                    "ok": call.ok,
                    "message_id": result.get("message_id", call.params.get("message_id")),
                    "text": shown(call),
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")

    async def _note_delivered(self, epoch: int) -> None:
        """Which messages the stopped process sent the outbox records as delivered, asked
        before another process runs: later rows (an edit of the same message) would blur it."""
        db = await Database.open(self.db_path)
        try:
            async with db.transaction() as conn:
                for index, call in enumerate(self.tg.calls):
                    if self.tg.epoch_of(index) != epoch or call.method not in SENDS:
                        continue
                    chat, message_id = call.params.get("chat_id"), _message_id(call)
                    if message_id is not None:
                        self.delivered[index] = await self.outbox.is_ours(
                            conn, CHANNEL, str(chat), message_id
                        )
        finally:
            await db.close()

    async def _running_for(self, seconds: float, people: list[asyncio.Task[None]]) -> None:
        """Let the bot run; a person's task that fails (a bug in the script) ends the run."""
        done, _ = await asyncio.wait(people, timeout=seconds, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()


async def _all(tasks: Iterable[asyncio.Task[None]]) -> None:
    for task in tasks:
        await task


def _kb_questions(kb_dir: Path) -> list[str]:
    loaded = load_articles(kb_dir)
    questions = [a.questions[0] for a in loaded.articles if a.questions]
    if not questions:
        raise ValueError(f"{kb_dir}: no article with example questions")
    return questions


async def run_crash_test(config: CrashConfig) -> Report:
    async with CrashFake() as tg:
        return await CrashRun(config, tg).run()


# --- What happened ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """A message the bot sent, as the repeat count sees it."""

    chat_id: int
    key: str  # `message_key`
    epoch: int
    delivered: bool  # the outbox records it as an item's delivery
    text: str = ""  # its first line, for the notes


def find_repeats(
    sent: Sequence[Sent], stops: Sequence[tuple[int, Cause]]
) -> list[tuple[Cause, Sent]]:
    """Items delivered again after a stop, with the stop's kind (see the module docstring).

    `sent` in the order the bot sent them; `stops` gives (epoch stopped, its kind).
    """
    repeats: list[tuple[Cause, Sent]] = []
    by_chat: dict[int, list[Sent]] = {}
    for message in sent:
        by_chat.setdefault(message.chat_id, []).append(message)
    for epoch, cause in stops:
        for messages in by_chat.values():
            during = [m for m in messages if m.epoch == epoch]
            last_recorded = max((i for i, m in enumerate(during) if m.delivered), default=-1)
            unrecorded = during[last_recorded + 1 :]
            later = next((m for m in messages if m.epoch > epoch), None)
            if unrecorded and later is not None and later.key == unrecorded[0].key:
                repeats.append((cause, unrecorded[0]))
    return repeats


def first_fetched(tg: CrashFake) -> dict[int, int]:
    """Update id → the bot process that first received it (getUpdates)."""
    fetched: dict[int, int] = {}
    for index, call in enumerate(tg.calls):
        if call.method == "getUpdates" and call.ok and isinstance(call.result, list):
            for update in call.result:
                fetched.setdefault(int(update["update_id"]), tg.epoch_of(index))
    return fetched


def cause_of(epoch: int | None, stops: Sequence[Stop]) -> Cause:
    """The stop of the process that first received an update: the one that lost it, as the
    update is not handled again by the next (a press: its answer to Telegram fails)."""
    return next((stop.kind for stop in stops if stop.epoch == epoch), "none")


@dataclass
class Report:
    config: CrashConfig
    seconds: float
    stops: list[Stop]
    final_stop: Stop | None
    startup_seconds: list[float]
    presses: int = 0
    messages: int = 0
    questions_acknowledged: int = 0
    appeals_acknowledged: int = 0
    answers_acknowledged: int = 0  # librarians' answers the card says were sent
    acknowledged_lost: list[str] = field(default_factory=list)
    late: int = 0  # updates answered only after the person had given up waiting
    presses_lost: Counter[Cause] = field(default_factory=Counter)
    presses_never_handled: int = 0  # of those, the bot never recorded the update as handled
    messages_lost: Counter[Cause] = field(default_factory=Counter)
    off_script: Counter[str] = field(default_factory=Counter)
    repeated: Counter[Cause] = field(default_factory=Counter)
    # What was lost or repeated, one line each: for finding the cause.
    notes: list[str] = field(default_factory=list)
    duplicate_tickets: int = 0
    duplicate_appeals: int = 0
    duplicate_cards: int = 0
    undelivered_at_end: int = 0
    replies_to_unknown_cards: int = 0

    def stops_of(self, kind: StopKind) -> int:
        return sum(1 for s in self.stops if s.kind == kind)

    @property
    def unclean_sigterms(self) -> int:
        """Graceful stops (the last one, at the end, too) that failed or timed out."""
        stops = [*self.stops, *([self.final_stop] if self.final_stop else [])]
        return sum(1 for s in stops if s.kind == "term" and not s.clean)

    def targets(self) -> dict[str, tuple[float, float]]:
        """Every target: name → (measured, the most allowed)."""
        kills, terms = self.stops_of("kill"), self.stops_of("term")
        return {
            "acknowledged items lost": (len(self.acknowledged_lost), 0),
            "presses lost": (sum(self.presses_lost.values()), 0),
            "messages lost": (sum(self.messages_lost.values()), 0),
            "duplicate tickets": (self.duplicate_tickets, 0),
            "duplicate appeals": (self.duplicate_appeals, 0),
            "duplicate staff cards": (self.duplicate_cards, 0),
            "repeated messages after kill -9": (self.repeated["kill"], kills / 20),
            "repeated messages after SIGTERM": (self.repeated["term"], terms / 20),
            "SIGTERM stops not clean": (self.unclean_sigterms, 0),
            "undelivered at the end": (self.undelivered_at_end, 0),
        }

    def missed(self, only: Iterable[str] | None = None) -> list[str]:
        """The targets missed (of `only`, if given), each as «name: measured > allowed»."""
        wanted = set(self.targets()) if only is None else set(only)
        unknown = wanted - set(self.targets())
        if unknown:
            raise KeyError(f"no such target: {sorted(unknown)}")
        return [
            f"{name}: {measured:g} > {allowed:g}"
            for name, (measured, allowed) in self.targets().items()
            if name in wanted and measured > allowed
        ]

    def table(self) -> str:
        c = self.config
        kills, terms = self.stops_of("kill"), self.stops_of("term")
        startup = sorted(self.startup_seconds)
        finals = [self.final_stop] if self.final_stop else []
        terms_took = [s.seconds for s in [*self.stops, *finals] if s.kind == "term"]
        lines = [
            f"Crash test: {c.residents} residents and a librarian, seed {c.seed}; "
            f"{kills} × kill -9, {terms} × SIGTERM, about {c.mean_uptime:g} s up between "
            f"stops; {self.seconds:.0f} s",
            f"Activity: {self.presses} presses, {self.messages} messages; "
            f"{self.questions_acknowledged} questions, {self.appeals_acknowledged} appeals and "
            f"{self.answers_acknowledged} librarians' answers acknowledged",
            f"Bot start-up: median {startup[len(startup) // 2]:.1f} s, max {startup[-1]:.1f} s"
            if startup
            else "Bot start-up: —",
            f"SIGTERM stops: max {max(terms_took):.1f} s" if terms_took else "SIGTERM stops: —",
            "",
            f"{'':38}{'kill -9':>9}{'SIGTERM':>9}{'no stop':>9}{'total':>8}  target",
        ]

        def row(name: str, by: Counter[Cause] | None, total: float, target: str) -> None:
            cells = "".join(f"{by[cause]:>9}" for cause in CAUSES) if by is not None else " " * 27
            lines.append(f"{name:38}{cells}{total:>8g}  {target}")

        row("acknowledged items lost", None, len(self.acknowledged_lost), "0")

        def per_stop(by: Counter[Cause]) -> None:
            per_kill = by["kill"] / kills if kills else 0.0
            per_term = by["term"] / terms if terms else 0.0
            lines.append(f"{'  per stop':38}{per_kill:>9.2f}{per_term:>9.2f}")

        row("presses lost", self.presses_lost, sum(self.presses_lost.values()), "0")
        per_stop(self.presses_lost)
        dropped = self.presses_never_handled
        lines.append(f"{'  never handled (the update dropped)':38}{'':27}{dropped:>8}")
        row("messages lost", self.messages_lost, sum(self.messages_lost.values()), "0")
        row("repeated messages", self.repeated, sum(self.repeated.values()), "≤ 1 per 20 stops")
        per_stop(self.repeated)
        row("duplicate tickets", None, self.duplicate_tickets, "0")
        row("duplicate appeals", None, self.duplicate_appeals, "0")
        row("duplicate staff cards", None, self.duplicate_cards, "0")
        row("SIGTERM stops not clean", None, self.unclean_sigterms, "0")
        row("undelivered at the end", None, self.undelivered_at_end, "0")
        row("answered after the person gave up", None, self.late, "—")
        row("off-script replies", None, sum(self.off_script.values()), "—")
        for text, count in self.off_script.most_common(5):
            lines.append(f"    {count} × «{text}»")
        row("answers sent to an unknown card", None, self.replies_to_unknown_cards, "—")
        for lost in self.acknowledged_lost[:10]:
            lines.append(f"  lost: {lost}")
        missed = self.missed()
        lines.append("")
        lines.append("Targets missed: " + ("; ".join(missed) if missed else "none"))
        return "\n".join(lines)


async def analyse(run: CrashRun) -> Report:
    report = Report(run.config, run.seconds, run.stops, run.final_stop, list(run.bot.startups))
    db = await Database.open(run.db_path)
    try:
        async with db.transaction() as conn:
            await _actions(report, conn, run)
            await _acknowledged(report, conn, run)
            await _duplicates(report, conn, run)
            report.undelivered_at_end = len(await OutboxRepo().pending(conn, datetime.now(UTC)))
    finally:
        await db.close()
    await _repeats(report, run)
    report.replies_to_unknown_cards = run.librarian.went_nowhere
    return report


async def _actions(report: Report, conn: Connection, run: CrashRun) -> None:
    """Each update sent: answered, off script, late or lost (and the stop that lost it)."""
    people: list[Person] = [*run.residents, run.librarian]
    fetched = first_fetched(run.tg)
    inbox = InboxRepo()
    for person in people:
        for number, action in enumerate(person.actions):
            if action.kind == "press":
                report.presses += 1
            else:
                report.messages += 1
            if action.outcome == "off-script":
                report.off_script[action.reply or "?"] += 1
            if action.outcome != "lost":
                continue
            if _came_late(run, action, person.actions[number + 1 :]):
                report.late += 1
                continue
            cause = cause_of(fetched.get(action.update_id), run.stops)
            # The bot keys updates by its own id and the update's (bot/channels/telegram.py).
            bot_id = run.tg.token.split(":", 1)[0]
            handled = await inbox.handled(conn, CHANNEL, f"{bot_id}:{action.update_id}")
            if action.kind == "press":
                report.presses_lost[cause] += 1
                report.presses_never_handled += not handled
            else:
                report.messages_lost[cause] += 1
            report.notes.append(
                f"{action.kind} «{action.what}» in chat {action.who} (update "
                f"{action.update_id}) lost, stop: {cause}; "
                + ("handled, no answer came" if handled else "never handled")
            )


def _came_late(run: CrashRun, action: Action, after: Sequence[Action]) -> bool:
    """The answer came after the person had given up on it: before the answer to their next
    update, if it was answered, else by the end."""
    tg = run.tg
    end = next((a.reply_index for a in after if a.reply_index is not None), len(tg.calls))
    for index in tg.in_chat(action.who, action.since):
        call, text = tg.calls[index], shown(tg.calls[index])
        if index >= end:
            break
        if (
            text is not None
            and call.method in SHOWN
            and any(e.match(text) for e in action.expected)
        ):
            return True
    return False


def _staff_cards(run: CrashRun, screen: Screen) -> Counter[str]:
    numbers: Counter[str] = Counter()
    for text in run.bot_texts(STAFF_CHAT_ID):
        found = screen.match(text)
        if found is not None:
            numbers[found["number"]] += 1
    return numbers


async def _acknowledged(report: Report, conn: Connection, run: CrashRun) -> None:
    """Every number the bot gave a resident is checked once, however often it was said."""
    users, tickets, appeals = UsersRepo(), TicketsRepo(), AppealsRepo()
    ticket_cards = _staff_cards(run, SCREENS.card)
    appeal_cards = _staff_cards(run, SCREENS.appeal_card)
    lost = report.acknowledged_lost
    owners: dict[int, Resident] = {}
    for resident in run.residents:
        user = await users.find(conn, CHANNEL, str(resident.user_id))
        told = run.bot_texts(resident.chat_id)
        questions = {
            int(m["number"]) for t in told for s in SCREENS.ask_accepted if (m := s.match(t))
        }
        registered = {m["number"] for t in told if (m := SCREENS.appeal_submitted.match(t))}
        report.questions_acknowledged += len(questions)
        report.appeals_acknowledged += len(registered)
        who = f"resident {resident.number}"
        for number in sorted(questions):
            owners[number] = resident
            ticket = await tickets.get(conn, number)
            if ticket is None or user is None or ticket.user_id != user.id:
                lost.append(f"question №{number} of {who}: no such ticket of theirs")
            elif ticket.question not in resident.questions:
                lost.append(f"question №{number} of {who}: the ticket holds another text")
            if not ticket_cards[str(number)]:
                lost.append(f"question №{number} of {who}: no card in the staff chat")
        for number_text in sorted(registered):
            appeal = await appeals.by_number(conn, number_text)
            if appeal is None or user is None or appeal.user_id != user.id:
                lost.append(f"appeal {number_text} of {who}: no such appeal of theirs")
            elif appeal.body not in resident.bodies or appeal.status == "draft":
                lost.append(f"appeal {number_text} of {who}: another text, or still a draft")
            if not appeal_cards[number_text]:
                lost.append(f"appeal {number_text} of {who}: no card in the staff chat")
    for number in run.librarian.answered:
        report.answers_acknowledged += 1
        owner = owners.get(number)
        told = run.bot_texts(owner.chat_id) if owner is not None else []
        if not any((m := SCREENS.answer.match(t)) and m["number"] == str(number) for t in told):
            lost.append(f"the answer to №{number}: sent, says its card; not in the resident's chat")


async def _duplicates(report: Report, conn: Connection, run: CrashRun) -> None:
    users, tickets, appeals = UsersRepo(), TicketsRepo(), AppealsRepo()
    for resident in run.residents:
        user = await users.find(conn, CHANNEL, str(resident.user_id))
        if user is None:
            continue
        asked = Counter(t.question for t in await tickets.of_user(conn, user.id))
        report.duplicate_tickets += sum(n - 1 for n in asked.values() if n > 1)
        written = Counter(a.body for a in await appeals.of_author(conn, user.id))
        report.duplicate_appeals += sum(n - 1 for n in written.values() if n > 1)
    for screen in (SCREENS.card, SCREENS.appeal_card):
        report.duplicate_cards += sum(n - 1 for n in _staff_cards(run, screen).values() if n > 1)


async def _repeats(report: Report, run: CrashRun) -> None:
    """A send the outbox had not recorded when its process stopped, or made after the stop
    (its process never heard the answer), is unrecorded."""
    tg = run.tg
    sent = []
    for index, call in enumerate(tg.calls):
        chat = call.params.get("chat_id")
        if call.method not in SENDS or _message_id(call) is None or not isinstance(chat, int):
            continue
        text = (shown(call) or call.method).split("\n")[0][:60]
        delivered = run.delivered.get(index, False)
        sent.append(Sent(chat, message_key(call), tg.epoch_of(index), delivered, text))
    stops: list[tuple[int, Cause]] = [(s.epoch, s.kind) for s in run.stops]
    for cause, message in find_repeats(sent, stops):
        report.repeated[cause] += 1
        report.notes.append(
            f"repeated after the {cause} of process {message.epoch} in chat "
            f"{message.chat_id}: «{message.text}»"
        )


def _message_id(call: ApiCall) -> str | None:
    if not call.ok or not isinstance(call.result, dict) or "message_id" not in call.result:
        return None
    return str(call.result["message_id"])
