"""Appeals to the mayor, the librarians' side: the workflow's buttons on the cards, lists,
one appeal with its history, and the morning deadlines.

The staff group runs with privacy mode on, so anything a librarian types (the council's
number, a reason, the answer) is a reply to a bot prompt carrying `ref="apin:ID:ACTION"`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from handlers import pages, texts
from handlers.appeals.cards import (
    as_attachments,
    card_ref,
    card_text,
    notify_citizen,
    staff_buttons,
)
from handlers.appeals.payloads import (
    AppealsPage,
    Fix,
    ListedStatus,
    Outcome,
    StaffAction,
    StaffPress,
)
from handlers.appeals.rules import (
    DEADLINE_WARNING_DAYS,
    DRAFT_LIFETIME,
    NOT_PASSED_ON_WARNING_DAYS,
    librarian,
    parse_number,
    status_label,
    topic_label,
)
from handlers.appeals.workflow import ACTIONS, Given, available, parse_council
from handlers.context import Context, Job, Scope
from handlers.dates import day_start, fmt_day, fmt_stamp, local_day
from handlers.messages import Button
from handlers.routing import Router
from storage.appeals import OPEN_STATUSES, Appeal

PROMPT_REF = "apin"
# The morning list names at most this many appeals a group; the rest are counted.
DEADLINES_LISTED = 10
# Telegram takes 4096 characters a message; the margin is for the markup the channel adds.
MESSAGE_BUDGET = 3900


# --- The workflow ---------------------------------------------------------------------


async def carry_out(ctx: Context, appeal: Appeal, name: StaffAction, given: Given) -> None:
    """Any action of the table: change the appeal, log it, show the card, tell the author."""
    repo, action = ctx.services.appeals, ACTIONS[name]
    change = action.change(appeal, given, ctx.services.timezone)
    if change.fields:
        await repo.update(ctx.conn, appeal.id, ctx.now, **change.fields)
    actor = librarian(ctx)
    if action.status is None:
        await repo.add_history(
            ctx.conn, appeal.id, appeal.status, actor=actor, note=change.note, now=ctx.now
        )
    else:
        await repo.set_status(
            ctx.conn, appeal.id, action.status, actor=actor, note=change.note, now=ctx.now
        )
    changed = await repo.get(ctx.conn, appeal.id)
    assert changed is not None
    ctx.to_staff(
        action.staff_note.format(
            number=changed.number,
            status=status_label(changed.status),
            due=fmt_day(changed.due_date),
            actor=ctx.event.display_name,
        ),
        staff_buttons(changed),
        ref=card_ref(changed),
    )
    if action.notice is None:
        return
    notice = action.notice.format(number=appeal.number, **change.notice).strip()
    fix = Button(texts.plain(texts.BTN_APPEAL_FIX, number=appeal.number), Fix(appeal.id).pack())
    await notify_citizen(
        ctx,
        changed,
        notice,
        [[fix]] if action.offer_fix else [],
        attachments=as_attachments(given.files),
    )


async def _load(ctx: Context, appeal_id: int | str) -> Appeal | None:
    repo = ctx.services.appeals
    appeal = await repo.get(ctx.conn, appeal_id) if isinstance(appeal_id, int) else None
    if appeal is None or appeal.number is None:
        ctx.to_staff(texts.STAFF_APPEAL_UNKNOWN.format(number=appeal_id))
        return None
    return appeal


def _allowed(ctx: Context, appeal: Appeal, action: StaffAction) -> bool:
    if action in available(appeal):
        return True
    ctx.to_staff(
        texts.STAFF_APPEAL_WRONG_STATE.format(
            number=appeal.number, status=status_label(appeal.status)
        )
    )
    return False


async def on_staff_button(ctx: Context, press: StaffPress) -> None:
    """An action pressed on a card: carried out, or first asked about."""
    appeal = await _load(ctx, press.appeal)
    if appeal is None or not _allowed(ctx, appeal, press.action):
        return
    action = ACTIONS[press.action]
    if action.asks == "answer":
        outcomes = [
            [Button(label, Outcome(appeal.id, key).pack())]
            for key, label in texts.APPEAL_OUTCOMES.items()
        ]
        ctx.to_staff(texts.STAFF_APPEAL_OUTCOME.format(number=appeal.number), outcomes)
    elif action.prompt is not None:
        ref = f"{PROMPT_REF}:{appeal.id}:{press.action}"
        ctx.to_staff(action.prompt.format(number=appeal.number), ref=ref)
    else:
        await carry_out(ctx, appeal, press.action, Given())


async def on_outcome(ctx: Context, press: Outcome) -> None:
    """The outcome chosen after «answer given»: now the answer itself is asked for."""
    appeal = await _load(ctx, press.appeal)
    if appeal is None:
        return
    if press.outcome not in texts.APPEAL_OUTCOMES or not _allowed(ctx, appeal, "answer"):
        return
    ctx.to_staff(
        texts.STAFF_PROMPT_ANSWER.format(
            number=appeal.number, outcome=texts.APPEAL_OUTCOMES[press.outcome]
        ),
        ref=f"{PROMPT_REF}:{appeal.id}:answer:{press.outcome}",
    )


async def on_staff_input(ctx: Context) -> None:
    """A librarian's reply to a prompt `apin:ID:ACTION[:OUTCOME]`."""
    _, raw_id, name, *rest = [*(ctx.reply_ref or "").split(":"), "", ""]
    action = next((a for a in ACTIONS if a == name), None)
    if action is None:
        return
    appeal = await _load(ctx, int(raw_id) if raw_id.isdigit() else raw_id)
    if appeal is None or not _allowed(ctx, appeal, action):
        return
    text = (ctx.event.text or "").strip()
    asks = ACTIONS[action].asks
    given = Given(text=text)
    if asks == "answer":
        files = ctx.event.attachments
        if not text and not files:
            ctx.to_staff(texts.STAFF_ERR_EMPTY_REASON)
            return
        given = Given(text=text, files=files, outcome=rest[0] or None)
    elif asks == "council":
        council = parse_council(text)
        if council is None:
            ctx.to_staff(texts.STAFF_ERR_COUNCIL)
            return
        given = Given(text=text, council=council)
    elif not text:
        ctx.to_staff(texts.STAFF_ERR_EMPTY_REASON)
        return
    await carry_out(ctx, appeal, action, given)


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
    """/appeals [status]: the first page of the open ones by default; priority (Art. 20)
    first."""
    arg = ctx.event.command_args
    status = _status_from(arg) if arg else None
    if arg and status is None:
        names = ", ".join(c for c in texts.APPEAL_STATUSES if c != "draft")
        ctx.say(texts.STAFF_APPEALS_USAGE.format(statuses=names))
        return
    await show_appeals(ctx, cast(ListedStatus | None, status), 1, in_place=False)


