"""Training, the resident's side: courses → sessions → booking (consent, then the form run
by the dialog engine, answers kept in the dialog state until «send»), «Мої записи», and the
answers to reminders and to a freed seat offered from the waitlist."""

from __future__ import annotations

from functools import partial
from typing import Any

from handlers import texts
from handlers.context import Context
from handlers.dialog import Dialog, DialogTexts, Hooks, StateForm, Step
from handlers.fields import name_part, phone
from handlers.menu import HOME, show_menu
from handlers.menu.payloads import OpenTraining
from handlers.messages import Button, Markdown
from handlers.routing import Router
from handlers.training import cards
from handlers.training.payloads import (
    DIALOG_BUTTONS,
    BookPress,
    CancelBooking,
    Consent,
    CoursePress,
    EditField,
    OfferAnswer,
    Pick,
    ReminderAnswer,
    SessionPress,
    TrainingPress,
)
from handlers.training.rules import (
    age_label,
    is_bookable,
    passed_reminders,
    seats,
    short_when,
    when,
)
from handlers.training.waitlist import release
from storage.bookings import AlreadyBooked, Booking
from storage.courses import Course, Session

CONSENT = "training.consent"
FORM = "training.form"

COURSES = Button(texts.BTN_TRAINING_COURSES, TrainingPress("courses").pack())
MINE = Button(texts.BTN_TRAINING_MINE, TrainingPress("mine").pack())

# --- The catalogue --------------------------------------------------------------------


async def show_courses(ctx: Context, text: str = texts.TRAINING_INTRO) -> None:
    ctx.finish()
    courses = await ctx.services.courses.courses(ctx.conn)
    if not courses:
        ctx.say(texts.TRAINING_NO_COURSES, [[HOME]])
        return
    rows = [[Button(c.title, CoursePress(c.id).pack())] for c in courses]
    ctx.say(text, [*rows, [MINE], [HOME]])


async def show_course(ctx: Context, course: Course) -> None:
    tz = ctx.services.timezone
    sessions = await ctx.services.courses.upcoming(ctx.conn, ctx.now, course.id)
    rows = []
    for session in sessions:
        free = seats(session.free) if session.free else texts.TRAINING_WAITLIST_ONLY
        label = texts.plain(
            texts.BTN_TRAINING_SESSION,
            when=short_when(session.starts_at, tz),
            branch=session.branch,
            free=free,
        )
        rows.append([Button(label, SessionPress(session.id).pack())])
    text = (
        cards.course_text(course)
        + "\n\n"
        + (texts.TRAINING_PICK_SESSION if sessions else texts.TRAINING_NO_SESSIONS)
    )
    ctx.say(text, [*rows, [COURSES], [HOME]])


async def show_session(ctx: Context, session: Session, course: Course) -> None:
    s = ctx.services
    text = cards.session_text(course, session, s.timezone)
    mine = await s.bookings.active_for(ctx.conn, session.id, ctx.user.id)
    if mine is not None:
        ctx.say(text + "\n\n" + await _status_line(ctx, mine), [[MINE], [COURSES], [HOME]])
        return
    label = texts.BTN_TRAINING_BOOK if session.free else texts.BTN_TRAINING_JOIN_WAITLIST
    back = Button(texts.BTN_TRAINING_BACK_TO_COURSE, CoursePress(course.id).pack())
    ctx.say(text, [[Button(label, BookPress(session.id).pack())], [back], [HOME]])


async def _load(ctx: Context, session_id: int) -> tuple[Session, Course] | None:
    """The session and its course while it can be booked; otherwise told, and None."""
    s = ctx.services
    session = await s.courses.session(ctx.conn, session_id)
    course = await s.courses.course(ctx.conn, session.course_id) if session else None
    if session is None or course is None or not is_bookable(session, ctx.now):
        await show_courses(ctx, texts.TRAINING_SESSION_GONE)
        return None
    return session, course


# --- Booking: checks first, consent, the form ------------------------------------------


async def _refusal(ctx: Context, session: Session) -> str | None:
    """Why this person cannot book this session — said before any question."""
    s = ctx.services
    if await s.bookings.active_for(ctx.conn, session.id, ctx.user.id) is not None:
        return texts.TRAINING_ALREADY
    upcoming = await s.bookings.upcoming_of(ctx.conn, ctx.user.id, ctx.now)
    limit = s.training.max_upcoming
    if len(upcoming) >= limit:
        return texts.TRAINING_LIMIT.format(
            bookings=Markdown(texts.count(limit, texts.TRAINING_BOOKINGS))
        )
    return None


