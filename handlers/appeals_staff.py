"""Appeals to the mayor, the librarians' side: cards, the statuses of the law's workflow,
deadlines, lists, and what the citizen is told at each step.

The staff group runs with privacy mode on, so anything a librarian types (the council's
number, a reason, the answer) is a reply to a bot prompt carrying `ref="apin:ID:ACTION"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers import texts
from handlers.context import Context, Job, Router, Scope
from handlers.menu import HOME
from handlers.messages import Address, Attachment, Button
from storage.appeals import OPEN_STATUSES, Appeal, AppealsRepo, format_number

REPO = AppealsRepo()

# The law "On Citizens' Appeals", Art. 20: calendar days from registration.
TERM_DAYS = 30
SHORT_TERM_DAYS = 15  # "needs no further study"
EXTENDED_TERM_DAYS = 45
DEADLINE_WARNING_DAYS = 5
# The law gives 5 days to forward an appeal to the right body and 10 to return an
# incomplete one; appeals not passed on after this many days are listed each morning.
NOT_PASSED_ON_WARNING_DAYS = 3
DRAFT_LIFETIME = timedelta(days=7)

CITIZEN_ACTOR = "заявник"


def due_date(start: date, *, short_term: bool = False, extended: bool = False) -> date:
    if extended:
        return start + timedelta(days=EXTENDED_TERM_DAYS)
    return start + timedelta(days=SHORT_TERM_DAYS if short_term else TERM_DAYS)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Local midnight of `day`, in UTC."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def fmt_day(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


def term_start(appeal: Appeal, tz: ZoneInfo) -> date:
    assert appeal.submitted_at is not None
    return local_day(appeal.submitted_at, tz)


_NUMBER = re.compile(r"[МMмm][РPрp]\s*-?\s*(\d{4})\s*-\s*(\d{1,6})")


def parse_number(text: str) -> str | None:
    """`мр-2026-123`, `MP-2026-000123` (Latin letters too) → `МР-2026-000123`."""
    match = _NUMBER.fullmatch(text.strip())
    return format_number(int(match.group(1)), int(match.group(2))) if match else None


def status_label(status: str) -> str:
    return texts.APPEAL_STATUSES.get(status, status)


def topic_label(topic: str | None) -> str:
    return texts.APPEAL_TOPICS.get(topic or "", "—")


def librarian(ctx: Context) -> str:
    """Who made a change: the name the messenger shows and the librarian's id there."""
    return f"{ctx.event.display_name or 'бібліотекар'} ({ctx.event.channel}:{ctx.event.user_id})"


def files_listed(files: Sequence[Attachment]) -> str:
    """«2: фото («тріщина в стіні»), лист.pdf» — what came with the appeal, as sent."""
    if not files:
        return texts.APPEAL_FILES_NONE
    items = []
    for file in files:
        name = file.file_name or texts.FILE_KINDS.get(file.kind, file.kind)
        items.append(
            texts.APPEAL_FILE_WITH_CAPTION.format(name=name, caption=file.caption)
            if file.caption
            else name
        )
    return f"{len(files)}: " + ", ".join(items)


def as_attachments(files: Iterable[Attachment]) -> tuple[Attachment, ...]:
    # The caption is listed in the card's text; the file goes as a photo or a document.
    return tuple(
        replace(f, kind="photo" if f.kind == "photo" else "document", caption=None) for f in files
    )


# --- The workflow ---------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str
    allowed_from: tuple[str, ...]
    prompt: str | None = None  # asks the librarian for text, answered by a reply


ACTIONS: dict[str, Action] = {
    "check": Action(texts.BTN_STAFF_CHECK, ("submitted",)),
    "transfer": Action(
        texts.BTN_STAFF_TRANSFER, ("submitted", "checking"), texts.STAFF_PROMPT_COUNCIL
    ),
    "short": Action(texts.BTN_STAFF_SHORT, ("submitted", "checking", "transferred")),
    "answer": Action(texts.BTN_STAFF_ANSWER, ("transferred", "extended")),
    "extend": Action(texts.BTN_STAFF_EXTEND, ("transferred",), texts.STAFF_PROMPT_EXTEND),
    "return": Action(texts.BTN_STAFF_RETURN, ("submitted", "checking"), texts.STAFF_PROMPT_RETURN),
    "forward": Action(
        texts.BTN_STAFF_FORWARD, ("submitted", "checking"), texts.STAFF_PROMPT_FORWARD
    ),
    "reject": Action(texts.BTN_STAFF_REJECT, ("submitted", "checking"), texts.STAFF_PROMPT_REJECT),
    "close": Action(texts.BTN_STAFF_CLOSE, ("answered", "forwarded", "rejected")),
}