async def on_appeals_page(ctx: Context, press: AppealsPage) -> None:
    await show_appeals(ctx, press.status, press.page, in_place=True)


async def show_appeals(
    ctx: Context, status: ListedStatus | None, requested: int, *, in_place: bool
) -> None:
    """One page of a list, with its count and ◀️ ▶️ that keep the status."""
    statuses: tuple[str, ...] = OPEN_STATUSES
    what = texts.STAFF_APPEALS_OPEN
    if status is not None:
        statuses, what = (status,), status_label(status)
    repo = ctx.services.appeals
    total = await repo.count_listed(ctx.conn, statuses)
    if total == 0:
        pages.show(ctx, texts.STAFF_APPEALS_EMPTY.format(what=what), [], in_place=in_place)
        return
    page = pages.page_of(requested, total)
    found = await repo.listing(ctx.conn, statuses, limit=page.size, offset=page.offset)
    today = local_day(ctx.now, ctx.services.timezone)
    lines = [pages.title(texts.STAFF_APPEALS_TITLE.format(what=what, count=total), page)]
    lines += ["- " + _line(a, today, texts.STAFF_APPEALS_LINE) for a in found]
    buttons = pages.nav_buttons(page, lambda number: AppealsPage(number, status))
    pages.show(ctx, "\n".join(lines), buttons, in_place=in_place)


