"""Appeals to the mayor, the resident's side: consent, the form (`form.py`, run by the
dialog engine), sending, "my appeals", and the status of an appeal by its number.

A librarian can run the same dialog in the staff chat for a visitor at a branch
(`/assist`): the prompts then carry a ref, so that the librarian's replies reach the bot in
a group with privacy mode on.
"""

from __future__ import annotations

from typing import get_args

from handlers import texts
from handlers.appeals.cards import post_card
from handlers.appeals.form import STEPS, AppealForm, review_text
from handlers.appeals.payloads import (
    DIALOG_BUTTONS,
    AppealPress,
    Consent,
    EditField,
    Fix,
    Pick,
)
from handlers.appeals.rules import (
    DAILY_LIMIT,
    FINISHED,
    REPEAT_WINDOW,
    REQUIRED,
    citizen_actor,
    due_date,
    is_stale_draft,
    librarian,
    parse_number,
    similar,
    status_label,
    topic_label,
)
from handlers.appeals.staff import show_for_staff
from handlers.context import Context
from handlers.dates import day_start, fmt_day, local_day
from handlers.dialog import Dialog, DialogTexts, Hooks, NavAction
from handlers.menu import HOME, show_menu, smalltalk, without_librarians
from handlers.menu.payloads import OpenAppeals
from handlers.messages import Button
from handlers.routing import Router
from storage.appeals import Appeal

CONSENT = "appeals.consent"
FORM = "appeals.form"
NAV_ACTIONS: frozenset[str] = frozenset(get_args(NavAction))


def _ref(appeal: Appeal) -> str:
    # In the staff chat a librarian's answer must be a reply to a bot message with a ref.
    return f"appealdlg:{appeal.id}"


# --- Entry, consent, and leaving ------------------------------------------------------


async def _intro(ctx: Context) -> None:
    """The entry screen: write an appeal (or continue the draft) and "my appeals"."""
    ctx.finish()
    draft = await _fresh_draft(ctx)
    mine = [Button(texts.BTN_APPEAL_MINE, AppealPress("mine").pack())]
    if draft is None:
        new = Button(texts.BTN_APPEAL_NEW, AppealPress("new").pack())
        ctx.say(texts.APPEAL_INTRO, [[new], mine, [HOME]])
        return
    started = fmt_day(local_day(draft.created_at, ctx.services.timezone))
    ctx.say(
        texts.APPEAL_INTRO + "\n\n" + texts.APPEAL_INTRO_DRAFT.format(date=started),
        [
            [Button(texts.BTN_APPEAL_CONTINUE, AppealPress("continue").pack())],
            [Button(texts.BTN_APPEAL_RESTART, AppealPress("restart").pack())],
            mine,
            [HOME],
        ],
    )


async def _fresh_draft(ctx: Context) -> Appeal | None:
    repo = ctx.services.appeals
    draft = await repo.draft_of(ctx.conn, ctx.user.id)
    if draft is not None and is_stale_draft(draft, ctx.now):
        await repo.delete_draft(ctx.conn, draft.id)  # the nightly clean-up has not run yet
        return None
    return draft


def _ask_consent(ctx: Context) -> None:
    ctx.goto(CONSENT, appeal=None)
    buttons = [
        [
            Button(texts.BTN_CONSENT_YES, Consent("yes").pack()),
            Button(texts.BTN_CONSENT_NO, Consent("no").pack()),
        ]
    ]
    if ctx.event.from_staff_chat:
        text = texts.STAFF_ASSIST_CONSENT.format(notice=texts.APPEAL_CONSENT)
        ctx.say(text, buttons, ref="appealdlg:consent")
    else:
        ctx.say(texts.APPEAL_CONSENT, buttons)


async def _gone(ctx: Context) -> None:
    if ctx.event.from_staff_chat:
        ctx.finish()
        ctx.say(texts.STAFF_ASSIST_NOT_YOURS)
        return
    ctx.say(texts.APPEAL_DRAFT_GONE)
    await _intro(ctx)


async def _stale(ctx: Context) -> None:
    """A dialog button pressed outside the dialog: the entry screen (staff: not yours)."""
    if ctx.event.from_staff_chat:
        await _gone(ctx)
    else:
        await _intro(ctx)


async def _wants_out(ctx: Context, _appeal: Appeal) -> bool:
    """«меню» or «стоп» is no answer to any question: offer the way out, the draft kept."""
    if ctx.event.from_staff_chat or not smalltalk.wants_out(ctx.event.text):
        return False
    stay = Button(texts.BTN_APPEAL_STAY, AppealPress("stay").pack())
    ctx.say(texts.APPEAL_LEAVE_OFFER, [[HOME], [stay]])
    return True


