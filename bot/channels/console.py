"""A terminal chat with the bot, playing both the citizen and the librarians.

- Buttons print as numbered options; typing the number or the label presses one.
- A line starting with `@` comes from the librarians' chat: `@/help` a staff command,
  `@2` presses button 2 of the last staff message, `@#5 text` replies to staff message #5,
  `@text` just says something there.
- Standard input may be a script: lines are read until end of input, then the bot exits.
- A file the bot generated is saved under `files_dir`; its path is printed.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from bot import render
from bot.channels.base import Handle, InputChannel, Part
from handlers import texts
from handlers.messages import Address, Attachment, Button, Event, Reply

CHANNEL = "console"
CITIZEN_CHAT = "citizen"
STAFF_CHAT = "staff"  # the chat the `@` lines come from, when assembly makes it the staff's
CITIZEN_USER = "console-user"
LIBRARIAN_USER = "console-librarian"


@dataclass(frozen=True)
class ConsoleConfig:
    """What the console channel is given at assembly."""

    staff: Address  # the librarians' chat: the terminal plays the librarians too
    files_dir: Path  # where files the bot generated are saved


@dataclass
class _Screen:
    """What was shown last, so that typed numbers and labels can press buttons."""

    citizen_buttons: list[Button] = field(default_factory=list)
    staff_buttons: list[Button] = field(default_factory=list)
    staff_message: str | None = None
    staff_numbers: set[int] = field(default_factory=set)
    counter: int = 0


class ConsoleSender:
    def __init__(self, out: TextIO, screen: _Screen, config: ConsoleConfig) -> None:
        self.out = out
        self.screen = screen
        self.staff_chat = config.staff.chat_id
        self.files_dir = config.files_dir

    def parts(self, chat_id: str, reply: Reply) -> list[Part]:
        # One write to the terminal shows the whole reply: there is nothing to resume in.
        return [lambda first: self.send(chat_id, reply)]

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        if reply.edit is None:
            self.screen.counter += 1
        number = int(reply.edit) if reply.edit is not None else self.screen.counter
        staff = chat_id == self.staff_chat
        text = render.to_plain(reply.text)
        if staff:
            mark = texts.CONSOLE_STAFF_MARK.format(number=number)
            text = f"{mark}{texts.CONSOLE_EDITED_MARK if reply.edit else ''} {text}"
        lines = [text]
        if reply.request_contact:
            lines.append(texts.CONSOLE_SHARE_PHONE)
        for attachment in reply.attachments:
            lines.append(f"  📎 {attachment.kind}: {await self._file_line(attachment)}")
        buttons = [b for row in reply.buttons for b in row]
        prefix = "@" if staff else ""
        for index, button in enumerate(buttons, 1):
            target = f" → {button.url}" if button.url else ""
            lines.append(f"  [{prefix}{index}] {button.label}{target}")
        if staff:
            self.screen.staff_buttons = buttons
            self.screen.staff_message = str(number)
            self.screen.staff_numbers.add(number)
        elif buttons:
            self.screen.citizen_buttons = buttons
        self.out.write("\n".join(lines) + "\n\n")
        self.out.flush()
        return str(number)

    async def _file_line(self, attachment: Attachment) -> str:
        if attachment.data is not None:
            name = attachment.file_name or "file"
            path = await asyncio.to_thread(_save, self.files_dir, name, attachment.data)
            return f"{name} → {path}"
        if attachment.url is not None:
            return f"{attachment.file_name or attachment.url} → {attachment.url}"
        return attachment.file_name or attachment.file_id or ""


def _save(folder: Path, name: str, data: bytes) -> Path:
    """Save under `folder` without overwriting an earlier file of the same name."""
    folder.mkdir(parents=True, exist_ok=True)
    safe = Path(name.replace("\\", "/")).name.lstrip(".") or "file"
    path, number = folder / safe, 1
    while path.exists():
        number += 1
        path = folder / f"{Path(safe).stem} ({number}){Path(safe).suffix}"
    path.write_bytes(data)
    return path


class ConsoleChannel(InputChannel):
    name = CHANNEL

    def __init__(
        self,
        config: ConsoleConfig,
        handle: Handle,
        flush: Callable[[], Awaitable[Any]],
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        super().__init__(handle)
        self.flush = flush
        self.stdin = stdin or sys.stdin
        self.out = stdout or sys.stdout
        self.staff_chat = config.staff.chat_id
        self.screen = _Screen()
        self.sender = ConsoleSender(self.out, self.screen, config)
        self.interactive = self.stdin.isatty()

    async def run(self) -> None:
        if self.interactive:
            self.out.write(texts.CONSOLE_BANNER + "\n\n")
        loop = asyncio.get_running_loop()
        while True:
            if self.interactive:
                self.out.write("> ")
                self.out.flush()
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                break
            event = self.parse(line.rstrip("\r\n"))
            if event is not None:
                await self.handle(event)
                await self.flush()
        await self.flush()

    def parse(self, line: str) -> Event | None:
        if not line.strip():
            return None
        if line.startswith("@"):
            return self._staff_event(line[1:].strip())
        button = _pick(line.strip(), self.screen.citizen_buttons)
        if button is not None and button.payload is not None:
            return Event(
                CHANNEL,
                CITIZEN_USER,
                CITIZEN_CHAT,
                display_name=texts.CONSOLE_GUEST,
                payload=button.payload,
            )
        return Event(
            CHANNEL, CITIZEN_USER, CITIZEN_CHAT, display_name=texts.CONSOLE_GUEST, text=line
        )

    def _staff_event(self, line: str) -> Event | None:
        librarian = partial(
            Event,
            CHANNEL,
            LIBRARIAN_USER,
            self.staff_chat,
            display_name=texts.CONSOLE_LIBRARIAN,
            from_staff_chat=True,
            is_staff=True,
        )
        if line.isdigit():
            button = _pick(line, self.screen.staff_buttons)
            if button is None or button.payload is None:
                self._hint(texts.CONSOLE_NO_STAFF_BUTTON.format(number=line))
                return None
            return librarian(payload=button.payload, message_id=self.screen.staff_message)
        reply_to = None
        if line.startswith("#"):
            number, _, line = line[1:].partition(" ")
            if not number.isdigit() or int(number) not in self.screen.staff_numbers:
                self._hint(texts.CONSOLE_NO_STAFF_MESSAGE.format(number=number))
                return None
            reply_to = number
        return librarian(text=line, reply_to=reply_to)

    def _hint(self, text: str) -> None:
        """A slip at the keyboard: said here, nothing sent to the bot."""
        self.out.write(render.to_plain(text) + "\n\n")
        self.out.flush()


def _pick(typed: str, buttons: list[Button]) -> Button | None:
    """A typed number presses that button; typed labels are matched by the core."""
    if not typed.isdigit():
        return None
    index = int(typed) - 1
    return buttons[index] if 0 <= index < len(buttons) else None
