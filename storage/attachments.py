"""A file that travels with a message: the one shape for events, replies and stored rows.

Three forms, exactly one of `file_id`, `url`, `data` set:
- a messenger's own file (`file_id`): a Telegram file id, or a Viber media link (Viber
  identifies a file by its temporary link). We never fetch or keep such a file itself;
- a public link (`url`) the channel hands to the messenger, or shows, as it can;
- a file the bot generated itself (`data`, with `file_name` and `mime_type`): a calendar
  entry, a chart, a report.

Defined here, not in `handlers/`, because the repositories (appeals, tickets) keep it and
storage depends on nothing above it; `handlers.messages` re-exports it for everyone else.

The JSON form leaves out what is unset: `{"kind", "file_id", "file_name", "size",
"caption"}` for a messenger file (the keys rows written before this type already have),
`{"kind", "url", …}` for a link, `{"kind", "file_name", "mime_type", "data"}` with the
bytes in base64 for a generated file.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

AttachmentKind = Literal["photo", "document", "video", "audio", "voice", "other"]
KINDS: frozenset[str] = frozenset(get_args(AttachmentKind))
LINK_PREFIXES = ("https://", "http://")


@dataclass(frozen=True)
class Attachment:
    kind: AttachmentKind
    file_id: str | None = None  # the messenger's own id
    file_name: str | None = None
    size: int | None = None
    caption: str | None = None  # what the resident wrote with it (kept, not re-sent)
    url: str | None = None
    data: bytes | None = field(default=None, repr=False)
    mime_type: str | None = None

    def __post_init__(self) -> None:
        forms = [value is not None for value in (self.file_id, self.url, self.data)]
        if sum(forms) != 1:
            raise ValueError("an attachment is exactly one of: file_id, url, data")
        if self.data is not None and not (self.file_name and self.mime_type):
            raise ValueError("a generated file needs a file_name and a mime_type")

    @classmethod
    def link(
        cls, url: str, *, kind: AttachmentKind = "document", file_name: str | None = None
    ) -> Attachment:
        return cls(kind, url=url, file_name=file_name)

    @classmethod
    def generated(
        cls, data: bytes, file_name: str, mime_type: str, *, kind: AttachmentKind = "document"
    ) -> Attachment:
        """A file the bot made; `kind="photo"` for a picture shown as one (a chart)."""
        return cls(kind, data=data, file_name=file_name, mime_type=mime_type, size=len(data))

    @property
    def form(self) -> Literal["file", "url", "generated"]:
        if self.data is not None:
            return "generated"
        return "url" if self.url is not None else "file"

    @property
    def messenger_link(self) -> str | None:
        """The link a messenger file id is, when it is one (Viber media), else None."""
        if self.file_id is not None and self.file_id.startswith(LINK_PREFIXES):
            return self.file_id
        return None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        for key in ("file_id", "url", "file_name", "mime_type", "size", "caption"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.data is not None:
            data["data"] = base64.b64encode(self.data).decode("ascii")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attachment:
        """Reads every form written so far, including rows from before this type: a ticket's
        `{kind, file_id, file_name}`, an appeal's `{kind, file_id, file_name, size,
        caption}` and a reply's `{kind, file_id, file_name, size}`."""
        kind = data.get("kind")
        raw = data.get("data")
        content = base64.b64decode(raw) if isinstance(raw, str) else None
        size = data.get("size")
        return cls(
            cast(AttachmentKind, kind if kind in KINDS else "other"),
            file_id=data.get("file_id"),
            file_name=data.get("file_name"),
            size=len(content) if content is not None else size,
            caption=data.get("caption"),
            url=data.get("url"),
            data=content,
            mime_type=data.get("mime_type"),
        )


def attachments_to_db(files: Iterable[Attachment]) -> str:
    return json.dumps([f.to_json() for f in files], ensure_ascii=False)


def attachments_from_db(text: str | None) -> tuple[Attachment, ...]:
    return tuple(Attachment.from_json(item) for item in json.loads(text or "[]"))
