"""Appeals to the mayor, the librarians' side: statuses, notifications, deadlines, lists."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import render
from handlers import texts
from handlers.appeals import staff as appeals_staff
from handlers.appeals.rules import due_date
from handlers.appeals.staff import DEADLINES_JOB
from handlers.appeals.workflow import parse_council
from handlers.messages import Attachment, Event
from storage.appeals import AppealsRepo
from storage.db import Database
from storage.users import UsersRepo
from tests.harness import STAFF_CHAT, TEST_CHANNEL, Chat, FakeClock, Sent, make_core
from tests.helpers.appeals import BODY, fill_to_review, submit, to_chat, to_staff


def button(sent: Sent, label: str) -> str:
    for row in sent.reply.buttons:
        for b in row:
            if b.label == label and b.payload:
                return b.payload
    raise AssertionError(f"no button {label!r} in {sent.labels}")


async def submitted(chat: Chat) -> Sent:
    """Submit an appeal; return its card in the staff chat."""
    [card] = to_staff(await submit(chat))
    return card


async def press(chat: Chat, card: Sent, label: str) -> list[Sent]:
    return await chat.staff_press(button(card, label))


async def answer_prompt(
    chat: Chat, sent: list[Sent], text: str, attachments: tuple[Attachment, ...] = ()
) -> list[Sent]:
    """Reply in the staff chat to the bot's prompt (privacy mode: only replies reach it)."""
    [prompt] = to_staff(sent)
    assert prompt.reply.ref is not None and prompt.reply.ref.startswith("apin:")
    if not attachments:
        return await chat.staff_say(text, reply_to=prompt.message_id)
    reply = Event(
        TEST_CHANNEL,
        "9001",
        STAFF_CHAT,
        display_name="Бібліотекарка Ірина",
        text=text,
        attachments=attachments,
        reply_to=prompt.message_id,
        from_staff_chat=True,
        is_staff=True,
    )
    before = len(chat.sender.sent)
    await chat.core.handle(reply)
    await chat.delivery.flush()
    return chat.sender.sent[before:]


# --- Deadlines ------------------------------------------------------------------------


def test_due_dates_30_15_and_45_days() -> None:
    start = date(2026, 11, 26)
    assert due_date(start) == date(2026, 12, 26)
    assert due_date(start, short_term=True) == date(2026, 12, 11)
    assert due_date(start, extended=True) == date(2027, 1, 10)


def test_council_number_and_date_are_read_from_the_reply() -> None:
    assert parse_council("1234/02-15 від 27.11.2026") == ("1234/02-15", date(2026, 11, 27))
    assert parse_council("№ 77 27.11.2026") == ("77", date(2026, 11, 27))
    assert parse_council("1234/02-15") is None
    assert parse_council("від 31.02.2026 № 5") is None


# --- The whole workflow ---------------------------------------------------------------


async def test_the_path_to_an_answer_and_every_notification(chat: Chat) -> None:
    card = await submitted(chat)
    assert card.reply.ref is not None and card.reply.ref.startswith("appeal:")

    sent = await press(chat, card, texts.BTN_STAFF_CHECK)
    [note] = to_chat(sent, chat)
    assert note.text == texts.APPEAL_NOTICE_CHECKING.format(number="МР-2026-000001")
    assert note.labels == [texts.BTN_MENU]  # a way home from every notice
    [changed] = to_staff(sent)
    assert "на перевірці" in changed.text

    prompt = await press(chat, changed, texts.BTN_STAFF_TRANSFER)
    [error] = await answer_prompt(chat, prompt, "без дати")
    assert error.text == texts.STAFF_ERR_COUNCIL
    sent = await answer_prompt(chat, prompt, "1234/02-15 від 27.11.2026")
    [note] = to_chat(sent, chat)
    assert note.text == texts.APPEAL_NOTICE_TRANSFERRED.format(
        number="МР-2026-000001",
        council_number="1234/02-15",
        council_date="27.11.2026",
        due="26.12.2026",
    )
    [changed] = to_staff(sent)

    [outcomes] = await press(chat, changed, texts.BTN_STAFF_ANSWER)
    assert outcomes.labels == list(texts.APPEAL_OUTCOMES.values())
    prompt = await press(chat, outcomes, texts.APPEAL_OUTCOMES["positive"])
    answer = "Тротуар відремонтують до 15 грудня 2026 року."
    letter = Attachment("document", "answer-file", "відповідь.pdf", 1000)
    sent = await answer_prompt(chat, prompt, answer, (letter,))
    [note] = to_chat(sent, chat)
    assert note.text == texts.APPEAL_NOTICE_ANSWERED.format(
        number="МР-2026-000001", outcome="вирішено позитивно", answer=answer
    )
    assert [a.file_id for a in note.reply.attachments] == ["answer-file"]
    [changed] = to_staff(sent)

    sent = await press(chat, changed, texts.BTN_STAFF_CLOSE)
    [note] = to_chat(sent, chat)
    assert note.text == texts.APPEAL_NOTICE_CLOSED.format(number="МР-2026-000001")

    [history] = await chat.staff_say("/appeal МР-2026-000001")
    for line in (
        "подано (заявник)",
        "на перевірці (Бібліотекарка Ірина (test:9001))",
        "передано до міської ради: № 1234/02-15 від 27.11.2026",
        "відповідь надано: вирішено позитивно",
        "закрито",
    ):
        assert line in history.text