def available(appeal: Appeal) -> list[str]:
    found = [name for name, a in ACTIONS.items() if appeal.status in a.allowed_from]
    if appeal.short_term and "short" in found:
        found.remove("short")
    return found


def staff_buttons(appeal: Appeal) -> list[list[Button]]:
    buttons = [Button(ACTIONS[name].label, f"aps:{name}:{appeal.id}") for name in available(appeal)]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


# --- Cards ----------------------------------------------------------------------------


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
        ref=f"appeal:{appeal.id}",
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
        scope.to_staff(
            texts.APPEAL_NOTICE_FOR_VISITOR.format(number=appeal.number, phone=phone, notice=text),
            attachments=attachments,
        )
        return
    user = await scope.services.users.get(scope.conn, appeal.user_id)
    if user is None:
        return
    # Every notice leaves a way home.
    buttons = [*buttons, [HOME]]
    scope.send(Address(user.channel, user.chat_id), text, buttons, attachments=attachments)


# --- Status changes -------------------------------------------------------------------


async def _apply(
    ctx: Context, appeal: Appeal, status: str, *, note: str | None = None, **fields: object
) -> Appeal:
    if fields:
        await REPO.update(ctx.conn, appeal.id, ctx.now, **fields)
    await REPO.set_status(ctx.conn, appeal.id, status, actor=librarian(ctx), note=note, now=ctx.now)
    changed = await REPO.get(ctx.conn, appeal.id)
    assert changed is not None
    ctx.to_staff(
        texts.STAFF_APPEAL_CHANGED.format(
            number=changed.number, status=status_label(status), actor=ctx.event.display_name
        ),
        staff_buttons(changed),
        ref=f"appeal:{changed.id}",
    )
    return changed


async def _load(ctx: Context, raw_id: str) -> Appeal | None:
    appeal = await REPO.get(ctx.conn, int(raw_id)) if raw_id.isdigit() else None
    if appeal is None or appeal.number is None:
        ctx.to_staff(texts.STAFF_APPEAL_UNKNOWN.format(number=raw_id))
        return None
    return appeal


def _allowed(ctx: Context, appeal: Appeal, action: str) -> bool:
    if action in available(appeal):
        return True
    ctx.to_staff(
        texts.STAFF_APPEAL_WRONG_STATE.format(
            number=appeal.number, status=status_label(appeal.status)
        )
    )
    return False


async def on_staff_button(ctx: Context) -> None:
    """`aps:ACTION:ID` from a card, or `aps:outcome:ID:OUTCOME` after "answer given"."""
    parts = (ctx.event.payload or "").split(":")
    if len(parts) < 3:
        return
    action, raw_id = parts[1], parts[2]
    appeal = await _load(ctx, raw_id)
    if appeal is None:
        return
    if action == "outcome":
        outcome = parts[3] if len(parts) > 3 else ""
        if outcome not in texts.APPEAL_OUTCOMES or not _allowed(ctx, appeal, "answer"):
            return
        ctx.to_staff(
            texts.STAFF_PROMPT_ANSWER.format(
                number=appeal.number, outcome=texts.APPEAL_OUTCOMES[outcome]
            ),
            ref=f"apin:{appeal.id}:answer:{outcome}",
        )
        return
    if action not in ACTIONS or not _allowed(ctx, appeal, action):
        return
    prompt = ACTIONS[action].prompt
    if prompt is not None:
        ctx.to_staff(prompt.format(number=appeal.number), ref=f"apin:{appeal.id}:{action}")
        return
    if action == "answer":
        outcomes = [
            [Button(label, f"aps:outcome:{appeal.id}:{key}")]
            for key, label in texts.APPEAL_OUTCOMES.items()
        ]
        ctx.to_staff(texts.STAFF_APPEAL_OUTCOME.format(number=appeal.number), outcomes)
        return
    if action == "short":
        await _set_short_term(ctx, appeal)
        return
    number = appeal.number
    if action == "check":
        await _apply(ctx, appeal, "checking")
        await notify_citizen(ctx, appeal, texts.APPEAL_NOTICE_CHECKING.format(number=number))
    elif action == "close":
        await _apply(ctx, appeal, "closed")
        await notify_citizen(ctx, appeal, texts.APPEAL_NOTICE_CLOSED.format(number=number))


