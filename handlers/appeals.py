"""Appeals to the mayor, the citizen's side: consent, a guided dialog, review, submit,
"my appeals", and the status of an appeal by its number.

The dialog is the table `STEPS` below, read top to bottom: each step names the field it
fills, its question, and what it accepts (typed text checked by a function, one of its
buttons, or files). Every answer is saved to the draft at once, so leaving mid-way or a
restart loses nothing. A librarian can run the same dialog in the staff chat for a
visitor at a branch (`/assist`): the prompts then carry a ref, so that the librarian's
replies reach the bot in a group with privacy mode on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import phonenumbers
from rapidfuzz import fuzz

from handlers import smalltalk, texts
from handlers.appeals_staff import (
    CITIZEN_ACTOR,
    DRAFT_LIFETIME,
    REPO,
    day_start,
    due_date,
    fmt_day,
    librarian,
    local_day,
    parse_number,
    post_card,
    show_for_staff,
    status_label,
    topic_label,
)
from handlers.context import Context, Handler, Router
from handlers.menu import HOME, show_menu, without_librarians
from handlers.messages import Button, Event
from storage.appeals import Appeal

MIN_BODY = 30
MAX_BODY = 4000
MAX_FILES = 5
MAX_FILE_BYTES = 20 * 1024 * 1024  # what a Telegram bot may fetch; also plenty for a scan
DAILY_LIMIT = 3
REPEAT_WINDOW = timedelta(days=30)
REPEAT_SIMILARITY = 90  # rapidfuzz ratio, 0–100: "identical or nearly identical"

CONSENT = "appeals.consent"
REVIEW = "appeals.review"
EDIT = "appeals.edit"


class Invalid(Exception):
    """Input a step cannot take; the message tells the person why, in plain words."""


# --- What each step accepts -----------------------------------------------------------

_NAME = re.compile(r"[^\W\d_]+(?:(?:['’ʼ`-]| - |-| )[^\W\d_]+)*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


def _text(event: Event) -> str:
    if not event.text or not event.text.strip():
        raise Invalid(texts.APPEAL_ERR_TEXT_ONLY)
    return " ".join(event.text.split())


def name_part(event: Event) -> str:
    value = _text(event)
    if not 2 <= len(value) <= 50 or not _NAME.fullmatch(value):
        raise Invalid(texts.APPEAL_ERR_NAME)
    return value[0].upper() + value[1:]


def postal_address(event: Event) -> str:
    value = _text(event)
    has_letters = any(c.isalpha() for c in value)
    if not 10 <= len(value) <= 300 or not has_letters or not any(c.isdigit() for c in value):
        raise Invalid(texts.APPEAL_ERR_ADDRESS)
    return value


def phone(event: Event) -> str:
    """A shared contact (the person's own) or a typed number → E.164, e.g. +380671234567."""
    if event.contact is not None:
        if not event.contact.is_own:
            raise Invalid(texts.APPEAL_ERR_PHONE_NOT_OWN)
        raw = event.contact.phone
        raw = raw if raw.startswith("+") else "+" + raw
    else:
        raw = _text(event)
    try:
        parsed = phonenumbers.parse(raw, "UA")
    except phonenumbers.NumberParseException:
        raise Invalid(texts.APPEAL_ERR_PHONE) from None
    if not phonenumbers.is_valid_number(parsed):
        raise Invalid(texts.APPEAL_ERR_PHONE)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


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


# --- The dialog, as a table -----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    column: str  # the appeals column it fills
    prompt: str
    take: Callable[[Event], str] | None = None  # typed input → value, or raises Invalid
    choices: Mapping[str, str] = field(default_factory=dict)  # button key → label
    skip: str | None = None  # a button that leaves an optional field empty
    files: bool = False  # takes photos and documents until "done"
    request_contact: bool = False

    @property
    def name(self) -> str:
        return f"appeals.{self.column}"


CONFIDENTIAL_CHOICES = {"no": texts.BTN_CONFIDENTIAL_NO, "yes": texts.BTN_CONFIDENTIAL_YES}
PRIORITY_CHOICES = {**texts.APPEAL_PRIORITIES, "none": texts.BTN_PRIORITY_NONE}

STEPS: tuple[Step, ...] = (
    Step("surname", texts.APPEAL_ASK_SURNAME, take=name_part),
    Step("given_name", texts.APPEAL_ASK_GIVEN_NAME, take=name_part),
    Step("patronymic", texts.APPEAL_ASK_PATRONYMIC, take=name_part),
    Step("address", texts.APPEAL_ASK_ADDRESS, take=postal_address),
    Step("phone", texts.APPEAL_ASK_PHONE, take=phone, request_contact=True),
    Step("email", texts.APPEAL_ASK_EMAIL, take=email, skip=texts.BTN_SKIP),
    Step("topic", texts.APPEAL_ASK_TOPIC, choices=texts.APPEAL_TOPICS),
    Step("body", texts.APPEAL_ASK_BODY, take=appeal_text),
    Step("attachments", texts.APPEAL_ASK_ATTACHMENTS, files=True),
    Step("confidential", texts.APPEAL_ASK_CONFIDENTIAL, choices=CONFIDENTIAL_CHOICES),
    Step("priority", texts.APPEAL_ASK_PRIORITY, choices=PRIORITY_CHOICES),
)
STEP_BY_NAME = {s.name: s for s in STEPS}
STEP_BY_FIELD = {s.column: s for s in STEPS}
REQUIRED = ("surname", "given_name", "patronymic", "address", "phone", "topic", "body")


def _choice_value(step: Step, key: str) -> object:
    if step.column == "confidential":
        return key == "yes"
    if step.column == "priority":
        return None if key == "none" else key
    return key


def _next(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def _previous(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None


# --- Screens --------------------------------------------------------------------------

NAV = (Button(texts.BTN_BACK, "ap:back"), Button(texts.BTN_CANCEL, "ap:cancel"))


def _ref(appeal: Appeal) -> str:
    # In the staff chat a librarian's answer must be a reply to a bot message with a ref.
    return f"appealdlg:{appeal.id}"


async def _ask(ctx: Context, appeal: Appeal, step: Step, text: str | None = None) -> None:
    """Put the question of `step` (or, after a wrong answer, `text` saying why)."""
    ctx.goto(step.name)
    if appeal.status == "draft" and not ctx.data.get("review"):
        await REPO.update(ctx.conn, appeal.id, ctx.now, draft_step=step.column)
    rows = [[Button(label, f"ap:pick:{step.column}:{key}")] for key, label in step.choices.items()]
    if step.files:
        rows.append(
            [
                Button(texts.BTN_ATTACH_DONE, "ap:done"),
                Button(texts.BTN_NO_ATTACHMENTS, "ap:nofiles"),
            ]
        )
    if step.skip:
        rows.append([Button(step.skip, "ap:skip")])
    rows.append(list(NAV))
    contact = step.request_contact and not ctx.event.from_staff_chat
    ctx.say(text or step.prompt, rows, request_contact=contact, ref=_ref(appeal))


def review_text(appeal: Appeal) -> str:
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


async def _review(ctx: Context, appeal: Appeal, text: str | None = None) -> None:
    ctx.goto(REVIEW, review=True)
    if appeal.status == "draft":
        await REPO.update(ctx.conn, appeal.id, ctx.now, draft_step="review")
    buttons = [
        [Button(texts.BTN_APPEAL_SEND, "ap:send")],
        [Button(texts.BTN_APPEAL_EDIT, "ap:edit")],
        [Button(texts.BTN_CANCEL, "ap:cancel")],
    ]
    ctx.say(text or review_text(appeal), buttons, ref=_ref(appeal))


def _edit_menu(ctx: Context, appeal: Appeal, text: str = texts.APPEAL_EDIT_WHICH) -> None:
    ctx.goto(EDIT)
    fields = [
        Button(label, f"ap:field:{name}") for name, label in texts.APPEAL_FIELD_LABELS.items()
    ]
    rows = [fields[i : i + 2] for i in range(0, len(fields), 2)]
    rows.append([Button(texts.BTN_BACK, "ap:back")])
    ctx.say(text, rows, ref=_ref(appeal))


async def _intro(ctx: Context) -> None:
    """The entry screen: write an appeal (or continue the draft) and "my appeals"."""
    ctx.finish()
    draft = await _fresh_draft(ctx)
    mine = [Button(texts.BTN_APPEAL_MINE, "ap:mine")]
    if draft is None:
        ctx.say(texts.APPEAL_INTRO, [[Button(texts.BTN_APPEAL_NEW, "ap:new")], mine, [HOME]])
        return
    started = fmt_day(local_day(draft.created_at, ctx.services.timezone))
    ctx.say(
        texts.APPEAL_INTRO + "\n\n" + texts.APPEAL_INTRO_DRAFT.format(date=started),
        [
            [Button(texts.BTN_APPEAL_CONTINUE, "ap:continue")],
            [Button(texts.BTN_APPEAL_RESTART, "ap:restart")],
            mine,
            [HOME],
        ],
    )


async def _fresh_draft(ctx: Context) -> Appeal | None:
    draft = await REPO.draft_of(ctx.conn, ctx.user.id)
    if draft is not None and draft.updated_at < ctx.now - DRAFT_LIFETIME:
        await REPO.delete_draft(ctx.conn, draft.id)  # the nightly clean-up has not run yet
        return None
    return draft


def _ask_consent(ctx: Context) -> None:
    ctx.goto(CONSENT, appeal=None, review=False)
    buttons = [
        [
            Button(texts.BTN_CONSENT_YES, "ap:consent:yes"),
            Button(texts.BTN_CONSENT_NO, "ap:consent:no"),
        ]
    ]
    if ctx.event.from_staff_chat:
        text = texts.STAFF_ASSIST_CONSENT.format(notice=texts.APPEAL_CONSENT)
        ctx.say(text, buttons, ref="appealdlg:consent")
    else:
        ctx.say(texts.APPEAL_CONSENT, buttons)


async def _resume(ctx: Context, appeal: Appeal) -> None:
    ctx.goto(REVIEW, appeal=appeal.id, review=False)
    if appeal.draft_step == "review":
        await _review(ctx, appeal)
        return
    await _ask(ctx, appeal, STEP_BY_FIELD.get(appeal.draft_step or "", STEPS[0]))


async def _current(ctx: Context) -> Appeal | None:
    """The appeal this dialog edits: the person's draft, or their returned appeal."""
    appeal_id = ctx.data.get("appeal")
    appeal = await REPO.get(ctx.conn, appeal_id) if isinstance(appeal_id, int) else None
    if appeal is None or appeal.user_id != ctx.user.id:
        return None
    return appeal if appeal.status in ("draft", "returned") else None


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


async def _after(ctx: Context, appeal_id: int, step: Step) -> None:
    """A field was filled: the next question, or back to the review when editing."""
    appeal = await REPO.get(ctx.conn, appeal_id)
    assert appeal is not None
    following = _next(step)
    if ctx.data.get("review") or following is None:
        await _review(ctx, appeal)
        return
    await _ask(ctx, appeal, following)


# --- Incoming -------------------------------------------------------------------------


async def on_entry(ctx: Context) -> None:
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
    appeal = await _current(ctx)
    if appeal is None:
        await _gone(ctx)
        return
    if ctx.step == REVIEW:
        await _review(ctx, appeal, texts.APPEAL_ERR_CHOOSE)
        return
    step = STEP_BY_NAME.get(ctx.step or "")
    if step is None:
        _edit_menu(ctx, appeal, texts.APPEAL_ERR_CHOOSE)
        return
    if not ctx.event.from_staff_chat and smalltalk.wants_out(ctx.event.text):
        # «меню» or «стоп» is no answer to any question: offer the way out, the draft kept.
        ctx.say(texts.APPEAL_LEAVE_OFFER, [[HOME], [Button(texts.BTN_APPEAL_STAY, "ap:stay")]])
        return
    if ctx.event.contact is not None and not step.request_contact:
        # The share-phone button can outlive its question on the screen: a press later is
        # no wrong answer to this question.
        await _ask(ctx, appeal, step, texts.APPEAL_PHONE_ALREADY.format(prompt=step.prompt))
        return
    if step.files:
        await _take_files(ctx, appeal, step)
        return
    if step.take is None:
        await _ask(ctx, appeal, step, texts.APPEAL_ERR_CHOOSE)
        return
    try:
        value = step.take(ctx.event)
    except Invalid as error:
        await _ask(ctx, appeal, step, str(error))
        return
    await REPO.update(ctx.conn, appeal.id, ctx.now, **{step.column: value})
    await _after(ctx, appeal.id, step)


async def _take_files(ctx: Context, appeal: Appeal, step: Step) -> None:
    files = list(appeal.attachments)
    if not ctx.event.attachments:
        await _ask(ctx, appeal, step, texts.APPEAL_ERR_FILE_EXPECTED)
        return
    for item in ctx.event.attachments:
        if item.kind not in ("photo", "document"):
            await _ask(ctx, appeal, step, texts.APPEAL_ERR_FILE_KIND)
            return
        if item.size is not None and item.size > MAX_FILE_BYTES:
            size = f"{item.size / (1024 * 1024):.1f}".replace(".", ",")
            name = item.file_name or item.kind
            await _ask(ctx, appeal, step, texts.APPEAL_ERR_FILE_SIZE.format(name=name, size=size))
            return
        if len(files) >= MAX_FILES:
            await _ask(ctx, appeal, step, texts.APPEAL_ERR_FILE_COUNT)
            return
        caption = (ctx.event.text or "").strip() or None  # a photo's words are kept with it
        files.append(replace(item, caption=caption))
    await REPO.update(ctx.conn, appeal.id, ctx.now, attachments=tuple(files))
    await _ask(ctx, appeal, step, texts.APPEAL_FILE_ADDED.format(count=len(files)))


async def on_button(ctx: Context) -> None:
    """`ap:ACTION[:ARGS]`: every button of the dialog, from a citizen or (assisted) staff."""
    _, _, rest = (ctx.event.payload or "").partition(":")
    action, _, arg = rest.partition(":")
    if action != "mine" and without_librarians(ctx):
        return
    outside = BUTTONS_OUTSIDE.get(action)
    if outside is not None:
        await outside(ctx, arg)
        return
    inside = BUTTONS_INSIDE.get(action)
    if inside is None or not (ctx.step or "").startswith("appeals."):
        await _stale(ctx)
        return
    appeal = await _current(ctx)
    if appeal is None:
        await _gone(ctx)
        return
    await inside(ctx, appeal, arg)


async def _on_new(ctx: Context, _arg: str) -> None:
    if not ctx.event.from_staff_chat and await _fresh_draft(ctx) is not None:
        await _intro(ctx)  # offers to continue or start over
        return
    if not ctx.event.from_staff_chat and await _sent_today(ctx, ctx.user.id, None) >= DAILY_LIMIT:
        # Said before the eleven questions, not after them.
        show_menu(ctx, texts.APPEAL_DAILY_LIMIT_REACHED)
        return
    _ask_consent(ctx)


async def _sent_today(ctx: Context, user_id: int | None, phone: str | None) -> int:
    tz = ctx.services.timezone
    since = day_start(local_day(ctx.now, tz), tz)
    return await REPO.registered_since(ctx.conn, user_id=user_id, phone=phone, since=since)


async def _on_continue(ctx: Context, _arg: str) -> None:
    draft = await _fresh_draft(ctx)
    if draft is None:
        await _gone(ctx)
        return
    await _resume(ctx, draft)


async def _on_restart(ctx: Context, _arg: str) -> None:
    draft = await REPO.draft_of(ctx.conn, ctx.user.id)
    if draft is not None:
        await REPO.delete_draft(ctx.conn, draft.id)
    _ask_consent(ctx)


async def _on_consent(ctx: Context, arg: str) -> None:
    if ctx.step != CONSENT:
        await _stale(ctx)
        return
    staff = ctx.event.from_staff_chat
    if arg != "yes":
        if staff:
            ctx.finish()
            ctx.say(texts.STAFF_ASSIST_NO_CONSENT)
        else:
            show_menu(ctx, texts.APPEAL_NO_CONSENT)
        return
    # Consent given: only from here on is anything personal written down.
    appeal = await REPO.create_draft(
        ctx.conn, ctx.user.id, ctx.now, assisted_by=librarian(ctx) if staff else None
    )
    ctx.goto(CONSENT, appeal=appeal.id, review=False)
    if staff:
        ctx.say(texts.STAFF_ASSIST_HINT)
    await _ask(ctx, appeal, STEPS[0])


async def _on_mine(ctx: Context, _arg: str) -> None:
    await show_mine(ctx)


async def _on_fix(ctx: Context, arg: str) -> None:
    """A returned appeal: correct it and send it again under the same number."""
    appeal = await REPO.get(ctx.conn, int(arg)) if arg.isdigit() else None
    if appeal is None or appeal.user_id != ctx.user.id or appeal.status != "returned":
        await show_mine(ctx)
        return
    ctx.goto(REVIEW, appeal=appeal.id, review=True)
    await _review(ctx, appeal)


async def _on_back(ctx: Context, appeal: Appeal, _arg: str) -> None:
    if ctx.step == EDIT:
        await _review(ctx, appeal)
        return
    if ctx.step == REVIEW:
        if appeal.status == "returned":
            await _review(ctx, appeal)
            return
        ctx.data["review"] = False
        await _ask(ctx, appeal, STEPS[-1])
        return
    step = STEP_BY_NAME.get(ctx.step or "")
    if ctx.data.get("review") or step is None:
        await _review(ctx, appeal)
        return
    previous = _previous(step)
    if previous is None:
        await _stale(ctx)  # the first question: back to where the appeal began
        return
    await _ask(ctx, appeal, previous)


async def _on_cancel(ctx: Context, appeal: Appeal, arg: str) -> None:
    if appeal.status == "returned":
        show_menu(ctx, texts.APPEAL_EDIT_CANCELLED.format(number=appeal.number))
        return
    if arg != "yes":  # one tap next to «Назад» must not wipe ten answers
        yes = Button(texts.BTN_APPEAL_DELETE_DRAFT, "ap:cancel:yes")
        ctx.say(texts.APPEAL_CANCEL_CONFIRM, [[yes], [Button(texts.BTN_APPEAL_STAY, "ap:stay")]])
        return
    await REPO.delete_draft(ctx.conn, appeal.id)
    if ctx.event.from_staff_chat:
        ctx.finish()
        ctx.say(texts.APPEAL_CANCELLED)
        return
    show_menu(ctx, texts.APPEAL_CANCELLED)


async def _on_pick(ctx: Context, appeal: Appeal, arg: str) -> None:
    name, _, key = arg.partition(":")
    step = STEP_BY_FIELD.get(name)
    current = STEP_BY_NAME.get(ctx.step or "")
    if step is None or step is not current or key not in step.choices:
        await _reask(ctx, appeal)
        return
    await REPO.update(ctx.conn, appeal.id, ctx.now, **{step.column: _choice_value(step, key)})
    await _after(ctx, appeal.id, step)


async def _on_skip(ctx: Context, appeal: Appeal, _arg: str) -> None:
    step = STEP_BY_NAME.get(ctx.step or "")
    if step is None or step.skip is None:
        await _reask(ctx, appeal)
        return
    await REPO.update(ctx.conn, appeal.id, ctx.now, **{step.column: None})
    await _after(ctx, appeal.id, step)


async def _on_files_done(ctx: Context, appeal: Appeal, arg: str) -> None:
    step = STEP_BY_NAME.get(ctx.step or "")
    if step is None or not step.files:
        await _reask(ctx, appeal)
        return
    if arg == "none":
        await REPO.update(ctx.conn, appeal.id, ctx.now, attachments=())
    await _after(ctx, appeal.id, step)


async def _on_edit(ctx: Context, appeal: Appeal, _arg: str) -> None:
    _edit_menu(ctx, appeal)


async def _on_field(ctx: Context, appeal: Appeal, arg: str) -> None:
    step = STEP_BY_FIELD.get(arg)
    if step is None:
        _edit_menu(ctx, appeal)
        return
    ctx.data["review"] = True
    await _ask(ctx, appeal, step)


async def _reask(ctx: Context, appeal: Appeal) -> None:
    """A button from an older message: put the current question again."""
    step = STEP_BY_NAME.get(ctx.step or "")
    if step is not None:
        await _ask(ctx, appeal, step, texts.APPEAL_ERR_CHOOSE)
    elif ctx.step == EDIT:
        _edit_menu(ctx, appeal)
    else:
        await _review(ctx, appeal)


# --- Submitting -----------------------------------------------------------------------


def _similar(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())

    return fuzz.ratio(norm(a), norm(b)) >= REPEAT_SIMILARITY


async def _on_send(ctx: Context, appeal: Appeal, _arg: str) -> None:
    missing = next((f for f in REQUIRED if not getattr(appeal, f)), None)
    if missing is not None:
        ctx.data["review"] = True
        await _ask(ctx, appeal, STEP_BY_FIELD[missing])
        return
    if appeal.status == "returned":
        await _resubmit(ctx, appeal)
        return
    today = local_day(ctx.now, ctx.services.timezone)
    author = None if appeal.assisted_by else appeal.user_id
    if await _sent_today(ctx, author, appeal.phone) >= DAILY_LIMIT:
        await _review(ctx, appeal, texts.APPEAL_DAILY_LIMIT)
        return
    recent = await REPO.recent_of_person(
        ctx.conn,
        user_id=author,
        phone=appeal.phone,
        since=ctx.now - REPEAT_WINDOW,
        exclude_id=appeal.id,
    )
    repeat_of = next((a.number for a in recent if _similar(a.body or "", appeal.body or "")), None)
    # Numbered in this same transaction: a rollback gives the number back, so no gaps.
    seq, number = await REPO.allocate_number(ctx.conn, today.year)
    due = due_date(today)
    await REPO.register(
        ctx.conn,
        appeal.id,
        number=number,
        year=today.year,
        seq=seq,
        now=ctx.now,
        due_date=due,
        repeat_of=repeat_of,
    )
    actor = librarian(ctx) if appeal.assisted_by else CITIZEN_ACTOR
    await REPO.add_history(ctx.conn, appeal.id, "submitted", actor=actor, note=None, now=ctx.now)
    registered = await REPO.get(ctx.conn, appeal.id)
    assert registered is not None
    post_card(ctx, registered)
    if appeal.assisted_by:
        ctx.finish()
        ctx.say(
            texts.APPEAL_ASSISTED_SUBMITTED.format(
                number=number, date=fmt_day(today), due=fmt_day(due)
            )
        )
        return
    ctx.finish()
    ctx.say(
        texts.APPEAL_SUBMITTED.format(number=number, date=fmt_day(today), due=fmt_day(due)),
        [[Button(texts.BTN_APPEAL_MINE, "ap:mine")], [HOME]],
    )


async def _resubmit(ctx: Context, appeal: Appeal) -> None:
    today = local_day(ctx.now, ctx.services.timezone)
    due = due_date(today, short_term=appeal.short_term)
    await REPO.resubmit(ctx.conn, appeal.id, now=ctx.now, due_date=due)
    actor = librarian(ctx) if appeal.assisted_by else CITIZEN_ACTOR
    await REPO.add_history(
        ctx.conn, appeal.id, "submitted", actor=actor, note="після доопрацювання", now=ctx.now
    )
    again = await REPO.get(ctx.conn, appeal.id)
    assert again is not None
    post_card(ctx, again, title=texts.STAFF_APPEAL_RESUBMITTED)
    ctx.finish()
    text = texts.APPEAL_RESUBMITTED.format(number=appeal.number, due=fmt_day(due))
    if appeal.assisted_by:
        ctx.say(text)
    else:
        ctx.say(text, [[Button(texts.BTN_APPEAL_MINE, "ap:mine")], [HOME]])


# --- My appeals, and an appeal by its number ------------------------------------------


def _due_note(appeal: Appeal) -> str:
    if appeal.status in ("answered", "closed", "rejected", "forwarded") or not appeal.due_date:
        return ""
    return texts.APPEAL_DUE_LINE.format(due=fmt_day(appeal.due_date))


async def show_mine(ctx: Context) -> None:
    found = await REPO.of_author(ctx.conn, ctx.user.id)
    if not found:
        ctx.say(texts.APPEAL_MINE_EMPTY, [[Button(texts.BTN_APPEAL_NEW, "ap:new")], [HOME]])
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
        [Button(texts.BTN_APPEAL_FIX.format(number=a.number), f"ap:fix:{a.id}")]
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
    appeal = await REPO.by_number(ctx.conn, number)
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
        label = texts.BTN_APPEAL_FIX.format(number=appeal.number)
        buttons.append([Button(label, f"ap:fix:{appeal.id}")])
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


ButtonOutside = Callable[[Context, str], Any]
ButtonInside = Callable[[Context, Appeal, str], Any]

BUTTONS_OUTSIDE: dict[str, ButtonOutside] = {
    "new": _on_new,
    "continue": _on_continue,
    "restart": _on_restart,
    "consent": _on_consent,
    "mine": _on_mine,
    "fix": _on_fix,
}
BUTTONS_INSIDE: dict[str, ButtonInside] = {
    "back": _on_back,
    "cancel": _on_cancel,
    "stay": lambda ctx, appeal, _arg: _resume(ctx, appeal),
    "pick": _on_pick,
    "skip": _on_skip,
    "done": _on_files_done,
    "nofiles": lambda ctx, appeal, _arg: _on_files_done(ctx, appeal, "none"),
    "edit": _on_edit,
    "field": _on_field,
    "send": _on_send,
}


def _with_number_lookup(previous: Handler | None) -> Handler:
    async def on_free_text(ctx: Context) -> None:
        if await answer_number(ctx):
            return
        if previous is not None:
            await previous(ctx)
        else:
            show_menu(ctx)

    return on_free_text


def register(router: Router) -> None:
    router.payloads["appeal"] = on_entry
    router.payloads["ap"] = on_button
    router.staff_payloads["ap"] = on_button  # the same dialog, filed at a branch
    router.steps["appeals.*"] = on_input
    router.commands.update(my=on_my, appeal=on_appeal_command)
    router.staff_commands["assist"] = on_assist
    # A number typed outside any dialog; wraps whatever free-text handler came before.
    router.fallback = _with_number_lookup(router.fallback)