async def test_a_returned_appeal_is_corrected_and_resubmitted_under_its_number(
    chat: Chat,
) -> None:
    card = await submitted(chat)
    prompt = await press(chat, card, texts.BTN_STAFF_RETURN)
    reason = "Не вказано номер будинку, біля якого тротуар."
    sent = await answer_prompt(chat, prompt, reason)
    [note] = to_chat(sent, chat)
    assert note.text == texts.APPEAL_NOTICE_RETURNED.format(number="МР-2026-000001", reason=reason)
    [review] = await chat.press("Виправити")
    assert review.labels[0] == texts.BTN_APPEAL_SEND
    await chat.press(texts.BTN_APPEAL_EDIT)
    await chat.press(texts.APPEAL_FIELD_LABELS["body"])
    await chat.say(BODY + " Будинок номер 5, під'їзд 2.")
    sent = await chat.press(texts.BTN_APPEAL_SEND)
    [confirmation] = to_chat(sent, chat)
    assert confirmation.text == texts.APPEAL_RESUBMITTED.format(
        number="МР-2026-000001", due="26.12.2026"
    )
    [card] = to_staff(sent)
    assert card.text.startswith(f"**{texts.STAFF_APPEAL_RESUBMITTED} МР-2026-000001**")
    assert "під'їзд 2" in card.text


async def test_forwarded_extended_and_refused_are_explained_to_the_citizen(
    db: Database, clock: FakeClock
) -> None:
    core, delivery, sender = make_core(db, clock)
    first = Chat(core, delivery, sender, user_id="4001")
    second = Chat(core, delivery, sender, user_id="4002")
    third = Chat(core, delivery, sender, user_id="4003")

    card = await submitted(first)
    sent = await answer_prompt(first, await press(first, card, texts.BTN_STAFF_FORWARD), "ОДА")
    [note] = to_chat(sent, first)
    assert note.text == texts.APPEAL_NOTICE_FORWARDED.format(number="МР-2026-000001", body="ОДА")

    card = await submitted(second)
    prompt = await press(second, card, texts.BTN_STAFF_TRANSFER)
    [changed] = to_staff(await answer_prompt(second, prompt, "55 від 27.11.2026"))
    sent = await answer_prompt(
        second, await press(second, changed, texts.BTN_STAFF_EXTEND), "Потрібна експертиза."
    )
    [note] = to_chat(sent, second)
    assert note.text == texts.APPEAL_NOTICE_EXTENDED.format(
        number="МР-2026-000002", due="10.01.2027", reason="Потрібна експертиза."
    )

    card = await submitted(third)
    sent = await answer_prompt(
        third, await press(third, card, texts.BTN_STAFF_REJECT), "Повторне звернення."
    )
    [note] = to_chat(sent, third)
    assert note.text == texts.APPEAL_NOTICE_REJECTED.format(
        number="МР-2026-000003", reason="Повторне звернення."
    )
    assert texts.APPEAL_HOW_TO_COMPLAIN in note.text


async def test_marking_short_term_sets_15_days(chat: Chat) -> None:
    card = await submitted(chat)
    [changed] = await press(chat, card, texts.BTN_STAFF_SHORT)
    assert "відповідь до 11.12.2026" in changed.text
    [mine] = await chat.say("/my")
    assert "Відповідь до 11.12.2026." in mine.text