async def on_book(ctx: Context, press: BookPress) -> None:
    loaded = await _load(ctx, press.session)
    if loaded is None:
        return
    session, course = loaded
    refusal = await _refusal(ctx, session)
    if refusal is not None:
        ctx.finish()
        ctx.say(refusal, [[MINE], [COURSES], [HOME]])
        return
    summary = texts.TRAINING_FORM_FOR.format(
        title=course.title, when=when(session.starts_at, ctx.services.timezone)
    )
    ctx.finish()
    ctx.goto(CONSENT, session=session.id, summary=str(summary))
    trainee = await ctx.services.bookings.trainee(ctx.conn, ctx.user.id)
    if trainee is not None:  # consent given before: name and phone as last time
        known = {"name": trainee.name, "phone": trainee.phone, "age_group": trainee.age_group}
        await _open_form(ctx, known)
        return
    buttons = [
        [
            Button(texts.BTN_CONSENT_YES, Consent("yes").pack()),
            Button(texts.BTN_CONSENT_NO, Consent("no").pack()),
        ]
    ]
    ctx.say(texts.TRAINING_CONSENT, buttons)


async def on_consent(ctx: Context, press: Consent) -> None:
    if ctx.step != CONSENT:
        await show_courses(ctx)
        return
    if press.answer != "yes":
        show_menu(ctx, texts.TRAINING_NO_CONSENT)
        return
    known: dict[str, Any] = {}
    contact = await ctx.services.bookings.appeal_contact(ctx.conn, ctx.user.id)
    if contact is not None:  # given with an appeal: asked again only if the person edits it
        known = {"name": contact[0], "phone": contact[1]}
    await _open_form(ctx, known)


async def _open_form(ctx: Context, known: dict[str, Any]) -> None:
    ctx.goto(FORM)
    record = await DIALOG.form.save(ctx, {}, "name", known.get("name"))
    for key in ("phone", "age_group"):
        record = await DIALOG.form.save(ctx, record, key, known.get(key))
    if record["name"] and record["phone"]:
        await DIALOG.review(ctx, record)
    else:
        await DIALOG.start(ctx, record)


def review_text(ctx: Context, record: dict[str, Any]) -> str:
    return texts.TRAINING_REVIEW.format(
        summary=Markdown(ctx.data.get("summary", "")),
        name=record.get("name") or "—",
        phone=record.get("phone") or "—",
        age=age_label(record.get("age_group")),
    )


async def _submit(ctx: Context, record: dict[str, Any]) -> None:
    s = ctx.services
    loaded = await _load(ctx, int(ctx.data.get("session", 0)))
    if loaded is None:
        return
    session, course = loaded
    refusal = await _refusal(ctx, session)
    if refusal is not None:
        ctx.finish()
        ctx.say(refusal, [[MINE], [HOME]])
        return
    name, number, age = record["name"], record["phone"], record.get("age_group")
    await s.bookings.save_trainee(
        ctx.conn, ctx.user.id, name=name, phone=number, age_group=age, now=ctx.now
    )
    day, soon = passed_reminders(session, ctx.now, s.timezone, s.training)
    try:
        booking = await s.bookings.book(
            ctx.conn,
            session.id,
            ctx.user.id,
            name=name,
            phone=number,
            age_group=age,
            now=ctx.now,
            skip_day=day,
            skip_soon=soon,
        )
    except AlreadyBooked:
        ctx.finish()
        ctx.say(texts.TRAINING_ALREADY, [[MINE], [HOME]])
        return
    ctx.finish()
    if booking.status == "booked":
        _confirm(ctx, course, session, booking)
        return
    position = await s.bookings.position(ctx.conn, booking)
    ctx.say(texts.TRAINING_WAITLISTED.format(position=position), [[MINE], [HOME]])


def _confirm(ctx: Context, course: Course, session: Session, booking: Booking) -> None:
    tz = ctx.services.timezone
    ctx.say(
        cards.confirmation(course, session, tz),
        [[MINE], [HOME]],
        attachments=(cards.ics(course, session, booking),),
    )


