"""How an appeal looks to librarians (the card) and how its author is told of changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from handlers import texts
from handlers.appeals.payloads import StaffPress
from handlers.appeals.rules import status_label, topic_label
from handlers.appeals.workflow import ACTIONS, available
from handlers.context import Scope
from handlers.dates import fmt_day, local_day
from handlers.menu import HOME
from handlers.messages import Address, Attachment, Button, Markdown, escape
from storage.appeals import Appeal


def card_ref(appeal: Appeal) -> str:
    return f"appeal:{appeal.id}"


def files_listed(files: Sequence[Attachment]) -> Markdown:
    """«2: фото («тріщина в стіні»), лист.pdf» — what came with the appeal, as sent."""
    if not files:
        return Markdown(texts.APPEAL_FILES_NONE)
    items = []
    for file in files:
        name = file.file_name or texts.FILE_KINDS.get(file.kind, file.kind)
        items.append(
            texts.APPEAL_FILE_WITH_CAPTION.format(name=name, caption=file.caption)
            if file.caption
            else escape(name)
        )
    return Markdown(f"{len(files)}: " + ", ".join(items))


def as_attachments(files: Iterable[Attachment]) -> tuple[Attachment, ...]:
    # The caption is listed in the card's text; the file goes as a photo or a document.
    return tuple(
        replace(f, kind="photo" if f.kind == "photo" else "document", caption=None) for f in files
    )


def staff_buttons(appeal: Appeal) -> list[list[Button]]:
    """The actions the card's current status allows, two to a row."""
    buttons = [
        Button(ACTIONS[name].label, StaffPress(name, appeal.id).pack())
        for name in available(appeal)
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def card_text(appeal: Appeal, tz: ZoneInfo, *, title: str, reveal: bool = False) -> str:
    """The appeal for librarians; name and address hidden when asked (Art. 10) unless
    `reveal` (only in the private chat of the librarian who passes it on)."""
    assert appeal.number is not None and appeal.registered_at is not None
    if appeal.confidential and not reveal:
        person = texts.STAFF_APPEAL_HIDDEN.format(number=appeal.number)
    else:
        person = texts.STAFF_APPEAL_PERSON.format(
            name=appeal.full_name,
            address=appeal.address or "—",
            phone=appeal.phone or "—",
            email=appeal.email or "—",
        )
    origin = (
        texts.STAFF_APPEAL_ORIGIN_BRANCH.format(librarian=appeal.assisted_by)
        if appeal.assisted_by
        else texts.STAFF_APPEAL_ORIGIN_CHAT
    )
    priority = (
        texts.STAFF_APPEAL_PRIORITY.format(
            category=texts.APPEAL_PRIORITIES.get(appeal.priority, appeal.priority)
        )
        if appeal.priority
        else ""
    )
    repeat = texts.STAFF_APPEAL_REPEAT.format(number=appeal.repeat_of) if appeal.repeat_of else ""
    text = texts.STAFF_APPEAL_CARD.format(
        title=title,
        number=appeal.number,
        priority=priority,
        topic=topic_label(appeal.topic),
        date=fmt_day(local_day(appeal.registered_at, tz)),
        due=fmt_day(appeal.due_date),
        person=person,
        origin=origin,
        repeat=repeat,
        body=appeal.body or "",
        attachments=files_listed(appeal.attachments),
        status=status_label(appeal.status),
    )
    extra = []
    if appeal.council_number:
        extra.append(
            texts.STAFF_APPEAL_COUNCIL.format(
                council_number=appeal.council_number, council_date=fmt_day(appeal.council_date)
            )
        )
    if appeal.outcome:
        extra.append(
            texts.STAFF_APPEAL_ANSWER.format(
                outcome=texts.APPEAL_OUTCOMES[appeal.outcome], answer=appeal.answer or "—"
            )
        )
    return "\n".join([text, *extra])


def post_card(scope: Scope, appeal: Appeal, *, title: str = texts.STAFF_APPEAL_NEW) -> None:
    """A new (or corrected) appeal in the staff chat, its files forwarded with it."""
    scope.to_staff(
        card_text(appeal, scope.services.timezone, title=title),
        staff_buttons(appeal),
        attachments=as_attachments(appeal.attachments),
        ref=card_ref(appeal),
    )


async def notify_citizen(
    scope: Scope,
    appeal: Appeal,
    text: str,
    buttons: Iterable[Iterable[Button]] = (),
    *,
    attachments: tuple[Attachment, ...] = (),
) -> None:
    """Tell the author on the channel they used; filed at a branch: ask staff to call."""
    if appeal.assisted_by:
        phone = "—" if appeal.confidential else (appeal.phone or "—")
        notice = Markdown(text)  # a message's text already: kept as it is
        scope.to_staff(
            texts.APPEAL_NOTICE_FOR_VISITOR.format(
                number=appeal.number, phone=phone, notice=notice
            ),
            attachments=attachments,
        )
        return
    user = await scope.services.users.get(scope.conn, appeal.user_id)
    if user is None:
        return
    # Every notice leaves a way home.
    buttons = [*buttons, [HOME]]
    scope.send(Address(user.channel, user.chat_id), text, buttons, attachments=attachments)