async def test_a_stale_button_does_not_change_the_status_twice(chat: Chat) -> None:
    card = await submitted(chat)
    await press(chat, card, texts.BTN_STAFF_CHECK)
    sent = await press(chat, card, texts.BTN_STAFF_CHECK)
    assert to_chat(sent, chat) == []
    [warning] = to_staff(sent)
    assert warning.text == texts.STAFF_APPEAL_WRONG_STATE.format(
        number="МР-2026-000001", status="на перевірці"
    )


async def test_non_staff_cannot_press_staff_buttons(chat: Chat) -> None:
    card = await submitted(chat)
    sent = await chat.staff_press(button(card, texts.BTN_STAFF_CHECK), is_staff=False)
    assert sent == []
    [mine] = await chat.say("/my")
    assert "подано" in mine.text


# --- Art. 10 and Art. 20 --------------------------------------------------------------


async def test_confidential_appeal_hides_name_and_address_in_the_staff_chat(chat: Chat) -> None:
    await fill_to_review(chat)
    await chat.press(texts.BTN_APPEAL_EDIT)
    await chat.press(texts.APPEAL_FIELD_LABELS["confidential"])
    await chat.press(texts.BTN_CONFIDENTIAL_YES)
    [card] = to_staff(await chat.press(texts.BTN_APPEAL_SEND))
    assert "Шевченко" not in card.text
    assert "Садова" not in card.text
    assert texts.STAFF_APPEAL_HIDDEN.format(number="МР-2026-000001") in card.text
    [view] = await chat.staff_say("/appeal МР-2026-000001")
    assert "Шевченко" not in view.text
    # The librarian who passes it on sees it in a private chat with the bot.
    [private] = await chat.send(text="/appeal МР-2026-000001", is_staff=True)
    assert "Шевченко Олена Петрівна" in private.text


async def test_priority_appeals_are_listed_first(db: Database, clock: FakeClock) -> None:
    core, delivery, sender = make_core(db, clock)
    plain = Chat(core, delivery, sender, user_id="5001")
    veteran = Chat(core, delivery, sender, user_id="5002")
    await submit(plain)
    await fill_to_review(veteran)
    await veteran.press(texts.BTN_APPEAL_EDIT)
    await veteran.press(texts.APPEAL_FIELD_LABELS["priority"])
    await veteran.press(texts.APPEAL_PRIORITIES["veteran"])
    [card] = to_staff(await veteran.press(texts.BTN_APPEAL_SEND))
    assert texts.APPEAL_PRIORITIES["veteran"] in card.text

    [listing] = await plain.staff_say("/appeals")
    assert listing.text.index("МР-2026-000002") < listing.text.index("МР-2026-000001")
    assert "⭐ МР-2026-000002" in listing.text
    [only] = await plain.staff_say("/appeals закрито")
    assert only.text == texts.STAFF_APPEALS_EMPTY.format(what="закрито")


# --- The morning list -----------------------------------------------------------------


async def test_working_mornings_list_due_soon_and_overdue(chat: Chat, clock: FakeClock) -> None:
    await submit(chat)  # due 26.12.2026
    card = await submitted(chat)  # МР-2026-000002
    await press(chat, card, texts.BTN_STAFF_SHORT)  # due 11.12.2026
    assert await chat.core.run_job(DEADLINES_JOB) == []  # nothing due within 5 days yet

    clock.advance(days=19)  # 15.12.2026: #2 overdue, #1 not yet within 5 days
    [report] = await chat.core.run_job(DEADLINES_JOB)
    due_part, _, waiting_part = report.reply.text.partition(
        texts.STAFF_DEADLINES_NOT_PASSED_ON.format(count=2)
    )
    assert texts.STAFF_DEADLINES_OVERDUE.format(count=1) in due_part
    assert "МР-2026-000002" in due_part
    assert "МР-2026-000001" not in due_part
    # both are still "подано": the 5-day and 10-day windows to pass them on are closing
    assert "МР-2026-000001" in waiting_part and "МР-2026-000002" in waiting_part

    clock.advance(days=7)  # 22.12.2026: #1 due in 4 days
    [report] = await chat.core.run_job(DEADLINES_JOB)
    assert (
        texts.STAFF_DEADLINES_SOON.format(count=1)
        in report.reply.text.partition(texts.STAFF_DEADLINES_NOT_PASSED_ON.format(count=2))[0]
    )
    assert "МР-2026-000001" in report.reply.text
    assert DEADLINES_JOB.cron == {"day_of_week": "mon-fri", "hour": 9}