async def _cancel(ctx: Context, appeal: Appeal, confirmed: bool) -> None:
    if appeal.status == "returned":
        show_menu(ctx, texts.APPEAL_EDIT_CANCELLED.format(number=appeal.number))
        return
    if not confirmed:  # one tap next to «Назад» must not wipe ten answers
        yes = Button(texts.BTN_APPEAL_DELETE_DRAFT, AppealPress("cancel", "yes").pack())
        stay = Button(texts.BTN_APPEAL_STAY, AppealPress("stay").pack())
        ctx.say(texts.APPEAL_CANCEL_CONFIRM, [[yes], [stay]])
        return
    await ctx.services.appeals.delete_draft(ctx.conn, appeal.id)
    if ctx.event.from_staff_chat:
        ctx.finish()
        ctx.say(texts.APPEAL_CANCELLED)
        return
    show_menu(ctx, texts.APPEAL_CANCELLED)


# --- Sending ------------------------------------------------------------------------


async def _sent_today(ctx: Context, user_id: int | None, phone: str | None) -> int:
    tz = ctx.services.timezone
    since = day_start(local_day(ctx.now, tz), tz)
    return await ctx.services.appeals.registered_since(
        ctx.conn, user_id=user_id, phone=phone, since=since
    )


async def _submit(ctx: Context, appeal: Appeal) -> None:
    if appeal.status == "returned":
        await _resubmit(ctx, appeal)
        return
    repo = ctx.services.appeals
    today = local_day(ctx.now, ctx.services.timezone)
    author = None if appeal.assisted_by else appeal.user_id
    if await _sent_today(ctx, author, appeal.phone) >= DAILY_LIMIT:
        await DIALOG.review(ctx, appeal, texts.APPEAL_DAILY_LIMIT)
        return
    recent = await repo.recent_of_person(
        ctx.conn,
        user_id=author,
        phone=appeal.phone,
        since=ctx.now - REPEAT_WINDOW,
        exclude_id=appeal.id,
    )
    repeat_of = next((a.number for a in recent if similar(a.body or "", appeal.body or "")), None)
    # Numbered in this same transaction: a rollback gives the number back, so no gaps.
    seq, number = await repo.allocate_number(ctx.conn, today.year)
    due = due_date(today)
    await repo.register(
        ctx.conn,
        appeal.id,
        number=number,
        year=today.year,
        seq=seq,
        now=ctx.now,
        due_date=due,
        repeat_of=repeat_of,
    )
    actor = librarian(ctx) if appeal.assisted_by else citizen_actor()
    await repo.add_history(ctx.conn, appeal.id, "submitted", actor=actor, note=None, now=ctx.now)
    registered = await repo.get(ctx.conn, appeal.id)
    assert registered is not None
    post_card(ctx, registered)
    ctx.finish()
    if appeal.assisted_by:
        ctx.say(
            texts.APPEAL_ASSISTED_SUBMITTED.format(
                number=number, date=fmt_day(today), due=fmt_day(due)
            )
        )
        return
    ctx.say(
        texts.APPEAL_SUBMITTED.format(number=number, date=fmt_day(today), due=fmt_day(due)),
        [[Button(texts.BTN_APPEAL_MINE, AppealPress("mine").pack())], [HOME]],
    )


async def _resubmit(ctx: Context, appeal: Appeal) -> None:
    repo = ctx.services.appeals
    today = local_day(ctx.now, ctx.services.timezone)
    due = due_date(today, short_term=appeal.short_term)
    await repo.resubmit(ctx.conn, appeal.id, now=ctx.now, due_date=due)
    actor = librarian(ctx) if appeal.assisted_by else citizen_actor()
    await repo.add_history(
        ctx.conn,
        appeal.id,
        "submitted",
        actor=actor,
        note=texts.APPEAL_RESUBMITTED_NOTE,
        now=ctx.now,
    )
    again = await repo.get(ctx.conn, appeal.id)
    assert again is not None
    post_card(ctx, again, title=texts.STAFF_APPEAL_RESUBMITTED)
    ctx.finish()
    text = texts.APPEAL_RESUBMITTED.format(number=appeal.number, due=fmt_day(due))
    if appeal.assisted_by:
        ctx.say(text)
    else:
        ctx.say(text, [[Button(texts.BTN_APPEAL_MINE, AppealPress("mine").pack())], [HOME]])


