"""The channel-neutral shapes of what comes in (Event) and what goes out (Reply).

Channels translate their SDK objects to and from these; nothing here knows a messenger.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any

# Re-exported: handlers and channels take the attachment type from here.
from storage.attachments import Attachment as Attachment
from storage.attachments import AttachmentKind as AttachmentKind

# The pseudo-channel of the librarians' chat: resolved by the core to the real one.
STAFF = "staff"


@dataclass(frozen=True)
class Contact:
    phone: str
    is_own: bool  # the contact shared is the sender's own, not someone from the address book


@dataclass(frozen=True)
class Event:
    """One thing a person did: wrote, pressed a button, shared a contact or a file."""

    channel: str
    user_id: str
    chat_id: str
    display_name: str | None = None
    text: str | None = None
    payload: str | None = None  # data of a pressed button
    contact: Contact | None = None
    attachments: tuple[Attachment, ...] = ()
    unsupported: str | None = None  # a kind of message we cannot read (sticker, voice, …)
    update_key: str | None = None  # the channel's id of the update, to drop redeliveries
    message_id: str | None = None
    reply_to: str | None = None  # id of the message this one replies to, in the same chat
    reply_to_bot: bool = False  # that message is the bot's own (known to us or not)
    from_staff_chat: bool = False
    is_staff: bool = False  # the channel verified the sender is a member of the staff chat

    @property
    def command(self) -> str | None:
        """`/start@bot args` → `start`."""
        if not self.text or not self.text.startswith("/"):
            return None
        head = self.text[1:].split(maxsplit=1)[0] if len(self.text) > 1 else ""
        return head.split("@", 1)[0].lower() or None

    @property
    def command_args(self) -> str:
        if self.command is None or self.text is None:
            return ""
        parts = self.text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""


@dataclass(frozen=True)
class Button:
    label: str
    payload: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Address:
    channel: str
    chat_id: str


STAFF_CHAT = Address(STAFF, "")


# --- The Markdown subset of a Reply's text -------------------------------------------------
#
# **bold**, *italic*, `code`, [label](url), "- " bullets and "# " headings (`bot/render.py`
# renders them). A backslash before one of ESCAPABLE makes that character plain text: that
# is how someone's text is shown as they typed it, never as our formatting.

MARKUP = "\\*`[]"  # meaningful anywhere in a line
LINE_MARKUP = "-+#"  # meaningful as the first character of a line after any spaces
ESCAPABLE = MARKUP + LINE_MARKUP
# `\s` as the renderer reads a line's leading spaces; a text's start counts as a line start
# too, since a template may put it at the beginning of one.
_LINE_START = re.compile(r"^(\s*)([" + re.escape(LINE_MARKUP) + "])", re.MULTILINE)


class Markdown(str):
    """Text already in the Markdown subset: a catalogue text, what it was formatted into,
    an article's body. `texts.*.format()` places it into a template as it is; any other
    `str` given there is someone's text, and is escaped."""

    __slots__ = ()

    def __add__(self, other: str) -> str:
        # Two pieces of our Markdown together are still ours: `card + hint`.
        joined = str.__add__(self, other)
        return Markdown(joined) if isinstance(other, Markdown) else joined


def escape(text: str) -> Markdown:
    """`text` as Markdown that every channel shows exactly as `text`: `**x**` stays two
    asterisks, a link stays brackets, a leading «- » stays a dash."""
    for char in MARKUP:  # the backslash first, so the ones added here stay single
        if char in text:
            text = text.replace(char, "\\" + char)
    return Markdown(_LINE_START.sub(r"\g<1>\\\g<2>", text))


@dataclass(frozen=True)
class Reply:
    """A message to send. `text` is a small Markdown subset: **bold**, [label](url), lists
    (above); a resident's or librarian's words in it are `escape`d (catalogue templates do
    that for every value they are given).

    Channels render it; authors never write channel markup.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    request_contact: bool = False  # show a "share my phone number" button where possible
    attachments: tuple[Attachment, ...] = ()
    to: Address | None = None  # None: the chat the event came from
    ref: str | None = None  # what this message is about (e.g. "ticket:12"), for replies to it
    edit: str | None = None  # id of an earlier message in that chat to replace instead

    def to_json(self) -> dict[str, Any]:
        """The outbox row's form. A generated file travels inside it (base64): the row is
        written in the handler's transaction, so the file is queued with its message."""
        return {
            "text": self.text,
            # Written out rather than dataclasses.asdict, which deep-copies: this runs for
            # every message queued, thousands a round for the reminder job.
            "buttons": [
                [{"label": b.label, "payload": b.payload, "url": b.url} for b in row]
                for row in self.buttons
            ],
            "request_contact": self.request_contact,
            "attachments": [a.to_json() for a in self.attachments],
            "ref": self.ref,
            "edit": self.edit,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        return cls(
            text=data["text"],
            buttons=tuple(tuple(Button(**b) for b in row) for row in data.get("buttons", ())),
            request_contact=data.get("request_contact", False),
            attachments=tuple(Attachment.from_json(a) for a in data.get("attachments", ())),
            ref=data.get("ref"),
            edit=data.get("edit"),
        )


@functools.lru_cache(maxsize=4096)  # one a logged event: the same people write again
def opaque_user(channel: str, user_id: object) -> str:
    """A stable, non-reversible id for logs: never the messenger's user id itself."""
    return hashlib.blake2s(f"{channel}:{user_id}".encode(), digest_size=6).hexdigest()