async def show_for_staff(ctx: Context, number: str, *, reveal: bool) -> None:
    appeal = await ctx.services.appeals.by_number(ctx.conn, number)
    if appeal is None:
        ctx.say(texts.STAFF_APPEAL_UNKNOWN.format(number=number))
        return
    tz = ctx.services.timezone
    lines = [card_text(appeal, tz, title=texts.STAFF_APPEAL_VIEW, reveal=reveal)]
    lines += ["", texts.STAFF_APPEAL_HISTORY]
    for entry in await ctx.services.appeals.history(ctx.conn, appeal.id):
        lines.append(
            texts.STAFF_APPEAL_HISTORY_LINE.format(
                at=fmt_stamp(entry.at, tz),
                status=status_label(entry.status),
                note=f": {entry.note}" if entry.note else "",
                actor=entry.actor,
            )
        )
    buttons = staff_buttons(appeal) if ctx.event.from_staff_chat else []
    ctx.say("\n".join(lines), buttons, ref=card_ref(appeal))


async def on_appeal_card(ctx: Context) -> None:
    """/appeal NUMBER in the staff chat: the card with its history, name hidden if asked."""
    number = parse_number(ctx.event.command_args)
    if number is None:
        ctx.say(texts.STAFF_APPEAL_USAGE)
        return
    await show_for_staff(ctx, number, reveal=False)


async def run_deadlines(scope: Scope) -> None:
    """Every working morning, one message: how many appeals are overdue, due within 5 days,
    not yet passed on, and the first few of each (the rest are in /appeals)."""
    tz, repo, conn = scope.services.timezone, scope.services.appeals, scope.conn
    today = local_day(scope.now, tz)
    yesterday, last = today - timedelta(days=1), today + timedelta(days=DEADLINE_WARNING_DAYS)
    # Submitted NOT_PASSED_ON_WARNING_DAYS or more local days ago: before the start of the
    # day after that one.
    waiting_before = day_start(today - timedelta(days=NOT_PASSED_ON_WARNING_DAYS - 1), tz)
    waiting = ("submitted", "checking")
    groups = [
        (
            texts.STAFF_DEADLINES_OVERDUE,
            await repo.count_due(conn, yesterday),
            await repo.due_by(conn, yesterday, limit=DEADLINES_LISTED),
        ),
        (
            texts.STAFF_DEADLINES_SOON,
            await repo.count_due(conn, last, first_day=today),
            await repo.due_by(conn, last, first_day=today, limit=DEADLINES_LISTED),
        ),
        (
            texts.STAFF_DEADLINES_NOT_PASSED_ON,
            await repo.count_submitted_before(conn, waiting, waiting_before),
            await repo.submitted_before(conn, waiting, waiting_before, limit=DEADLINES_LISTED),
        ),
    ]
    if not any(count for _, count, _ in groups):
        return
    # Long topic and status names could still overrun one message: list fewer then.
    for listed in range(DEADLINES_LISTED, -1, -1):
        text = _deadlines_text(today, groups, listed)
        if len(text) <= MESSAGE_BUDGET:
            break
    scope.to_staff(text)


def _deadlines_text(today: date, groups: list[tuple[str, int, list[Appeal]]], listed: int) -> str:
    lines = [texts.STAFF_DEADLINES.format(date=fmt_day(today))]
    for title, count, found in groups:
        if not count:
            continue
        lines += ["", title.format(count=count)]
        lines += [_line(a, today, texts.STAFF_DEADLINES_LINE) for a in found[:listed]]
        if count > min(listed, len(found)):
            lines.append(texts.STAFF_DEADLINES_MORE.format(count=count - min(listed, len(found))))
    return "\n".join(lines)


async def run_draft_cleanup(scope: Scope) -> None:
    """Unsubmitted drafts hold personal data: gone after 7 days untouched."""
    await scope.services.appeals.delete_stale_drafts(scope.conn, scope.now - DRAFT_LIFETIME)


DEADLINES_JOB = Job("appeals.deadlines", run_deadlines, {"day_of_week": "mon-fri", "hour": 9})
DRAFTS_JOB = Job("appeals.drafts", run_draft_cleanup, {"hour": 3, "minute": 30})


def register(router: Router) -> None:
    router.staff_button(StaffPress)(on_staff_button)
    router.staff_button(Outcome)(on_outcome)
    router.staff_reply(PROMPT_REF)(on_staff_input)
    router.staff_button(AppealsPage)(on_appeals_page)
    router.staff_command("appeals", texts.CMD_STAFF_APPEALS)(on_appeals_list)
    router.staff_command("appeal", texts.CMD_STAFF_APPEAL)(on_appeal_card)
    router.jobs += [DEADLINES_JOB, DRAFTS_JOB]
