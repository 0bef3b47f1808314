"""Training, the librarians' side in the staff chat: /courses, /new_session (a guided
dialog), /cancel_session N (everyone booked and waiting is told), /attendees N with one tap
a person to mark who came, and /trained — the numbers for the reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers import texts
from handlers.context import Context
from handlers.dialog import Dialog, DialogTexts, Hooks, Invalid, StateForm, Step
from handlers.fields import typed_text
from handlers.messages import Button, Event
from handlers.routing import Router
from handlers.training.payloads import (
    STAFF_DIALOG_BUTTONS,
    Attended,
    CancelSession,
    StaffField,
    StaffNav,
    StaffPick,
)
from handlers.training.rules import age_label, is_bookable, when
from handlers.training.waitlist import address_of
from storage.courses import Course, NewSession, Session

NEW_SESSION = "training.new_session"
START_FORMAT = "%d.%m.%Y %H:%M"
MAX_SEATS = 200


# --- /courses and /trained ---------------------------------------------------------------


async def on_courses(ctx: Context) -> None:
    s = ctx.services
    courses = await s.courses.courses(ctx.conn)
    if not courses:
        ctx.to_staff(texts.TRAINING_STAFF_NO_COURSES)
        return
    lines = [texts.TRAINING_STAFF_COURSES]
    for course in courses:
        lines.append(texts.TRAINING_STAFF_COURSE_LINE.format(title=course.title, code=course.code))
        for session in await s.courses.upcoming(ctx.conn, ctx.now, course.id):
            lines.append(_session_line(session, ctx))
    ctx.to_staff("\n".join(lines))


def _session_line(session: Session, ctx: Context) -> str:
    return texts.TRAINING_STAFF_SESSION_LINE.format(
        id=session.id,
        when=when(session.starts_at, ctx.services.timezone),
        branch=session.branch,
        taken=session.taken,
        seats=session.seats,
        waiting=session.waiting,
    )


async def on_trained(ctx: Context) -> None:
    counts = await ctx.services.bookings.trained(ctx.conn)
    if not counts:
        ctx.to_staff(texts.TRAINING_STAFF_TRAINED_NONE)
        return
    lines = [texts.TRAINING_STAFF_TRAINED.format(total=sum(n for _t, _a, n in counts))]
    for title, age, number in counts:
        lines.append(
            texts.TRAINING_STAFF_TRAINED_LINE.format(title=title, age=age_label(age), count=number)
        )
    ctx.to_staff("\n".join(lines))


# --- /cancel_session N -------------------------------------------------------------------


async def _session_arg(ctx: Context, usage: str) -> tuple[Session, Course] | None:
    args = ctx.event.command_args
    s = ctx.services
    session = await s.courses.session(ctx.conn, int(args)) if args.isdigit() else None
    course = await s.courses.course(ctx.conn, session.course_id) if session else None
    if session is None or course is None:
        ctx.to_staff(usage)
        return None
    return session, course


async def on_cancel_session(ctx: Context) -> None:
    found = await _session_arg(ctx, texts.TRAINING_STAFF_CANCEL_USAGE)
    if found is None:
        return
    session, course = found
    if not is_bookable(session, ctx.now):
        ctx.to_staff(texts.TRAINING_STAFF_NOT_OPEN.format(id=session.id))
        return
    text = texts.TRAINING_STAFF_CANCEL_CONFIRM.format(
        title=course.title, line=_session_line(session, ctx)
    )
    button = Button(texts.BTN_TRAINING_STAFF_CANCEL, CancelSession(session.id).pack())
    ctx.to_staff(text, [[button]])


async def on_cancel_pressed(ctx: Context, press: CancelSession) -> None:
    s = ctx.services
    session = await s.courses.session(ctx.conn, press.session)
    course = await s.courses.course(ctx.conn, session.course_id) if session else None
    if (
        session is None
        or course is None
        or not await s.courses.cancel_session(ctx.conn, session.id)
    ):
        ctx.to_staff(texts.TRAINING_STAFF_NOT_OPEN.format(id=press.session))
        return
    told = 0
    notice = texts.TRAINING_SESSION_CANCELLED.format(
        title=course.title, when=when(session.starts_at, s.timezone), branch=session.branch
    )
    for booking in await s.bookings.of_session(ctx.conn, session.id):
        await s.bookings.set_status(ctx.conn, booking.id, "session_cancelled", ctx.now)
        to = await address_of(ctx, booking.user_id)
        if to is not None:
            ctx.send(to, notice, ref=f"trcancel:{booking.id}")
            told += 1
    ctx.to_staff(texts.TRAINING_STAFF_CANCELLED.format(id=session.id, count=told))


# --- /attendees N ------------------------------------------------------------------------


async def _attendees(
    ctx: Context, session: Session, course: Course
) -> tuple[str, list[list[Button]]]:
    bookings = await ctx.services.bookings.of_session(ctx.conn, session.id)
    seated = [b for b in bookings if b.status != "waiting"]
    waiting = [b for b in bookings if b.status == "waiting"]
    lines = [
        texts.TRAINING_STAFF_ATTENDEES.format(title=course.title, line=_session_line(session, ctx))
    ]
    for number, b in enumerate(seated, 1):
        template = (
            texts.TRAINING_STAFF_ATTENDEE_OFFERED
            if b.status == "offered"
            else texts.TRAINING_STAFF_ATTENDEE
        )
        lines.append(
            template.format(
                number=number,
                name=b.name,
                phone=b.phone,
                age=age_label(b.age_group),
                mark=texts.TRAINING_STAFF_CAME if b.attended else "",
            ).rstrip()
        )
    if not seated:
        lines.append(texts.TRAINING_STAFF_NOBODY)
    if waiting:
        lines.append(texts.TRAINING_STAFF_WAITLIST)
        for number, b in enumerate(waiting, 1):
            lines.append(
                texts.TRAINING_STAFF_WAITING.format(number=number, name=b.name, phone=b.phone)
            )
    buttons = [
        [
            Button(
                texts.plain(
                    texts.BTN_TRAINING_STAFF_CAME if b.attended else texts.BTN_TRAINING_STAFF_MARK,
                    name=b.name,
                ),
                Attended(b.id).pack(),
            )
        ]
        for b in seated
        if b.status == "booked"
    ]
    return "\n".join(lines), buttons


async def on_attendees(ctx: Context) -> None:
    found = await _session_arg(ctx, texts.TRAINING_STAFF_ATTENDEES_USAGE)
    if found is None:
        return
    text, buttons = await _attendees(ctx, *found)
    ctx.to_staff(text, buttons)


async def on_attended(ctx: Context, press: Attended) -> None:
    s = ctx.services
    booking = await s.bookings.get(ctx.conn, press.booking)
    session = await s.courses.session(ctx.conn, booking.session_id) if booking else None
    course = await s.courses.course(ctx.conn, session.course_id) if session else None
    if booking is None or session is None or course is None or booking.status != "booked":
        ctx.to_staff(texts.TRAINING_STAFF_ATTENDEE_GONE)
        return
    await s.bookings.set_attended(ctx.conn, booking.id, not booking.attended, ctx.now)
    text, buttons = await _attendees(ctx, session, course)
    if ctx.event.message_id is None:
        ctx.to_staff(text, buttons)
    else:
        ctx.edit_staff(ctx.event.message_id, text, buttons)


# --- /new_session: a guided dialog -------------------------------------------------------


def _start(event: Event) -> str:
    value = typed_text(event)
    try:
        datetime.strptime(value, START_FORMAT)
    except ValueError:
        raise Invalid(texts.TRAINING_STAFF_ERR_START) from None
    return value


def _number(limit: int) -> Any:
    def take(event: Event) -> int:
        value = typed_text(event)
        if not value.isdigit() or not 1 <= int(value) <= limit:
            raise Invalid(texts.TRAINING_STAFF_ERR_NUMBER.format(limit=limit))
        return int(value)

    return take


def _dialog(courses: list[Course]) -> Dialog[dict[str, Any]]:
    """The steps with this moment's courses as the first question's choices."""
    choices = {str(c.id): c.title for c in courses}
    steps = (
        Step("course", texts.TRAINING_STAFF_ASK_COURSE, choices=choices),
        Step("branch", texts.TRAINING_STAFF_ASK_BRANCH, take=typed_text),
        Step("address", texts.TRAINING_STAFF_ASK_ADDRESS, take=typed_text),
        Step("start", texts.TRAINING_STAFF_ASK_START, take=_start),
        Step("minutes", texts.TRAINING_STAFF_ASK_MINUTES, take=_number(600)),
        Step("seats", texts.TRAINING_STAFF_ASK_SEATS, take=_number(MAX_SEATS)),
        Step("teacher", texts.TRAINING_STAFF_ASK_TEACHER, take=typed_text),
    )

    def review(_ctx: Context, record: dict[str, Any]) -> str:
        return texts.TRAINING_STAFF_REVIEW.format(
            course=choices.get(str(record.get("course")), "—"),
            branch=record.get("branch") or "—",
            address=record.get("address") or "—",
            start=record.get("start") or "—",
            minutes=record.get("minutes") or 0,
            seats=record.get("seats") or 0,
            teacher=record.get("teacher") or "—",
        )

    return Dialog(
        steps,
        StateForm(),
        Hooks(
            review_text=review,
            submit=_submit,
            cancel=_stop,
            leave=_leave,
            gone=_leave,
            ref=lambda _record: "trsdlg:new",
            required=tuple(step.name for step in steps),
        ),
        DialogTexts.standard(
            send=texts.BTN_TRAINING_STAFF_SAVE,
            edit=texts.BTN_TRAINING_EDIT,
            edit_which=texts.TRAINING_EDIT_WHICH,
        ),
        STAFF_DIALOG_BUTTONS,
        texts.TRAINING_STAFF_FIELD_LABELS,
    )


async def _current(ctx: Context) -> Dialog[dict[str, Any]]:
    return _dialog(await ctx.services.courses.courses(ctx.conn))


async def _submit(ctx: Context, record: dict[str, Any]) -> None:
    s = ctx.services
    local = datetime.strptime(record["start"], START_FORMAT).replace(tzinfo=s.timezone)
    if local <= ctx.now:
        dialog = await _current(ctx)
        await dialog.ask(
            ctx, record, dialog.by_name["start"], texts.TRAINING_STAFF_ERR_PAST, editing=True
        )
        return
    course = await s.courses.course(ctx.conn, int(record["course"]))
    if course is None:
        await _leave(ctx)
        return
    session_id = await s.courses.upsert_session(
        ctx.conn,
        course.id,
        NewSession(
            branch=record["branch"],
            address=record["address"],
            starts_at=local,
            minutes=record["minutes"],
            seats=record["seats"],
            teacher=record["teacher"],
        ),
        ctx.now,
    )
    ctx.finish()
    ctx.to_staff(texts.TRAINING_STAFF_CREATED.format(id=session_id, title=course.title))


async def _stop(ctx: Context, _record: dict[str, Any], _confirmed: bool) -> None:
    await _leave(ctx)


async def _leave(ctx: Context) -> None:
    ctx.finish()
    ctx.to_staff(texts.TRAINING_STAFF_NEW_CANCELLED)


async def on_new_session(ctx: Context) -> None:
    dialog = await _current(ctx)
    if not dialog.by_name["course"].choices:
        ctx.to_staff(texts.TRAINING_STAFF_NO_COURSES)
        return
    ctx.finish()
    ctx.goto(NEW_SESSION)
    await dialog.start(ctx, {})


async def on_input(ctx: Context) -> None:
    await (await _current(ctx)).on_input(ctx)


async def _record(ctx: Context) -> dict[str, Any] | None:
    dialog = await _current(ctx)
    record = await dialog.form.load(ctx) if ctx.step == NEW_SESSION else None
    if record is None:
        await _leave(ctx)
    return record


async def on_nav(ctx: Context, press: StaffNav) -> None:
    record = await _record(ctx)
    if record is not None:
        await (await _current(ctx)).on_nav(ctx, record, press.action, None)


async def on_pick(ctx: Context, press: StaffPick) -> None:
    record = await _record(ctx)
    if record is not None:
        await (await _current(ctx)).on_pick(ctx, record, press.step, press.key)


async def on_field(ctx: Context, press: StaffField) -> None:
    record = await _record(ctx)
    if record is not None:
        await (await _current(ctx)).on_field(ctx, record, press.step)


def register(router: Router) -> None:
    router.staff_command("courses", texts.CMD_STAFF_COURSES)(on_courses)
    router.staff_command("new_session", texts.CMD_STAFF_NEW_SESSION)(on_new_session)
    router.staff_command("cancel_session", texts.CMD_STAFF_CANCEL_SESSION)(on_cancel_session)
    router.staff_command("attendees", texts.CMD_STAFF_ATTENDEES)(on_attendees)
    router.staff_command("trained", texts.CMD_STAFF_TRAINED)(on_trained)
    router.staff_button(CancelSession)(on_cancel_pressed)
    router.staff_button(Attended)(on_attended)
    router.staff_button(StaffNav)(on_nav)
    router.staff_button(StaffPick)(on_pick)
    router.staff_button(StaffField)(on_field)
    router.step(NEW_SESSION)(on_input)
