"""The appeal as a form: its questions in order, what each accepts, and the draft that
holds the answers and the position (see `handlers/dialog.py`)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from handlers import texts
from handlers.appeals.rules import MAX_BODY, MAX_FILE_BYTES, MAX_FILES, MIN_BODY, topic_label
from handlers.context import Context
from handlers.dialog import Files, Invalid, Step
from handlers.fields import name_part, phone
from handlers.fields import typed_text as _text
from handlers.messages import Event
from storage.appeals import Appeal

# --- What each step accepts -----------------------------------------------------------

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


def postal_address(event: Event) -> str:
    value = _text(event)
    has_letters = any(c.isalpha() for c in value)
    if not 10 <= len(value) <= 300 or not has_letters or not any(c.isdigit() for c in value):
        raise Invalid(texts.APPEAL_ERR_ADDRESS)
    return value


def email(event: Event) -> str:
    value = _text(event)
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise Invalid(texts.APPEAL_ERR_EMAIL)
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def _characters(value: str) -> str:
    return texts.count(len(value), texts.CHARACTERS)


def appeal_text(event: Event) -> str:
    """As written (Art. 7: any language, Russian included); too long is refused, not cut."""
    if not event.text or not event.text.strip():
        raise Invalid(texts.APPEAL_ERR_TEXT_ONLY)
    value = event.text.strip()
    if len(value) < MIN_BODY:
        raise Invalid(texts.APPEAL_ERR_BODY_SHORT.format(length=_characters(value)))
    if len(value) > MAX_BODY:
        raise Invalid(texts.APPEAL_ERR_BODY_LONG.format(length=_characters(value)))
    return value


# --- The questions, in order ------------------------------------------------------------

STEPS: tuple[Step, ...] = (
    Step("surname", texts.APPEAL_ASK_SURNAME, take=name_part),
    Step("given_name", texts.APPEAL_ASK_GIVEN_NAME, take=name_part),
    Step("patronymic", texts.APPEAL_ASK_PATRONYMIC, take=name_part),
    Step("address", texts.APPEAL_ASK_ADDRESS, take=postal_address),
    Step("phone", texts.APPEAL_ASK_PHONE, take=phone, request_contact=True),
    Step("email", texts.APPEAL_ASK_EMAIL, take=email, skip=texts.BTN_SKIP),
    Step("topic", texts.APPEAL_ASK_TOPIC, choices=texts.APPEAL_TOPICS),
    Step("body", texts.APPEAL_ASK_BODY, take=appeal_text),
    Step("attachments", texts.APPEAL_ASK_ATTACHMENTS, files=Files(MAX_FILES, MAX_FILE_BYTES)),
    Step(
        "confidential",
        texts.APPEAL_ASK_CONFIDENTIAL,
        choices={"no": texts.BTN_CONFIDENTIAL_NO, "yes": texts.BTN_CONFIDENTIAL_YES},
        value_of=lambda key: key == "yes",
    ),
    Step(
        "priority",
        texts.APPEAL_ASK_PRIORITY,
        choices={**texts.APPEAL_PRIORITIES, "none": texts.BTN_PRIORITY_NONE},
        value_of=lambda key: None if key == "none" else key,
    ),
)


def review_text(_ctx: Context, appeal: Appeal) -> str:
    files = len(appeal.attachments)
    return texts.APPEAL_REVIEW.format(
        name=appeal.full_name,
        address=appeal.address or "—",
        phone=appeal.phone or "—",
        email=appeal.email or texts.APPEAL_NOT_GIVEN,
        topic=topic_label(appeal.topic),
        body=appeal.body or "—",
        attachments=texts.APPEAL_FILES_COUNT.format(count=files)
        if files
        else texts.APPEAL_FILES_NONE,
        confidential=texts.APPEAL_DISCLOSURE_NO
        if appeal.confidential
        else texts.APPEAL_DISCLOSURE_OK,
        priority=texts.APPEAL_PRIORITIES.get(appeal.priority or "", texts.APPEAL_NO),
    )


class AppealForm:
    """The draft (or a returned appeal being corrected) this person's dialog fills; the
    position lives in its `draft_step`, so «continue» after days finds the same place."""

    async def load(self, ctx: Context) -> Appeal | None:
        appeal_id = ctx.data.get("appeal")
        repo = ctx.services.appeals
        appeal = await repo.get(ctx.conn, appeal_id) if isinstance(appeal_id, int) else None
        if appeal is None or appeal.user_id != ctx.user.id:
            return None
        return appeal if appeal.status in ("draft", "returned") else None

    def position(self, record: Appeal) -> str | None:
        return record.draft_step

    async def move(self, ctx: Context, record: Appeal, position: str) -> None:
        await ctx.services.appeals.update(ctx.conn, record.id, ctx.now, draft_step=position)

    async def save(self, ctx: Context, record: Appeal, step: str, value: object) -> Appeal:
        await ctx.services.appeals.update(ctx.conn, record.id, ctx.now, **{step: value})
        changed: dict[str, Any] = {step: value}
        return replace(record, **changed)

    def value(self, record: Appeal, step: str) -> Any:
        return getattr(record, step)

    def filling(self, record: Appeal) -> bool:
        return record.status == "draft"