async def _set_short_term(ctx: Context, appeal: Appeal) -> None:
    due = due_date(term_start(appeal, ctx.services.timezone), short_term=True)
    await REPO.update(ctx.conn, appeal.id, ctx.now, short_term=True, due_date=due)
    await REPO.add_history(
        ctx.conn,
        appeal.id,
        appeal.status,
        actor=librarian(ctx),
        note=f"строк 15 днів, до {fmt_day(due)}",
        now=ctx.now,
    )
    changed = await REPO.get(ctx.conn, appeal.id)
    assert changed is not None
    ctx.to_staff(
        texts.STAFF_APPEAL_SHORT_SET.format(
            number=appeal.number, due=fmt_day(due), actor=ctx.event.display_name
        ),
        staff_buttons(changed),
        ref=f"appeal:{appeal.id}",
    )


_COUNCIL_DATE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")


def parse_council(text: str) -> tuple[str, date] | None:
    """`1234/02-15 від 27.11.2026` → ("1234/02-15", date(2026, 11, 27))."""
    match = _COUNCIL_DATE.search(text)
    if match is None:
        return None
    try:
        day = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    rest = (text[: match.start()] + " " + text[match.end() :]).replace("№", " ")
    rest = re.sub(r"\bвід\b|\bот\b", " ", rest, flags=re.IGNORECASE)
    number = " ".join(rest.split()).strip(" ,;:-")
    return (number, day) if number else None


async def on_staff_input(ctx: Context) -> None:
    """A librarian's reply to a prompt `apin:ID:ACTION[:OUTCOME]`."""
    parts = (ctx.reply_ref or "").split(":")
    if len(parts) < 3:
        return
    appeal = await _load(ctx, parts[1])
    action = parts[2]
    if appeal is None or not _allowed(ctx, appeal, action):
        return
    text = (ctx.event.text or "").strip()
    number = appeal.number
    tz = ctx.services.timezone
    if action == "answer":
        files = ctx.event.attachments
        if not text and not files:
            ctx.to_staff(texts.STAFF_ERR_EMPTY_REASON)
            return
        outcome = parts[3] if len(parts) > 3 else "explained"
        label = texts.APPEAL_OUTCOMES.get(outcome, outcome)
        await _apply(
            ctx, appeal, "answered", note=label, outcome=outcome, answer=text, answer_files=files
        )
        await notify_citizen(
            ctx,
            appeal,
            texts.APPEAL_NOTICE_ANSWERED.format(number=number, outcome=label, answer=text).strip(),
            attachments=as_attachments(files),
        )
        return
    if action == "transfer":
        parsed = parse_council(text)
        if parsed is None:
            ctx.to_staff(texts.STAFF_ERR_COUNCIL)
            return
        council_number, council_date = parsed
        await _apply(
            ctx,
            appeal,
            "transferred",
            note=f"№ {council_number} від {fmt_day(council_date)}",
            council_number=council_number,
            council_date=council_date,
        )
        await notify_citizen(
            ctx,
            appeal,
            texts.APPEAL_NOTICE_TRANSFERRED.format(
                number=number,
                council_number=council_number,
                council_date=fmt_day(council_date),
                due=fmt_day(appeal.due_date),
            ),
        )
        return
    if not text:
        ctx.to_staff(texts.STAFF_ERR_EMPTY_REASON)
        return
    if action == "return":
        await _apply(ctx, appeal, "returned", note=text)
        fix = [[Button(texts.BTN_APPEAL_FIX.format(number=number), f"ap:fix:{appeal.id}")]]
        await notify_citizen(
            ctx, appeal, texts.APPEAL_NOTICE_RETURNED.format(number=number, reason=text), fix
        )
    elif action == "forward":
        await _apply(ctx, appeal, "forwarded", note=text, forwarded_to=text)
        await notify_citizen(
            ctx, appeal, texts.APPEAL_NOTICE_FORWARDED.format(number=number, body=text)
        )
    elif action == "extend":
        due = due_date(term_start(appeal, tz), extended=True)
        await _apply(ctx, appeal, "extended", note=text, due_date=due)
        await notify_citizen(
            ctx,
            appeal,
            texts.APPEAL_NOTICE_EXTENDED.format(number=number, due=fmt_day(due), reason=text),
        )
    elif action == "reject":
        await _apply(ctx, appeal, "rejected", note=text)
        await notify_citizen(
            ctx, appeal, texts.APPEAL_NOTICE_REJECTED.format(number=number, reason=text)
        )


# --- Lists, one appeal, deadlines -----------------------------------------------------


def _status_from(arg: str) -> str | None:
    wanted = arg.strip().casefold()
    for code, label in texts.APPEAL_STATUSES.items():
        if code != "draft" and wanted in (code, label.casefold()):
            return code
    for code, label in texts.APPEAL_STATUSES.items():
        if code != "draft" and label.casefold().startswith(wanted):
            return code
    return None


