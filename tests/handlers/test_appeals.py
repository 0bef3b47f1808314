"""Appeals to the mayor, as a resident sees them: consent, questions, review, number."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot import logs
from handlers import texts
from handlers.appeals.staff import DRAFTS_JOB
from handlers.messages import Attachment, Contact, Markdown
from storage.appeals import AppealsRepo
from storage.db import Database
from tests.harness import MENU_LABELS, Chat, FakeClock, make_core
from tests.helpers.appeals import (
    ADDRESS,
    BODY,
    fill_to_review,
    open_appeals,
    start_with_consent,
    submit,
    to_chat,
    to_staff,
)


def number_in(text: str) -> str:
    start = text.index("МР-")
    return text[start : start + len("МР-2026-000001")]


async def count_appeals(db: Database) -> int:
    async with db.transaction() as conn:
        return await AppealsRepo().count(conn)


# --- Consent --------------------------------------------------------------------------


async def test_consent_comes_before_any_question(chat: Chat) -> None:
    [intro] = await open_appeals(chat)
    assert intro.text == texts.APPEAL_INTRO
    assert intro.labels[:2] == [texts.BTN_APPEAL_NEW, texts.BTN_APPEAL_MINE]
    [consent] = await chat.press(texts.BTN_APPEAL_NEW)
    assert consent.text == texts.APPEAL_CONSENT
    assert consent.labels == [texts.BTN_CONSENT_YES, texts.BTN_CONSENT_NO]


async def test_no_consent_stores_nothing_and_ends_politely(chat: Chat, db: Database) -> None:
    await open_appeals(chat)
    await chat.press(texts.BTN_APPEAL_NEW)
    [reply] = await chat.press(texts.BTN_CONSENT_NO)
    assert reply.text == texts.APPEAL_NO_CONSENT
    assert texts.BTN_APPEAL in reply.labels  # back at the main menu
    assert await count_appeals(db) == 0
    # Typing a surname now is not taken as part of an appeal.
    await chat.say("Шевченко")
    assert await count_appeals(db) == 0


async def test_every_question_has_back_and_cancel(chat: Chat) -> None:
    [surname] = await start_with_consent(chat)
    assert surname.text == texts.APPEAL_ASK_SURNAME
    assert surname.labels[-2:] == [texts.BTN_BACK, texts.BTN_CANCEL]


# --- The whole path -------------------------------------------------------------------


async def test_full_dialog_gives_a_number_date_and_due_date(chat: Chat, db: Database) -> None:
    review = await fill_to_review(chat)
    assert "Шевченко Олена Петрівна" in review.text
    assert ADDRESS in review.text
    assert "+380671234567" in review.text
    assert texts.APPEAL_TOPICS["roads"] in review.text
    assert BODY in review.text
    assert review.labels == [texts.BTN_APPEAL_SEND, texts.BTN_APPEAL_EDIT, texts.BTN_CANCEL]

    sent = await chat.press(texts.BTN_APPEAL_SEND)
    [confirmation] = to_chat(sent, chat)
    # The clock says 26.11.2026, 12:00 in Kyiv: due 30 days later.
    assert confirmation.text == texts.APPEAL_SUBMITTED.format(
        number="МР-2026-000001", date="26.11.2026", due="26.12.2026"
    )
    [card] = to_staff(sent)
    assert "МР-2026-000001" in card.text
    assert BODY in card.text
    assert "Шевченко Олена Петрівна" in card.text
    assert "+380671234567" in card.text
    assert texts.BTN_STAFF_CHECK in card.labels


async def test_russian_text_is_accepted_as_written(chat: Chat) -> None:
    russian = "Прошу починить уличное освещение на улице Садовой, вечером очень темно и опасно."
    sent = await submit(chat, body=russian)
    [card] = to_staff(sent)
    assert russian in card.text


async def test_shared_own_contact_is_normalised(chat: Chat) -> None:
    await start_with_consent(chat)
    for answer in ("Шевченко", "Олена", "Петрівна", ADDRESS):
        sent = await chat.say(answer)
    [phone_prompt] = sent
    assert phone_prompt.text == texts.APPEAL_ASK_PHONE
    assert phone_prompt.reply.request_contact
    [email_prompt] = await chat.send(contact=Contact("380671234567", is_own=True))
    assert email_prompt.text == texts.APPEAL_ASK_EMAIL


async def test_the_share_phone_button_pressed_after_a_typed_phone_is_not_a_wrong_answer(
    chat: Chat,
) -> None:
    await start_with_consent(chat)
    for answer in ("Шевченко", "Олена", "Петрівна", ADDRESS):
        await chat.say(answer)
    [email_prompt] = await chat.say("067 123 45 67")  # typed; the button may stay on screen

    [reply] = await chat.send(contact=Contact("380671234567", is_own=True))

    # The prompt is a message of ours, Markdown already: not escaped again.
    assert reply.text == texts.APPEAL_PHONE_ALREADY.format(prompt=Markdown(email_prompt.text))
    assert texts.BTN_SKIP in reply.labels  # still at the e-mail question


# --- Validation, with the exact words a person sees ----------------------------------


@pytest.mark.parametrize("typed", ["Шевченко2", "!!!", "Ш", "ш" * 51])
async def test_name_must_be_letters(chat: Chat, typed: str) -> None:
    await start_with_consent(chat)
    [reply] = await chat.say(typed)
    assert reply.text == texts.APPEAL_ERR_NAME
    [next_question] = await chat.say("Коваль-Шевченко")
    assert next_question.text == texts.APPEAL_ASK_GIVEN_NAME


async def test_apostrophes_and_lowercase_names_are_fine(chat: Chat) -> None:
    await start_with_consent(chat)
    await chat.say("дем'яненко")
    await chat.say("Мар’яна")
    await chat.say("Іллівна")
    await chat.say(ADDRESS)
    await chat.say("0671234567")
    await chat.press(texts.BTN_SKIP)
    await chat.press(texts.APPEAL_TOPICS["other"])
    await chat.say(BODY)
    await chat.press(texts.BTN_NO_ATTACHMENTS)
    await chat.press(texts.BTN_CONFIDENTIAL_NO)
    [review] = await chat.press(texts.BTN_PRIORITY_NONE)
    assert "Дем'яненко Мар’яна Іллівна" in review.text


async def test_address_must_be_a_full_postal_address(chat: Chat) -> None:
    await start_with_consent(chat)
    for answer in ("Шевченко", "Олена", "Петрівна"):
        await chat.say(answer)
    [reply] = await chat.say("Миколаїв")
    assert reply.text == texts.APPEAL_ERR_ADDRESS


async def test_phone_is_validated_and_someone_elses_contact_refused(chat: Chat) -> None:
    await start_with_consent(chat)
    for answer in ("Шевченко", "Олена", "Петрівна", ADDRESS):
        await chat.say(answer)
    [reply] = await chat.say("12345")
    assert reply.text == texts.APPEAL_ERR_PHONE
    [reply] = await chat.say("телефон")
    assert reply.text == texts.APPEAL_ERR_PHONE
    [reply] = await chat.send(contact=Contact("+380501112233", is_own=False))
    assert reply.text == texts.APPEAL_ERR_PHONE_NOT_OWN
    [reply] = await chat.say("+380 67 123 45 67")
    assert reply.text == texts.APPEAL_ASK_EMAIL


async def test_email_is_optional_and_validated(chat: Chat) -> None:
    await start_with_consent(chat)
    for answer in ("Шевченко", "Олена", "Петрівна", ADDRESS, "067 123 45 67"):
        await chat.say(answer)
    [reply] = await chat.say("olena@ukr")
    assert reply.text == texts.APPEAL_ERR_EMAIL
    [reply] = await chat.say("Olena.S@UKR.NET")
    assert reply.text == texts.APPEAL_ASK_TOPIC


async def test_topic_is_chosen_with_a_button(chat: Chat) -> None:
    await start_with_consent(chat)
    for answer in ("Шевченко", "Олена", "Петрівна", ADDRESS, "067 123 45 67"):
        await chat.say(answer)
    [topics] = await chat.press(texts.BTN_SKIP)
    assert topics.labels[:7] == list(texts.APPEAL_TOPICS.values())
    [reply] = await chat.say("дороги")
    assert reply.text == texts.APPEAL_ERR_CHOOSE


async def _at_body(chat: Chat) -> None:
    await start_with_consent(chat)
    for answer in ("Шевченко", "Олена", "Петрівна", ADDRESS, "067 123 45 67"):
        await chat.say(answer)
    await chat.press(texts.BTN_SKIP)
    await chat.press(texts.APPEAL_TOPICS["housing"])


async def test_appeal_text_limits_are_stated_and_long_text_is_not_cut(chat: Chat) -> None:
    await _at_body(chat)
    [reply] = await chat.say("Немає води")
    assert reply.text == texts.APPEAL_ERR_BODY_SHORT.format(length="10 символів")
    [reply] = await chat.say("Нема газу, допоможіть")
    assert reply.text.startswith("Текст замалий: 21 символ, а потрібно щонайменше 30.")
    for length, shown in ((4001, "4001 символ"), (6004, "6004 символи")):
        # Even past a Telegram message, the appeal's own limit.
        [reply] = await chat.say("а" * length)
        assert reply.text == texts.APPEAL_ERR_BODY_LONG.format(length=shown)
    [reply] = await chat.say("б" * 4000)
    assert reply.text == texts.APPEAL_ASK_ATTACHMENTS


async def test_attachments_up_to_five_photos_or_documents(chat: Chat) -> None:
    await _at_body(chat)
    await chat.say(BODY)
    [reply] = await chat.say("ось фото")
    assert reply.text == texts.APPEAL_ERR_FILE_EXPECTED
    [reply] = await chat.send(attachments=(Attachment("voice", "v1"),))
    assert reply.text == texts.APPEAL_ERR_FILE_KIND
    big = Attachment("document", "d0", "скан.pdf", size=25 * 1024 * 1024)
    [reply] = await chat.send(attachments=(big,))
    assert reply.text == texts.APPEAL_ERR_FILE_SIZE.format(name="скан.pdf", size="25,0")
    for index in range(1, 6):
        [reply] = await chat.send(attachments=(Attachment("photo", f"p{index}", size=1000),))
        assert reply.text == texts.APPEAL_FILE_ADDED.format(count=index)
    [reply] = await chat.send(attachments=(Attachment("photo", "p6"),))
    assert reply.text == texts.APPEAL_ERR_FILE_COUNT
    await chat.press(texts.BTN_ATTACH_DONE)
    await chat.press(texts.BTN_CONFIDENTIAL_NO)
    [review] = await chat.press(texts.BTN_PRIORITY_NONE)
    assert texts.APPEAL_FILES_COUNT.format(count=5) in review.text
    sent = await chat.press(texts.BTN_APPEAL_SEND)
    [card] = to_staff(sent)
    assert [a.file_id for a in card.reply.attachments] == ["p1", "p2", "p3", "p4", "p5"]


# --- Back, edit, cancel ---------------------------------------------------------------


async def test_back_returns_to_the_previous_question(chat: Chat) -> None:
    await start_with_consent(chat)
    await chat.say("Шевченко")
    [reply] = await chat.press(texts.BTN_BACK)
    assert reply.text == texts.APPEAL_ASK_SURNAME
    await chat.say("Коваленко")
    [reply] = await chat.say("Олена")
    assert reply.text == texts.APPEAL_ASK_PATRONYMIC


async def test_any_field_can_be_changed_from_the_review(chat: Chat) -> None:
    await fill_to_review(chat)
    [which] = await chat.press(texts.BTN_APPEAL_EDIT)
    assert which.text == texts.APPEAL_EDIT_WHICH
    assert which.labels[:-1] == list(texts.APPEAL_FIELD_LABELS.values())
    [question] = await chat.press(texts.APPEAL_FIELD_LABELS["address"])
    assert question.text == texts.APPEAL_ASK_ADDRESS
    [review] = await chat.say("м. Миколаїв, просп. Центральний, 10")
    assert "просп. Центральний, 10" in review.text
    assert ADDRESS not in review.text

    await chat.press(texts.BTN_APPEAL_EDIT)
    await chat.press(texts.APPEAL_FIELD_LABELS["topic"])
    [review] = await chat.press(texts.APPEAL_TOPICS["health"])
    assert texts.APPEAL_TOPICS["health"] in review.text

    await chat.press(texts.BTN_APPEAL_EDIT)
    await chat.press(texts.APPEAL_FIELD_LABELS["confidential"])
    [review] = await chat.press(texts.BTN_CONFIDENTIAL_YES)
    assert f"**Ім'я та адреса:** {texts.APPEAL_DISCLOSURE_NO}" in review.text

    await chat.press(texts.BTN_APPEAL_EDIT)
    [review] = await chat.press(texts.BTN_BACK)
    assert review.labels[0] == texts.BTN_APPEAL_SEND


async def test_cancel_asks_first_then_deletes_the_draft(chat: Chat, db: Database) -> None:
    await start_with_consent(chat)
    await chat.say("Шевченко")
    await chat.say("Олена")

    [question] = await chat.press(texts.BTN_CANCEL)  # right beside «Назад»: a slip is easy
    assert question.text == texts.APPEAL_CANCEL_CONFIRM
    assert question.labels == [texts.BTN_APPEAL_DELETE_DRAFT, texts.BTN_APPEAL_STAY]
    [again] = await chat.press(texts.BTN_APPEAL_STAY)
    assert again.text.startswith("Напишіть ваше **по батькові**")  # nothing was lost

    await chat.press(texts.BTN_CANCEL)
    [reply] = await chat.press(texts.BTN_APPEAL_DELETE_DRAFT)
    assert reply.text == texts.APPEAL_CANCELLED
    assert await count_appeals(db) == 0


@pytest.mark.parametrize("word", ["меню", "стоп", "Вихід", "выход"])
async def test_a_way_out_typed_at_a_question_is_not_taken_as_the_answer(
    chat: Chat, word: str
) -> None:
    await start_with_consent(chat)
    await chat.say("Шевченко")

    [offer] = await chat.say(word)

    assert offer.text == texts.APPEAL_LEAVE_OFFER
    assert offer.labels == [texts.BTN_MENU, texts.BTN_APPEAL_STAY]
    [menu] = await chat.press(texts.BTN_MENU)
    assert menu.labels == MENU_LABELS
    # The draft is kept: coming back offers to continue at the name.
    await open_appeals(chat)
    await chat.press(texts.BTN_APPEAL_CONTINUE)
    [review] = await chat.say("Олена")
    assert review.text.startswith("Напишіть ваше **по батькові**")


# --- Drafts ---------------------------------------------------------------------------


async def test_leaving_keeps_the_draft_and_coming_back_offers_to_continue(chat: Chat) -> None:
    await start_with_consent(chat)
    await chat.say("Шевченко")
    await chat.say("Олена")
    await chat.say("/menu")
    [intro] = await chat.press(texts.BTN_APPEAL)
    assert texts.APPEAL_INTRO_DRAFT.format(date="26.11.2026") in intro.text
    assert intro.labels[:2] == [texts.BTN_APPEAL_CONTINUE, texts.BTN_APPEAL_RESTART]
    [question] = await chat.press(texts.BTN_APPEAL_CONTINUE)
    assert question.text == texts.APPEAL_ASK_PATRONYMIC


async def test_starting_over_forgets_the_old_draft(chat: Chat) -> None:
    await start_with_consent(chat)
    await chat.say("Шевченко")
    await chat.say("/menu")
    await chat.press(texts.BTN_APPEAL)
    [consent] = await chat.press(texts.BTN_APPEAL_RESTART)
    assert consent.text == texts.APPEAL_CONSENT
    await chat.press(texts.BTN_CONSENT_YES)
    await chat.say("/menu")
    await chat.press(texts.BTN_APPEAL)
    [question] = await chat.press(texts.BTN_APPEAL_CONTINUE)
    assert question.text == texts.APPEAL_ASK_SURNAME


async def test_a_draft_survives_a_restart(db: Database, clock: FakeClock) -> None:
    core, delivery, sender = make_core(db, clock)
    before = Chat(core, delivery, sender)
    await start_with_consent(before)
    await before.say("Шевченко")
    path = db.path
    await db.close()

    reopened = await Database.open(path)
    try:
        core, delivery, sender = make_core(reopened, clock)
        after = Chat(core, delivery, sender)
        [question] = await after.say("Олена")
        assert question.text == texts.APPEAL_ASK_PATRONYMIC
        await after.say("/start")
        await after.press(texts.BTN_APPEAL)
        [question] = await after.press(texts.BTN_APPEAL_CONTINUE)
        assert question.text == texts.APPEAL_ASK_PATRONYMIC
    finally:
        await reopened.close()


async def test_drafts_are_deleted_after_seven_days(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await start_with_consent(chat)
    await chat.say("Шевченко")
    clock.advance(days=8)
    await chat.core.run_job(DRAFTS_JOB)
    assert await count_appeals(db) == 0
    [reply, intro] = await chat.say("Олена")
    assert reply.text == texts.APPEAL_DRAFT_GONE
    assert intro.text == texts.APPEAL_INTRO


# --- Limits and repeats ---------------------------------------------------------------


async def test_at_most_three_appeals_a_day_said_before_the_questions(
    chat: Chat, clock: FakeClock
) -> None:
    for index in range(3):
        await submit(chat, body=f"{BODY} Звернення номер {index} про інше місце: двір {index}.")
    await open_appeals(chat)
    [reply] = await chat.press(texts.BTN_APPEAL_NEW)
    assert reply.text == texts.APPEAL_DAILY_LIMIT_REACHED
    assert reply.labels == MENU_LABELS
    clock.advance(days=1)
    sent = await submit(chat, body=BODY + " І ще одне, четверте, про інший будинок.")
    assert "МР-2026-000004" in to_chat(sent, chat)[0].text


async def test_a_near_identical_text_is_flagged_to_staff_as_a_repeat(chat: Chat) -> None:
    await submit(chat)
    sent = await submit(chat, body=BODY.replace("ями", "ями!!").replace("Прошу", "прошу"))
    [card] = to_staff(sent)
    assert texts.STAFF_APPEAL_REPEAT.format(number="МР-2026-000001") in card.text
    other = await submit(chat, body="Прошу встановити лавки у сквері на вулиці Морехідній, 3.")
    assert "повторне" not in to_staff(other)[0].text


# --- Numbers --------------------------------------------------------------------------


async def test_concurrent_submissions_get_sequential_numbers(
    db: Database, clock: FakeClock
) -> None:
    core, delivery, sender = make_core(db, clock)
    chats = [Chat(core, delivery, sender, user_id=str(2000 + i)) for i in range(12)]
    for index, chat in enumerate(chats):
        await fill_to_review(chat, phone=f"067 123 45 {index:02d}")
    await asyncio.gather(*(chat.press(texts.BTN_APPEAL_SEND) for chat in chats))
    numbers = sorted(
        number_in(s.text) for s in sender.sent if s.text.startswith("Дякуємо! Ваше звернення")
    )
    assert numbers == [f"МР-2026-{n:06d}" for n in range(1, 13)]


async def test_numbers_restart_each_year(chat: Chat, clock: FakeClock) -> None:
    await submit(chat)
    clock.advance(days=40)  # 5 January 2027
    sent = await submit(chat, body="Прошу прибрати сміття у дворі будинку 7 на вулиці Садовій.")
    assert "МР-2027-000001" in to_chat(sent, chat)[0].text


# --- My appeals, and privacy ----------------------------------------------------------


async def test_my_appeals_list_number_topic_status_and_due_date(chat: Chat) -> None:
    [empty] = await chat.say("/my")
    assert empty.text == texts.APPEAL_MINE_EMPTY
    await submit(chat)
    [mine] = await chat.say("/my")
    assert texts.APPEAL_MINE_TITLE in mine.text
    assert "МР-2026-000001" in mine.text
    assert texts.APPEAL_TOPICS["roads"] in mine.text
    assert "подано" in mine.text
    assert "Відповідь до 26.12.2026." in mine.text
    await open_appeals(chat)
    [same] = await chat.press(texts.BTN_APPEAL_MINE)
    assert same.text == mine.text


async def test_a_typed_number_shows_the_status_to_its_author_only(
    db: Database, clock: FakeClock
) -> None:
    core, delivery, sender = make_core(db, clock)
    author = Chat(core, delivery, sender, user_id="3001")
    stranger = Chat(core, delivery, sender, user_id="3002")
    await submit(author)
    [status] = await author.say("мр-2026-1")
    assert status.text.startswith("**Звернення МР-2026-000001** від 26.11.2026")
    assert "подано" in status.text
    [refused] = await stranger.say("МР-2026-000001")
    assert refused.text == texts.APPEAL_NOT_FOUND.format(number="МР-2026-000001")
    assert "Садов" not in refused.text
    [refused] = await stranger.say("/appeal МР-2026-000001")
    assert refused.text == texts.APPEAL_NOT_FOUND.format(number="МР-2026-000001")
    [mine] = await stranger.say("/my")
    assert mine.text == texts.APPEAL_MINE_EMPTY


async def test_a_stranger_cannot_use_anothers_fix_button(db: Database, clock: FakeClock) -> None:
    core, delivery, sender = make_core(db, clock)
    author = Chat(core, delivery, sender, user_id="3001")
    stranger = Chat(core, delivery, sender, user_id="3002")
    await submit(author)
    async with db.transaction() as conn:
        appeal = await AppealsRepo().by_number(conn, "МР-2026-000001")
        assert appeal is not None
        await AppealsRepo().set_status(
            conn, appeal.id, "returned", actor="Бібліотекарка Ірина", note=None, now=clock()
        )
    [reply] = await stranger.send(payload=f"ap:fix:{appeal.id}")
    assert reply.text == texts.APPEAL_MINE_EMPTY
    assert "Садов" not in reply.text


# --- Logs -----------------------------------------------------------------------------


async def test_a_full_appeal_at_debug_level_logs_no_personal_data_nor_texts(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    # As the bot sets up its logs, with LOG_LEVEL=DEBUG.
    logs.quiet_libraries()
    caplog.set_level(logging.DEBUG)

    sent = await submit(chat)
    await chat.say("як оплатити комуналку")

    assert "МР-" in sent[0].text  # the appeal went through
    assert caplog.records  # and the bot did log it
    written = caplog.text
    for private in ("Шевченко", "Олена", "Петрівна", "Садова", "380671234567", "123 45 67"):
        assert private not in written
    assert BODY[:40] not in written
    assert "комуналку" not in written


async def test_a_photos_caption_reaches_the_card_with_the_photo(chat: Chat) -> None:
    await _at_body(chat)
    await chat.say(BODY)
    crack = Attachment("photo", "p1", size=1000)
    await chat.send(text="тріщина в стіні під'їзду", attachments=(crack,))
    await chat.send(attachments=(Attachment("document", "d1", "акт.pdf", size=1000),))
    await chat.press(texts.BTN_ATTACH_DONE)
    await chat.press(texts.BTN_CONFIDENTIAL_NO)
    await chat.press(texts.BTN_PRIORITY_NONE)

    sent = await chat.press(texts.BTN_APPEAL_SEND)

    [card] = to_staff(sent)
    assert "Додатки: 2: фото («тріщина в стіні під'їзду»), акт.pdf" in card.text
    assert [a.file_id for a in card.reply.attachments] == ["p1", "d1"]