DIALOG: Dialog[Appeal] = Dialog(
    STEPS,
    AppealForm(),
    Hooks(
        review_text=review_text,
        submit=_submit,
        cancel=_cancel,
        leave=_stale,
        gone=_gone,
        intercept=_wants_out,
        ref=_ref,
        required=REQUIRED,
    ),
    DialogTexts.standard(
        send=texts.BTN_APPEAL_SEND, edit=texts.BTN_APPEAL_EDIT, edit_which=texts.APPEAL_EDIT_WHICH
    ),
    DIALOG_BUTTONS,
    texts.APPEAL_FIELD_LABELS,
)


# --- Incoming -------------------------------------------------------------------------


async def on_entry(ctx: Context, _press: object) -> None:
    """The menu's "Appeal to the mayor" button."""
    if without_librarians(ctx):  # nobody would pass the appeal on to the council
        return
    await _intro(ctx)


async def on_input(ctx: Context) -> None:
    """Whatever is typed or sent while in the dialog."""
    if await answer_number(ctx):
        return
    if ctx.step == CONSENT:
        _ask_consent(ctx)
        return
    await DIALOG.on_input(ctx)


async def _in_dialog(ctx: Context) -> Appeal | None:
    """The appeal a dialog button acts on; otherwise the person is told and None."""
    if without_librarians(ctx):
        return None
    if not (ctx.step or "").startswith("appeals.") or ctx.step == CONSENT:
        await _stale(ctx)
        return None
    appeal = await DIALOG.form.load(ctx)
    if appeal is None:
        await _gone(ctx)
    return appeal


async def on_press(ctx: Context, press: AppealPress) -> None:
    if press.action == "mine":
        await show_mine(ctx)
        return
    if without_librarians(ctx):
        return
    if press.action == "new":
        await _on_new(ctx)
    elif press.action == "continue":
        draft = await _fresh_draft(ctx)
        if draft is None:
            await _gone(ctx)
            return
        await _open(ctx, draft)
    elif press.action == "restart":
        draft = await ctx.services.appeals.draft_of(ctx.conn, ctx.user.id)
        if draft is not None:
            await ctx.services.appeals.delete_draft(ctx.conn, draft.id)
        _ask_consent(ctx)
    elif press.action in NAV_ACTIONS:
        appeal = await _in_dialog(ctx)
        if appeal is not None:
            await DIALOG.on_nav(ctx, appeal, press.action, press.confirm)


async def _open(ctx: Context, appeal: Appeal) -> None:
    """Into the dialog at the appeal's own position."""
    ctx.goto(FORM, appeal=appeal.id)
    await DIALOG.resume(ctx, appeal)


async def _on_new(ctx: Context) -> None:
    if not ctx.event.from_staff_chat and await _fresh_draft(ctx) is not None:
        await _intro(ctx)  # offers to continue or start over
        return
    if not ctx.event.from_staff_chat and await _sent_today(ctx, ctx.user.id, None) >= DAILY_LIMIT:
        # Said before the eleven questions, not after them.
        show_menu(ctx, texts.APPEAL_DAILY_LIMIT_REACHED)
        return
    _ask_consent(ctx)


async def on_consent(ctx: Context, press: Consent) -> None:
    if without_librarians(ctx):
        return
    if ctx.step != CONSENT:
        await _stale(ctx)
        return
    staff = ctx.event.from_staff_chat
    if press.answer != "yes":
        if staff:
            ctx.finish()
            ctx.say(texts.STAFF_ASSIST_NO_CONSENT)
        else:
            show_menu(ctx, texts.APPEAL_NO_CONSENT)
        return
    # Consent given: only from here on is anything personal written down.
    appeal = await ctx.services.appeals.create_draft(
        ctx.conn, ctx.user.id, ctx.now, assisted_by=librarian(ctx) if staff else None
    )
    if not staff:  # at a branch the visitor consents in person, on paper
        await ctx.services.consents.give(
            ctx.conn, ctx.user.id, "appeal", texts.APPEAL_CONSENT, ctx.now, appeal_id=appeal.id
        )
    ctx.goto(FORM, appeal=appeal.id)
    if staff:
        ctx.say(texts.STAFF_ASSIST_HINT)
    await DIALOG.start(ctx, appeal)


async def on_pick(ctx: Context, press: Pick) -> None:
    appeal = await _in_dialog(ctx)
    if appeal is not None:
        await DIALOG.on_pick(ctx, appeal, press.step, press.key)