async def _cancel(ctx: Context, _record: dict[str, Any], _confirmed: bool) -> None:
    show_menu(ctx, texts.TRAINING_FORM_CANCELLED)


async def _leave(ctx: Context) -> None:
    loaded = await _load(ctx, int(ctx.data.get("session", 0)))
    if loaded is not None:
        ctx.finish()
        await show_session(ctx, *loaded)


DIALOG: Dialog[dict[str, Any]] = Dialog(
    (
        Step(
            "name", texts.TRAINING_ASK_NAME, take=partial(name_part, error=texts.TRAINING_ERR_NAME)
        ),
        Step("phone", texts.TRAINING_ASK_PHONE, take=phone, request_contact=True),
        Step(
            "age_group",
            texts.TRAINING_ASK_AGE,
            choices=texts.TRAINING_AGE_GROUPS,
            skip=texts.BTN_SKIP,
        ),
    ),
    StateForm(),
    Hooks(
        review_text=review_text,
        submit=_submit,
        cancel=_cancel,
        leave=_leave,
        gone=show_courses,
        required=("name", "phone"),
    ),
    DialogTexts.standard(
        send=texts.BTN_TRAINING_SEND,
        edit=texts.BTN_TRAINING_EDIT,
        edit_which=texts.TRAINING_EDIT_WHICH,
    ),
    DIALOG_BUTTONS,
    texts.TRAINING_FIELD_LABELS,
)


async def on_input(ctx: Context) -> None:
    if ctx.step == CONSENT:
        ctx.say(
            texts.APPEAL_ERR_CHOOSE,
            [
                [
                    Button(texts.BTN_CONSENT_YES, Consent("yes").pack()),
                    Button(texts.BTN_CONSENT_NO, Consent("no").pack()),
                ]
            ],
        )
        return
    await DIALOG.on_input(ctx)


async def _record(ctx: Context) -> dict[str, Any] | None:
    if ctx.step != FORM:
        await show_courses(ctx)
        return None
    record = await DIALOG.form.load(ctx)
    if record is None:
        await show_courses(ctx)
    return record


async def on_press(ctx: Context, press: TrainingPress) -> None:
    if press.action == "courses":
        await show_courses(ctx)
    elif press.action == "mine":
        await show_mine(ctx)
    else:
        record = await _record(ctx)
        if record is not None:
            await DIALOG.on_nav(ctx, record, press.action, None)


async def on_pick(ctx: Context, press: Pick) -> None:
    record = await _record(ctx)
    if record is not None:
        await DIALOG.on_pick(ctx, record, press.step, press.key)


async def on_field(ctx: Context, press: EditField) -> None:
    record = await _record(ctx)
    if record is not None:
        await DIALOG.on_field(ctx, record, press.step)


# --- The catalogue's buttons -----------------------------------------------------------


async def on_entry(ctx: Context, _press: OpenTraining) -> None:
    await show_courses(ctx)


async def on_course(ctx: Context, press: CoursePress) -> None:
    ctx.finish()
    course = await ctx.services.courses.course(ctx.conn, press.course)
    if course is None:
        await show_courses(ctx)
        return
    await show_course(ctx, course)


async def on_session(ctx: Context, press: SessionPress) -> None:
    ctx.finish()
    loaded = await _load(ctx, press.session)
    if loaded is not None:
        await show_session(ctx, *loaded)


# --- My bookings -----------------------------------------------------------------------


async def _status_line(ctx: Context, booking: Booking) -> str:
    if booking.status == "waiting":
        position = await ctx.services.bookings.position(ctx.conn, booking)
        return texts.TRAINING_STATUS_WAITING.format(position=position)
    if booking.status == "offered" and booking.offer_until is not None:
        until = when(booking.offer_until, ctx.services.timezone)
        return texts.TRAINING_STATUS_OFFERED.format(until=until)
    return texts.TRAINING_STATUS_BOOKED