# --- Assisted filing at a branch ------------------------------------------------------


async def test_a_librarian_files_for_a_visitor_by_replying_to_prompts(chat: Chat) -> None:
    [consent] = await chat.staff_say("/assist")
    assert texts.APPEAL_CONSENT in consent.text
    sent = await chat.staff_press(button(consent, texts.BTN_CONSENT_YES))
    hint, question = sent
    assert hint.text == texts.STAFF_ASSIST_HINT
    assert question.text == texts.APPEAL_ASK_SURNAME
    for answer in ("Коваль", "Іван", "Петрович", "м. Миколаїв, вул. Морехідна, 3", "0501234567"):
        [question] = await chat.staff_say(answer, reply_to=question.message_id)
        assert question.reply.ref is not None and question.reply.ref.startswith("appealdlg:")
        assert not question.reply.request_contact
    for label in (texts.BTN_SKIP, texts.APPEAL_TOPICS["social"]):
        [question] = await chat.staff_press(button(question, label))
    [question] = await chat.staff_say(BODY, reply_to=question.message_id)
    for label in (texts.BTN_NO_ATTACHMENTS, texts.BTN_CONFIDENTIAL_NO, texts.BTN_PRIORITY_NONE):
        [question] = await chat.staff_press(button(question, label))
    sent = await chat.staff_press(button(question, texts.BTN_APPEAL_SEND))
    card, done = sent
    assert "Бібліотекарка Ірина" in card.text
    assert "(згода — особисто)" in card.text
    assert done.text == texts.APPEAL_ASSISTED_SUBMITTED.format(
        number="МР-2026-000001", date="26.11.2026", due="26.12.2026"
    )
    # Notifications for a visitor go to the staff chat, to be passed on by phone.
    sent = await chat.staff_press(button(card, texts.BTN_STAFF_CHECK))
    notice = [s for s in sent if "Повідомте, будь ласка, заявника" in s.text]
    assert "+380501234567" in notice[0].text


async def test_a_reason_with_markup_is_shown_as_typed_to_the_author_and_in_the_history(
    chat: Chat,
) -> None:
    card = await submitted(chat)
    prompt = await press(chat, card, texts.BTN_STAFF_RETURN)
    reason = "Додайте **фото** — [ось зразок](https://evil.example/form)"
    sent = await answer_prompt(chat, prompt, reason)
    [note] = to_chat(sent, chat)
    assert reason in render.to_plain(note.text)
    assert "<a " not in render.to_html(note.text)
    [history] = await chat.staff_say("/appeal МР-2026-000001")
    assert f"повернуто на доопрацювання: {reason} (" in render.to_plain(history.text)
    assert "<a " not in render.to_html(history.text)


# --- Long lists -----------------------------------------------------------------------


async def register_many(
    db: Database,
    count: int,
    *,
    submitted: datetime,
    due: date,
    status: str = "submitted",
    priority: str | None = None,
) -> list[str]:
    """`count` appeals registered straight in the database, as dozens of residents would."""
    repo, numbers = AppealsRepo(), []
    async with db.transaction() as conn:
        user = await UsersRepo().touch(
            conn,
            channel=TEST_CHANNEL,
            external_id="6001",
            chat_id="6001",
            display_name=None,
            now=submitted,
        )
        for _ in range(count):
            draft = await repo.create_draft(conn, user.id, submitted)
            await repo.update(
                conn, draft.id, submitted, topic="housing", body=BODY, priority=priority
            )
            seq, number = await repo.allocate_number(conn, 2026)
            await repo.register(
                conn,
                draft.id,
                number=number,
                year=2026,
                seq=seq,
                now=submitted,
                due_date=due,
                repeat_of=None,
            )
            if status != "submitted":
                await repo.set_status(
                    conn, draft.id, status, actor="Ірина", note=None, now=submitted
                )
            numbers.append(number)
    return numbers


def listed(sent: Sent) -> list[str]:
    return [
        line.split(" — ")[0].removeprefix("- ").removeprefix("⭐ ")
        for line in sent.text.splitlines()[1:]
    ]


