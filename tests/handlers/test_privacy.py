"""«🔒 Мої дані» as a new resident tries it: ask, appeal, get my data, erase it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from handlers import texts
from handlers.context import Job, Privacy
from handlers.core import Core
from handlers.privacy import jobs
from storage.appeals import AppealsRepo
from storage.bookings import BookingsRepo
from storage.db import Database, fetch_all, fetch_one
from storage.users import UsersRepo
from tests.harness import STAFF_CHAT, TEST_CHANNEL, Chat, FakeClock, Sent, make_core
from tests.helpers.appeals import ADDRESS, BODY, submit
from tests.helpers.training import COURSE, add_session, book

NAME = "Оксана Вітрова"  # the name her messenger shows
QUESTION = "Чи можна роздрукувати довідку про доходи з Пенсійного фонду у філії"
KB_QUESTION = "Де подивитися графік вивезення сміття на Корабельному районі"
ANSWER = "Так, у будь-якій філії за розкладом, принесіть паспорт і код"
PHONE_FORMS = ("+380671234567", "671234567", "123 45 67")
CONTROLLER = "КЗ «Централізована бібліотечна система», вул. Потьомкінська, 143а"
# What the archive rules keep of a submitted appeal (handlers/privacy/rules.py).
LAWFUL = {("appeals", c) for c in ("surname", "given_name", "patronymic", "address", "body")}


@pytest.fixture
def chat(db: Database, clock: FakeClock) -> Chat:
    privacy = Privacy(controller=CONTROLLER, email="dani@lib.mk.ua")
    core, delivery, sender = make_core(db, clock, privacy=privacy)
    return Chat(core, delivery, sender, name=NAME)


async def ask_librarian(chat: Chat) -> Sent:
    """Ask a librarian; the librarian answers by replying to the card. Returns the card."""
    await chat.say("/start")
    await chat.press(texts.BTN_LIBRARIAN)
    sent = await chat.say(QUESTION)
    [card] = [s for s in sent if s.chat_id == STAFF_CHAT]
    await chat.staff_say(ANSWER, reply_to=card.message_id)
    return card


async def everything(chat: Chat) -> tuple[Sent, str]:
    """The «Done when» path: a question to the base, one to a librarian, an appeal."""
    await chat.say(KB_QUESTION)
    card = await ask_librarian(chat)
    sent = await submit(chat)
    [accepted] = [s for s in sent if s.chat_id == chat.chat_id and "МР-" in s.text]
    start = accepted.text.index("МР-")
    return card, accepted.text[start : start + len("МР-2026-000001")]


async def my_data(chat: Chat) -> list[Sent]:
    await chat.say("/start")
    await chat.press(texts.BTN_PRIVACY)
    return await chat.press(texts.BTN_PRIVACY_EXPORT)


def exported(sent: Sent) -> dict[str, Any]:
    [file] = sent.reply.attachments
    assert file.file_name == texts.PRIVACY_FILE_NAME and file.mime_type == "application/json"
    assert file.data is not None
    data: dict[str, Any] = json.loads(file.data)
    return data


async def found_anywhere(db: Database, needle: str) -> set[tuple[str, str]]:
    """Every (table, column) of the database holding `needle`, in any row."""
    places = set()
    async with db.transaction() as conn:
        tables = await fetch_all(
            conn, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        for (table,) in tables:
            columns = await fetch_all(conn, f'PRAGMA table_info("{table}")')
            for column in [info[1] for info in columns]:
                row = await fetch_one(
                    conn,
                    f'SELECT COUNT(*) FROM "{table}" WHERE instr(CAST("{column}" AS TEXT), ?) > 0',
                    (needle,),
                )
                if row and row[0]:
                    places.add((table, column))
    return places


# --- What is kept and why -------------------------------------------------------------


async def test_my_data_is_in_the_menu_and_privacy_says_what_why_how_long_and_who(
    chat: Chat,
) -> None:
    [menu] = await chat.say("/start")
    assert texts.BTN_PRIVACY in menu.labels
    [info] = await chat.say("/privacy")
    assert info.text.startswith("**Ваші дані в Приймальні**")
    assert "365 днів" in info.text and "5 повних років" in info.text
    assert CONTROLLER in info.text.replace("\\", "") and "dani@lib.mk.ua" in info.text
    assert texts.PRIVACY_CONSENTS_NONE in info.text
    assert info.labels == [texts.BTN_PRIVACY_EXPORT, texts.BTN_PRIVACY_ERASE, texts.BTN_MENU]


async def test_consents_are_recorded_and_one_can_be_withdrawn_with_one_press(
    chat: Chat, db: Database
) -> None:
    await everything(chat)
    [info] = await chat.say("/privacy")
    assert texts.PRIVACY_PURPOSES["appeal"] in info.text
    assert texts.PRIVACY_PURPOSES["question"] in info.text
    assert texts.BTN_PRIVACY_WITHDRAW_QUESTION in info.labels
    sent = await chat.press(texts.BTN_PRIVACY_WITHDRAW_QUESTION)
    assert sent[-1].text == texts.PRIVACY_WITHDRAWN_QUESTION
    # The question and its answer are gone; the card says why.
    assert await found_anywhere(db, QUESTION[:40]) == set()
    assert await found_anywhere(db, ANSWER[:40]) == set()
    assert any(s.text == texts.PRIVACY_CARD_ERASED.format(number=1) for s in sent)
    [info] = await chat.say("/privacy")
    assert texts.BTN_PRIVACY_WITHDRAW_QUESTION not in info.labels
    assert texts.BTN_PRIVACY_WITHDRAW_APPEAL in info.labels


# --- «Надіслати мої дані» ---------------------------------------------------------------


async def test_my_data_has_everything_readable_and_as_a_json_file(chat: Chat) -> None:
    _card, number = await everything(chat)
    [page] = await my_data(chat)
    shown = page.text.replace("\\", "")
    for piece in (NAME, QUESTION, ANSWER, KB_QUESTION, number, "Шевченко Олена Петрівна"):
        assert piece in shown
    assert ADDRESS in shown and "+380671234567" in shown and BODY in shown

    data = exported(page)
    assert data["profile"]["display_name"] == NAME
    assert {c["purpose"] for c in data["consents"]} == {"appeal", "question"}
    assert [q["question"] for q in data["questions"]] == [KB_QUESTION]
    [ticket] = data["tickets"]
    assert [m["text"] for m in ticket["messages"]] == [QUESTION, ANSWER]
    [appeal] = data["appeals"]
    assert appeal["number"] == number and appeal["phone"] == "+380671234567"
    assert appeal["address"] == ADDRESS and appeal["body"] == BODY
    assert [h["status"] for h in appeal["history"]] == ["submitted"]


async def test_long_data_comes_a_page_at_a_time(chat: Chat) -> None:
    await chat.say("/start")
    for n in range(60):
        await chat.say(f"{KB_QUESTION} номер {n}")
    [first] = await my_data(chat)
    assert len(first.text) < 4096
    assert "Сторінка 1 з" in first.text and texts.BTN_PAGE_NEXT in first.labels
    [second] = await chat.press(texts.BTN_PAGE_NEXT)
    assert "Сторінка 2 з" in second.text and second.reply.attachments == ()
    assert f"{KB_QUESTION} номер 0" in first.text
    assert f"{KB_QUESTION} номер 0" not in second.text


# --- «Видалити мої дані» ----------------------------------------------------------------


async def test_erasure_is_asked_twice_and_no_leaves_everything(chat: Chat, db: Database) -> None:
    await everything(chat)
    await chat.say("/privacy")
    [ask] = await chat.press(texts.BTN_PRIVACY_ERASE)
    assert ask.text == texts.PRIVACY_ERASE_ASK
    [sure] = await chat.press(texts.BTN_PRIVACY_ERASE_YES)
    assert sure.text == texts.PRIVACY_ERASE_SURE
    [kept] = await chat.press(texts.BTN_PRIVACY_ERASE_NO)
    assert kept.text == texts.PRIVACY_ERASE_CANCELLED
    assert await found_anywhere(db, QUESTION[:40])
    # The final button pressed again from the old message, out of turn, erases nothing.
    await chat.send(payload=chat.button(texts.BTN_PRIVACY_ERASE_FINAL).payload)
    assert await found_anywhere(db, QUESTION[:40])


async def test_erasure_leaves_only_the_lawful_remainder_as_told(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    card, number = await everything(chat)
    await my_data(chat)  # the file's copy is erased too
    await chat.say("/privacy")
    await chat.press(texts.BTN_PRIVACY_ERASE)
    await chat.press(texts.BTN_PRIVACY_ERASE_YES)
    sent = await chat.press(texts.BTN_PRIVACY_ERASE_FINAL)

    [told] = [s for s in sent if s.chat_id == chat.chat_id]
    assert told.text.startswith(texts.PRIVACY_ERASED)
    assert texts.PRIVACY_ERASED_KEPT in told.text
    assert texts.PRIVACY_ERASED_KEPT_OPEN.format(number=number, date="26.11.2026", years=5) in (
        told.text
    )
    # The librarians' card of the question now says the data was erased on request.
    [edit] = [s for s in sent if s.chat_id == STAFF_CHAT]
    assert edit.reply.edit == card.message_id
    assert edit.text == texts.PRIVACY_CARD_ERASED.format(number=1)

    for needle in (NAME, QUESTION[:40], ANSWER[:40], KB_QUESTION[:40], *PHONE_FORMS):
        assert await found_anywhere(db, needle) == set(), needle
    for needle in (ADDRESS, "Шевченко", "Петрівна", BODY[:40]):
        assert await found_anywhere(db, needle) <= LAWFUL, needle
    assert await found_anywhere(db, "Шевченко") == {("appeals", "surname")}

    # Writing again is writing for the first time: nothing of hers is shown.
    [page] = await my_data(chat)
    data = exported(page)
    assert set(data) == {"exported_at", "profile"}


async def test_a_finished_appeal_is_kept_until_the_first_of_january_five_years_on(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await submit(chat)
    async with db.transaction() as conn:  # answered and closed by the librarians
        await AppealsRepo().set_status(conn, 1, "closed", actor="Ірина", note=None, now=clock())
    await chat.say("/privacy")
    await chat.press(texts.BTN_PRIVACY_ERASE)
    await chat.press(texts.BTN_PRIVACY_ERASE_YES)
    [told] = await chat.press(texts.BTN_PRIVACY_ERASE_FINAL)
    until = texts.PRIVACY_ERASED_KEPT_UNTIL.format(
        number="МР-2026-000001", date="26.11.2026", until="01.01.2032"
    )
    assert until in told.text


async def test_a_reply_to_an_erased_card_goes_nowhere_and_says_so(chat: Chat) -> None:
    card = await ask_librarian(chat)
    await chat.say("/privacy")
    await chat.press(texts.BTN_PRIVACY_ERASE)
    await chat.press(texts.BTN_PRIVACY_ERASE_YES)
    await chat.press(texts.BTN_PRIVACY_ERASE_FINAL)
    sent = await chat.staff_say("Ще одна відповідь", reply_to=card.message_id)
    assert [s.text for s in sent] == [texts.PRIVACY_TICKET_ERASED_REPLY.format(number=1)]


# --- Retention ------------------------------------------------------------------------


def job(core: Core, name: str) -> Job:
    [found] = [j for j in core.routes.features.jobs if j.name == name]
    return found


async def test_retention_anonymises_what_expired_in_batches_and_counts_survive(
    db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    core, delivery, sender = make_core(db, clock)
    for n in range(5):
        resident = Chat(core, delivery, sender, user_id=str(2000 + n), name=f"Мешканка {n}")
        await ask_librarian(resident)
        await resident.say(f"{KB_QUESTION} {n}")
    chat = Chat(core, delivery, sender, name=NAME)
    await submit(chat)
    before = await db.row_counts()

    monkeypatch.setattr(jobs, "RETENTION_BATCH", 2)
    rounds = []
    retention = job(core, "privacy.retention")

    async def counted(scope: Any) -> bool | None:
        more = await retention.run(scope)
        rounds.append(more)
        return more

    clock.advance(days=364)
    await core.run_job(Job(retention.name, counted, {}))
    assert await found_anywhere(db, QUESTION[:40])  # not a year yet

    clock.advance(days=2)
    rounds.clear()
    await core.run_job(Job(retention.name, counted, {}))
    # 2 records of each kind a round: several rounds, each its own transaction.
    assert len(rounds) > 2 and rounds[-1] is False and all(rounds[:-1])
    for needle in (QUESTION[:40], ANSWER[:40], KB_QUESTION[:40], "Мешканка"):
        assert await found_anywhere(db, needle) == set(), needle
    # The appeal is younger than its term: it keeps everything.
    assert await found_anywhere(db, "Шевченко") == {("appeals", "surname")}
    after = await db.row_counts()
    for table in ("tickets", "kb_queries", "appeals", "users"):
        assert after[table] == before[table], table

    # Five full years after the year it was last touched: only the counts stay.
    clock.now = datetime(2032, 1, 1, 0, 30, tzinfo=UTC)
    await core.run_job(retention)
    assert await found_anywhere(db, "Шевченко") == set()
    assert await found_anywhere(db, ADDRESS) == set()
    assert (await db.row_counts())["appeals"] == before["appeals"]


async def test_retention_keeps_an_appeal_until_its_term_ends(
    db: Database, clock: FakeClock
) -> None:
    core, delivery, sender = make_core(db, clock)
    await submit(Chat(core, delivery, sender))
    clock.now = datetime(2031, 12, 31, 12, 0, tzinfo=UTC)
    await core.run_job(job(core, "privacy.retention"))
    assert await found_anywhere(db, "Шевченко") == {("appeals", "surname")}


async def test_the_nightly_backup_keeps_the_last_copies(
    db: Database, clock: FakeClock, tmp_path: Any
) -> None:
    folder = tmp_path / "backups"
    privacy = Privacy(database=db.path, backup_dir=folder, backup_copies=2)
    core, delivery, sender = make_core(db, clock, privacy=privacy)
    await Chat(core, delivery, sender, name=NAME).say("/start")
    for _ in range(3):
        await core.run_job(job(core, "privacy.backup"))
        clock.advance(days=1)
    copies = sorted(p.name for p in folder.iterdir())
    assert copies == ["reception-20261127-100000.sqlite3", "reception-20261128-100000.sqlite3"]
    copy = await Database.open(folder / copies[-1])
    try:
        assert (await copy.row_counts())["users"] == 1
    finally:
        await copy.close()


async def test_bookings_are_in_my_data_and_erasure_frees_the_seat_for_the_next_in_line(
    chat: Chat, db: Database
) -> None:
    await add_session(db, seats=1)
    await book(chat)
    await chat.press("Записатися")
    waiting = Chat(chat.core, chat.delivery, chat.sender, user_id="1002", name="Петро")
    await book(waiting)  # the session is full: in line
    await waiting.press("Записатися")

    [page] = await my_data(chat)
    data = exported(page)
    [booking] = data["bookings"]["bookings"]
    assert booking["title"] == COURSE.title and booking["status"] == "booked"
    assert texts.PRIVACY_SECTION_BOOKINGS in page.text

    async with db.transaction() as conn:
        her = await UsersRepo().find(conn, TEST_CHANNEL, chat.user_id)
    assert her is not None
    await chat.say("/privacy")
    await chat.press(texts.BTN_PRIVACY_ERASE)
    await chat.press(texts.BTN_PRIVACY_ERASE_YES)
    sent = await chat.press(texts.BTN_PRIVACY_ERASE_FINAL)
    # Her seat is freed and offered to the next in line.
    [offer] = [s for s in sent if s.chat_id == waiting.chat_id]
    assert offer.text.startswith(texts.TRAINING_OFFER.split("{", 1)[0][:20])
    assert await found_anywhere(db, f"{chat.name} Шевченко") == set()
    async with db.transaction() as conn:
        left = await BookingsRepo().export(conn, her.id)
    # Who came, by course, stays for the reports; not who she is.
    assert left["trainee"] is None
    assert [(b["name"], b["phone"], b["status"]) for b in left["bookings"]] == [
        ("", "", "cancelled")
    ]