async def on_field(ctx: Context, press: EditField) -> None:
    appeal = await _in_dialog(ctx)
    if appeal is not None:
        await DIALOG.on_field(ctx, appeal, press.step)


async def on_fix(ctx: Context, press: Fix) -> None:
    """A returned appeal: correct it and send it again under the same number."""
    if without_librarians(ctx):
        return
    appeal = await ctx.services.appeals.get(ctx.conn, press.appeal)
    if appeal is None or appeal.user_id != ctx.user.id or appeal.status != "returned":
        await show_mine(ctx)
        return
    ctx.goto(FORM, appeal=appeal.id)
    await DIALOG.review(ctx, appeal)


# --- My appeals, and an appeal by its number ------------------------------------------


def _due_note(appeal: Appeal) -> str:
    if appeal.status in FINISHED or not appeal.due_date:
        return ""
    return texts.APPEAL_DUE_LINE.format(due=fmt_day(appeal.due_date))


async def show_mine(ctx: Context) -> None:
    found = await ctx.services.appeals.of_author(ctx.conn, ctx.user.id)
    if not found:
        ctx.say(
            texts.APPEAL_MINE_EMPTY,
            [[Button(texts.BTN_APPEAL_NEW, AppealPress("new").pack())], [HOME]],
        )
        return
    lines = [texts.APPEAL_MINE_TITLE]
    for appeal in found:
        line = texts.APPEAL_MINE_LINE.format(
            number=appeal.number,
            topic=topic_label(appeal.topic),
            status=status_label(appeal.status),
            due=_due_note(appeal),
        )
        lines.append(line.strip())
    fixes = [
        [Button(texts.plain(texts.BTN_APPEAL_FIX, number=a.number), Fix(a.id).pack())]
        for a in found
        if a.status == "returned"
    ]
    ctx.say("\n\n".join(lines), [*fixes, [HOME]])


async def answer_number(ctx: Context) -> bool:
    """A registration number typed anywhere: its status, to its author only."""
    number = parse_number(ctx.event.text or "")
    if number is None:
        return False
    await show_status(ctx, number)
    return True


async def show_status(ctx: Context, number: str) -> None:
    appeal = await ctx.services.appeals.by_number(ctx.conn, number)
    # The same answer whether the number is someone else's or does not exist at all.
    if appeal is None or appeal.user_id != ctx.user.id or appeal.assisted_by:
        ctx.say(texts.APPEAL_NOT_FOUND.format(number=number))
        return
    assert appeal.registered_at is not None
    text = texts.APPEAL_STATUS.format(
        number=appeal.number,
        date=fmt_day(local_day(appeal.registered_at, ctx.services.timezone)),
        topic=topic_label(appeal.topic),
        status=status_label(appeal.status),
        due=_due_note(appeal),
    )
    buttons = []
    if appeal.status == "returned":
        label = texts.plain(texts.BTN_APPEAL_FIX, number=appeal.number)
        buttons.append([Button(label, Fix(appeal.id).pack())])
    ctx.say(text.strip(), buttons)


async def on_my(ctx: Context) -> None:
    """/my — the citizen's appeals."""
    await show_mine(ctx)


async def on_appeal_command(ctx: Context) -> None:
    """/appeal [NUMBER] in a private chat: a librarian sees the whole card (name too, as
    the one passing it on); a citizen sees the status of their own appeal."""
    args = ctx.event.command_args
    number = parse_number(args) if args else None
    if number is None:
        await _intro(ctx)
        return
    if ctx.event.is_staff:
        await show_for_staff(ctx, number, reveal=True)
        return
    await show_status(ctx, number)


async def on_assist(ctx: Context) -> None:
    """/assist in the staff chat: file an appeal for a visitor sitting at the desk (Art. 5)."""
    ctx.finish()
    _ask_consent(ctx)


async def number_lookup(ctx: Context) -> bool:
    """Free text outside any dialog: a registration number is answered with its status."""
    return await answer_number(ctx)


def register(router: Router) -> None:
    router.button(OpenAppeals)(on_entry)
    for register_button in (router.button, router.staff_button):  # staff: filed at a branch
        register_button(AppealPress)(on_press)
        register_button(Consent)(on_consent)
        register_button(Pick)(on_pick)
        register_button(EditField)(on_field)
    router.button(Fix)(on_fix)
    router.step("appeals.*")(on_input)
    router.command("my", texts.CMD_MY)(on_my)
    router.command("appeal", staff_aware=True)(on_appeal_command)
    router.staff_command("assist", texts.CMD_STAFF_ASSIST)(on_assist)