async def test_a_long_list_of_appeals_is_one_page_priority_first_with_buttons(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    plain = await register_many(db, 20, submitted=clock.now, due=date(2026, 12, 26))
    veterans = await register_many(
        db, 3, submitted=clock.now, due=date(2026, 12, 27), priority="veteran"
    )
    order = veterans + plain

    [first] = await chat.staff_say("/appeals")

    assert first.text.splitlines()[0] == "**Звернення: у роботі** (23) · сторінка 1 з 3"
    assert listed(first) == order[:10]
    assert first.labels == [texts.BTN_PAGE_NEXT]
    [second] = await chat.staff_press(
        button(first, texts.BTN_PAGE_NEXT), message_id=first.message_id
    )
    assert second.reply.edit == first.message_id
    assert listed(second) == order[10:20]
    assert second.labels == [texts.BTN_PAGE_PREV, texts.BTN_PAGE_NEXT]
    [last] = await chat.staff_press(button(second, texts.BTN_PAGE_NEXT))
    assert listed(last) == order[20:]
    assert last.labels == [texts.BTN_PAGE_PREV]
    [back] = await chat.staff_press(button(last, texts.BTN_PAGE_PREV))
    assert listed(back) == order[10:20]


async def test_pages_of_one_status_stay_that_status_even_when_the_list_shrinks(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await register_many(db, 15, submitted=clock.now, due=date(2026, 12, 26))
    transferred = await register_many(
        db, 12, submitted=clock.now, due=date(2026, 12, 26), status="transferred"
    )

    [first] = await chat.staff_say("/appeals передано")
    assert first.text.splitlines()[0] == (
        "**Звернення: передано до міської ради** (12) · сторінка 1 з 2"
    )
    to_second = button(first, texts.BTN_PAGE_NEXT)
    [second] = await chat.staff_press(to_second, message_id=first.message_id)
    assert listed(second) == transferred[10:]

    async with db.transaction() as conn:
        for number in transferred[:5]:
            appeal = await AppealsRepo().by_number(conn, number)
            assert appeal is not None
            await AppealsRepo().set_status(
                conn, appeal.id, "answered", actor="Ірина", note=None, now=clock.now
            )
    [stale] = await chat.staff_press(to_second, message_id=first.message_id)
    assert stale.text.splitlines()[0] == "**Звернення: передано до міської ради** (7)"
    assert listed(stale) == transferred[5:]
    assert stale.labels == []


async def test_the_morning_list_of_many_appeals_is_one_message_with_counts(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    today = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)  # 9:00 in Kyiv
    overdue = await register_many(db, 60, submitted=clock.now, due=date(2026, 12, 10))
    await register_many(db, 40, submitted=clock.now, due=date(2026, 12, 18), status="transferred")
    await register_many(db, 30, submitted=clock.now, due=date(2027, 1, 20), status="checking")
    clock.now = today

    [report] = await chat.core.run_job(DEADLINES_JOB)

    text = report.reply.text
    assert len(text) < 4096
    assert len(render.split(text, render.to_html)) == 1  # one Telegram message
    groups = text.split("\n\n")[1:]
    assert groups[0].splitlines()[0] == texts.STAFF_DEADLINES_OVERDUE.format(count=60)
    assert [line.split(" — ")[0] for line in groups[0].splitlines()[1:11]] == [
        f"- {number}" for number in overdue[:10]
    ]
    assert groups[0].splitlines()[-1] == texts.STAFF_DEADLINES_MORE.format(count=50)
    assert "… і ще 50 звернень" in groups[0]
    assert groups[1].splitlines()[0] == texts.STAFF_DEADLINES_SOON.format(count=40)
    assert groups[1].splitlines()[-1] == texts.STAFF_DEADLINES_MORE.format(count=30)
    # Submitted on 26.11 and still not passed on: the 60 overdue and the 30 in checking.
    assert groups[2].splitlines()[0] == texts.STAFF_DEADLINES_NOT_PASSED_ON.format(count=90)
    assert len(groups[2].splitlines()) == 12


async def test_the_morning_list_names_fewer_appeals_rather_than_overrun_a_message(
    chat: Chat, db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(appeals_staff, "DEADLINES_LISTED", 60)  # far more than fits
    await register_many(db, 60, submitted=clock.now, due=date(2026, 12, 10))
    clock.now = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)

    [report] = await chat.core.run_job(DEADLINES_JOB)

    assert len(render.split(report.reply.text, render.to_html)) == 1
    assert "… і ще" in report.reply.text