async def show_mine(ctx: Context, text: str | None = None) -> None:
    ctx.finish()
    s = ctx.services
    found = await s.bookings.upcoming_of(ctx.conn, ctx.user.id, ctx.now)
    if not found:
        ctx.say(text or texts.TRAINING_MINE_EMPTY, [[COURSES], [HOME]])
        return
    lines = [text] if text else []
    lines.append(texts.TRAINING_MINE_TITLE)
    rows = []
    for booking in found:
        session = await s.courses.session(ctx.conn, booking.session_id)
        course = await s.courses.course(ctx.conn, session.course_id) if session else None
        if session is None or course is None:
            continue
        lines.append(
            texts.TRAINING_MINE_LINE.format(
                title=course.title,
                when=when(session.starts_at, s.timezone),
                branch=session.branch,
                address=session.address,
                status=Markdown(await _status_line(ctx, booking)),
            )
        )
        short = short_when(session.starts_at, s.timezone)
        if booking.status == "offered":
            label = texts.plain(texts.BTN_TRAINING_TAKE_SEAT, when=short)
            rows.append([Button(label, OfferAnswer(booking.id, "take").pack())])
        label = texts.plain(texts.BTN_TRAINING_CANCEL_BOOKING, when=short)
        rows.append([Button(label, CancelBooking(booking.id).pack())])
    ctx.say("\n\n".join(lines), [*rows, [COURSES], [HOME]])


async def _own(ctx: Context, booking_id: int, *statuses: str) -> Booking | None:
    """The person's own booking in one of `statuses` for a session not begun yet."""
    s = ctx.services
    booking = await s.bookings.get(ctx.conn, booking_id)
    if booking is None or booking.user_id != ctx.user.id or booking.status not in statuses:
        return None
    session = await s.courses.session(ctx.conn, booking.session_id)
    return booking if is_bookable(session, ctx.now) else None


async def on_cancel_booking(ctx: Context, press: CancelBooking) -> None:
    booking = await _own(ctx, press.booking, "booked", "offered", "waiting")
    if booking is None:
        await show_mine(ctx, texts.TRAINING_BOOKING_GONE)
        return
    if press.confirm != "yes":
        yes = Button(texts.BTN_TRAINING_CANCEL_YES, CancelBooking(booking.id, "yes").pack())
        ctx.say(texts.TRAINING_CANCEL_CONFIRM, [[yes], [MINE]])
        return
    await release(ctx, booking, "cancelled")
    await show_mine(ctx, texts.TRAINING_CANCELLED)


async def on_reminder_answer(ctx: Context, press: ReminderAnswer) -> None:
    booking = await _own(ctx, press.booking, "booked")
    if booking is None:
        await show_mine(ctx, texts.TRAINING_BOOKING_GONE)
        return
    if press.answer == "come":
        await ctx.services.bookings.confirm(ctx.conn, booking.id, ctx.now)
        ctx.say(texts.TRAINING_SEE_YOU, [[HOME]])
        return
    await release(ctx, booking, "declined")
    ctx.say(texts.TRAINING_DECLINED, [[COURSES], [HOME]])


async def on_offer_answer(ctx: Context, press: OfferAnswer) -> None:
    s = ctx.services
    booking = await _own(ctx, press.booking, "offered")
    if booking is None or booking.offer_until is None or booking.offer_until <= ctx.now:
        await show_mine(ctx, texts.TRAINING_OFFER_GONE)
        return
    if press.answer == "pass":
        await release(ctx, booking, "declined")
        ctx.say(texts.TRAINING_OFFER_PASSED, [[COURSES], [HOME]])
        return
    session = await s.courses.session(ctx.conn, booking.session_id)
    course = await s.courses.course(ctx.conn, session.course_id) if session else None
    assert session is not None and course is not None  # `_own` checked the session
    day, soon = passed_reminders(session, ctx.now, s.timezone, s.training)
    await s.bookings.take_offer(ctx.conn, booking.id, ctx.now, skip_day=day, skip_soon=soon)
    _confirm(ctx, course, session, booking)


def register(router: Router) -> None:
    router.button(OpenTraining)(on_entry)
    router.button(TrainingPress)(on_press)
    router.button(CoursePress)(on_course)
    router.button(SessionPress)(on_session)
    router.button(BookPress)(on_book)
    router.button(Consent)(on_consent)
    router.button(Pick)(on_pick)
    router.button(EditField)(on_field)
    router.button(CancelBooking)(on_cancel_booking)
    router.button(ReminderAnswer)(on_reminder_answer)
    router.button(OfferAnswer)(on_offer_answer)
    router.step(CONSENT, FORM)(on_input)