def _line(appeal: Appeal, today: date, template: str) -> str:
    late = appeal.due_date is not None and appeal.due_date < today
    return template.format(
        star="⭐ " if appeal.priority else "",
        number=appeal.number,
        topic=topic_label(appeal.topic),
        status=status_label(appeal.status),
        due=fmt_day(appeal.due_date),
        late=texts.STAFF_APPEALS_LATE if late and appeal.status in OPEN_STATUSES else "",
    )


async def on_appeals_list(ctx: Context) -> None:
    """/appeals [status]: open ones by default; priority (Art. 20) first."""
    arg = ctx.event.command_args
    if arg:
        status = _status_from(arg)
        if status is None:
            names = ", ".join(c for c in texts.APPEAL_STATUSES if c != "draft")
            ctx.say(texts.STAFF_APPEALS_USAGE.format(statuses=names))
            return
        statuses: tuple[str, ...] = (status,)
        what = status_label(status)
    else:
        statuses, what = OPEN_STATUSES, texts.STAFF_APPEALS_OPEN
    found = await REPO.listing(ctx.conn, statuses)
    if not found:
        ctx.say(texts.STAFF_APPEALS_EMPTY.format(what=what))
        return
    today = local_day(ctx.now, ctx.services.timezone)
    lines = [texts.STAFF_APPEALS_TITLE.format(what=what, count=len(found))]
    lines += ["- " + _line(a, today, texts.STAFF_APPEALS_LINE) for a in found]
    ctx.say("\n".join(lines))


async def show_for_staff(ctx: Context, number: str, *, reveal: bool) -> None:
    appeal = await REPO.by_number(ctx.conn, number)
    if appeal is None:
        ctx.say(texts.STAFF_APPEAL_UNKNOWN.format(number=number))
        return
    tz = ctx.services.timezone
    lines = [card_text(appeal, tz, title=texts.STAFF_APPEAL_VIEW, reveal=reveal)]
    lines += ["", texts.STAFF_APPEAL_HISTORY]
    for entry in await REPO.history(ctx.conn, appeal.id):
        lines.append(
            texts.STAFF_APPEAL_HISTORY_LINE.format(
                at=entry.at.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
                status=status_label(entry.status),
                note=f": {entry.note}" if entry.note else "",
                actor=entry.actor,
            )
        )
    buttons = staff_buttons(appeal) if ctx.event.from_staff_chat else []
    ctx.say("\n".join(lines), buttons, ref=f"appeal:{appeal.id}")


async def on_appeal_card(ctx: Context) -> None:
    """/appeal NUMBER in the staff chat: the card with its history, name hidden if asked."""
    number = parse_number(ctx.event.command_args)
    if number is None:
        ctx.say(texts.STAFF_APPEAL_USAGE)
        return
    await show_for_staff(ctx, number, reveal=False)


async def run_deadlines(scope: Scope) -> None:
    """Every working morning: what is due within 5 days, and what is overdue."""
    tz = scope.services.timezone
    today = local_day(scope.now, tz)
    due = await REPO.due_by(scope.conn, today + timedelta(days=DEADLINE_WARNING_DAYS))
    waiting = [
        a
        for a in await REPO.listing(scope.conn, ("submitted", "checking"))
        if (today - term_start(a, tz)).days >= NOT_PASSED_ON_WARNING_DAYS
    ]
    if not due and not waiting:
        return
    overdue = [a for a in due if a.due_date is not None and a.due_date < today]
    soon = [a for a in due if a not in overdue]
    lines = [texts.STAFF_DEADLINES.format(date=fmt_day(today))]
    for title, group in (
        (texts.STAFF_DEADLINES_OVERDUE, overdue),
        (texts.STAFF_DEADLINES_SOON, soon),
        (texts.STAFF_DEADLINES_NOT_PASSED_ON, waiting),
    ):
        if group:
            lines += ["", title]
            lines += [_line(a, today, texts.STAFF_DEADLINES_LINE) for a in group]
    scope.to_staff("\n".join(lines))


async def run_draft_cleanup(scope: Scope) -> None:
    """Unsubmitted drafts hold personal data: gone after 7 days untouched."""
    await REPO.delete_stale_drafts(scope.conn, scope.now - DRAFT_LIFETIME)


DEADLINES_JOB = Job("appeals.deadlines", run_deadlines, {"day_of_week": "mon-fri", "hour": 9})
DRAFTS_JOB = Job("appeals.drafts", run_draft_cleanup, {"hour": 3, "minute": 30})


def register(router: Router) -> None:
    router.staff_payloads["aps"] = on_staff_button
    router.staff_replies["apin"] = on_staff_input
    router.staff_commands.update(appeals=on_appeals_list, appeal=on_appeal_card)
    router.jobs += [DEADLINES_JOB, DRAFTS_JOB]
