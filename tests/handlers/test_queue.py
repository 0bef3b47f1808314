from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import render
from bot.delivery import Undeliverable
from handlers import texts
from handlers.context import Context, Job
from handlers.core import MAX_TEXT_LENGTH
from handlers.features import build_routes
from handlers.messages import Attachment, Reply
from handlers.queue import staff as queue_staff
from handlers.queue.payloads import TicketPress
from knowledge_base.loader import load_articles
from storage.db import Database
from storage.tickets import TicketsRepo
from storage.users import UsersRepo
from tests.harness import STAFF_CHAT, TEST_CHANNEL, Chat, FakeClock, Sent, make_core


def staff(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.chat_id == STAFF_CHAT]


def citizen(chat: Chat, sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.chat_id == chat.chat_id]


async def ask_from_menu(chat: Chat, question: str) -> list[Sent]:
    await chat.say("/start")
    [prompt] = await chat.press("Запитати бібліотекаря")
    assert prompt.text == texts.ASK_PROMPT
    return await chat.say(question)


async def test_menu_question_becomes_a_card_and_the_citizen_gets_a_number(chat: Chat) -> None:
    sent = await ask_from_menu(chat, "Як передати показники лічильника води, якщо я в лікарні?")
    [card] = staff(sent)
    assert "Запитання №1" in card.text
    assert "Олена (test)" in card.text
    assert "26.11 12:00" in card.text  # asked at 10:00 UTC, shown in Kyiv time
    assert "Як передати показники лічильника води, якщо я в лікарні?" in card.text
    # the articles the bot considered are listed for the librarian
    assert "Як передати показники лічильника води (water-meter)" in card.text
    assert card.labels == [texts.BTN_TAKE, texts.BTN_CLOSE, texts.BTN_TO_KB]
    [accepted] = citizen(chat, sent)
    assert accepted.text == texts.ASK_ACCEPTED_OPEN.format(number=1)
    assert "протягом години" in accepted.text


async def test_outside_working_hours_the_answer_is_promised_from_nine(
    chat: Chat, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)  # Sunday
    sent = await ask_from_menu(chat, "Чи працює бібліотека на свята?")
    [accepted] = citizen(chat, sent)
    assert accepted.text == texts.ASK_ACCEPTED_CLOSED.format(number=1, opens="9:00")
    assert "у робочий час, з 9:00" in accepted.text


async def test_no_answer_in_the_base_offers_a_librarian_and_hands_over(chat: Chat) -> None:
    [reply] = await chat.say("Коли вивезуть сміття на вулиці Садовій?")
    assert reply.text == texts.KB_NONE
    sent = await chat.press("передати бібліотекарю")
    [card] = staff(sent)
    assert "Коли вивезуть сміття на вулиці Садовій?" in card.text
    assert citizen(chat, sent)[0].text.startswith("Дякую! Ваше запитання №1")


async def test_not_helpful_answer_offers_a_librarian(chat: Chat) -> None:
    [article] = await chat.say("як передати показники лічильника води")
    assert article.text.startswith("**Як передати показники лічильника води**")
    [offer] = await chat.press("Ні")
    assert offer.text == texts.KB_NOT_HELPFUL
    [card] = staff(await chat.press("передати бібліотекарю"))
    assert "як передати показники лічильника води" in card.text


async def test_nothing_fitting_among_suggestions_reaches_a_librarian(chat: Chat) -> None:
    [reply] = await chat.say("бібліотека")
    assert reply.text == texts.KB_SUGGEST
    [card] = staff(await chat.press("Немає потрібного"))
    assert "бібліотека" in card.text


async def test_librarian_takes_answers_and_the_citizen_gets_it_with_rating(chat: Chat) -> None:
    [card] = staff(await ask_from_menu(chat, "Де в місті можна роздрукувати документ?"))

    [edited] = await chat.staff_press("tk:take:1")
    assert edited.reply.edit == card.message_id
    assert "Взяв(ла): Бібліотекарка Ірина" in edited.text

    sent = await chat.staff_say(
        "У будь-якій нашій філії, 2 грн за сторінку.", reply_to=card.message_id
    )
    [answer] = citizen(chat, sent)
    assert answer.text == texts.ANSWER_TO_CITIZEN.format(
        number=1, text="У будь-якій нашій філії, 2 грн за сторінку."
    )
    assert answer.labels[:3] == [texts.BTN_RATE_UP, texts.BTN_RATE_DOWN, texts.BTN_FOLLOW_UP]
    [card_now] = staff(sent)
    assert card_now.reply.edit == card.message_id
    assert "Відповідь надіслано: Бібліотекарка Ірина" in card_now.text

    [thanks] = await chat.press("Допомогло")
    assert thanks.text == texts.RATE_THANKS


async def test_photos_and_documents_are_relayed_by_file_id(chat: Chat) -> None:
    [card] = staff(await ask_from_menu(chat, "Як виглядає бланк заяви?"))
    photo = Attachment("photo", "AgACphoto1")
    document = Attachment("document", "BQACdoc1", file_name="заява.pdf")
    for attachment in (photo, document):
        delivered = await chat.staff_send(attachments=(attachment,), reply_to=card.message_id)
        [relayed] = citizen(chat, delivered)
        assert relayed.reply.attachments == (attachment,)
        assert relayed.text == texts.ANSWER_ATTACHMENTS_ONLY.format(number=1)


async def test_follow_up_lands_under_the_same_ticket_and_is_answered_there(chat: Chat) -> None:
    [card] = staff(await ask_from_menu(chat, "Чи можна записатися на курси онлайн?"))
    await chat.staff_say("Так, через цей бот.", reply_to=card.message_id)
    [prompt] = await chat.press("Уточнити")
    assert prompt.text == texts.FOLLOW_UP_PROMPT.format(number=1)
    sent = await chat.say("А якщо в мене немає смартфона?")
    [follow_up] = staff(sent)
    assert follow_up.text.startswith("↩️ **Уточнення до запитання №1** від Олена")
    assert citizen(chat, sent)[0].text == texts.FOLLOW_UP_ACCEPTED

    sent = await chat.staff_say("Тоді приходьте до філії.", reply_to=follow_up.message_id)
    [answer] = citizen(chat, sent)
    assert answer.text == texts.ANSWER_TO_CITIZEN.format(number=1, text="Тоді приходьте до філії.")


async def test_non_staff_cannot_press_staff_buttons_or_answer(chat: Chat) -> None:
    [card] = staff(await ask_from_menu(chat, "Як оформити субсидію?"))
    assert await chat.staff_press("tk:take:1", user_id="666", is_staff=False) == []
    assert (
        await chat.staff_say("хаха", user_id="666", reply_to=card.message_id, is_staff=False) == []
    )
    # and a citizen cannot forge a staff payload from a private chat
    [reply] = await chat.send(payload="tk:take:1")
    assert reply.text == texts.UNKNOWN_BUTTON
    [listing] = await chat.staff_say("/queue")
    assert "нікому не призначено" in listing.text


async def test_closing_without_answer_asks_first_then_tells_the_citizen(chat: Chat) -> None:
    [card] = staff(await ask_from_menu(chat, "Питання, на яке нема відповіді"))

    [question] = await chat.staff_press("tk:close:1", message_id=card.message_id)
    assert question.message_id == card.message_id  # asked on the card itself
    assert "Закрити запитання №1 без відповіді?" in question.text
    assert question.labels == [texts.BTN_CLOSE_CONFIRM, texts.BTN_CLOSE_KEEP]
    [kept] = await chat.staff_press("tk:keep:1", message_id=card.message_id)
    assert kept.labels == [texts.BTN_TAKE, texts.BTN_CLOSE, texts.BTN_TO_KB]

    await chat.staff_press("tk:close:1", message_id=card.message_id)
    sent = await chat.staff_press("tk:closeok:1", message_id=card.message_id)
    [notice] = citizen(chat, sent)
    assert notice.text == texts.CLOSED_WITHOUT_ANSWER.format(number=1)
    [closed] = staff(sent)
    assert "🔒 Закрито: Бібліотекарка Ірина, 26.11 12:00" in closed.text and closed.labels == []


async def test_queue_lists_open_tickets_oldest_first(chat: Chat, clock: FakeClock) -> None:
    [reply] = await chat.staff_say("/queue")
    assert reply.text == texts.QUEUE_EMPTY
    await ask_from_menu(chat, "Перше запитання")
    clock.advance(minutes=30)
    second = Chat(chat.core, chat.delivery, chat.sender, user_id="1002", name="Петро")
    await ask_from_menu(second, "Друге запитання")
    await chat.staff_press("tk:take:2")
    [listing] = await chat.staff_say("/queue")
    lines = listing.text.splitlines()
    assert lines[0] == texts.QUEUE_HEADER.format(count=2)
    assert lines[1] == "- №1 · 30 хв · нікому не призначено · Перше запитання"
    assert lines[2] == "- №2 · 0 хв · Бібліотекарка Ірина · Друге запитання"


async def test_unanswered_ticket_is_reposted_and_the_citizen_told_once(
    chat: Chat, clock: FakeClock
) -> None:
    await ask_from_menu(chat, "Де знайти рішення виконкому?")
    [job] = [j for j in chat.core.routes.features.jobs if j.name == "repost-overdue-tickets"]
    clock.advance(hours=1)
    assert await chat.core.run_job(job) == []

    clock.advance(hours=1, minutes=1)
    first = await chat.core.run_job(job)
    reposted = [o for o in first if o.to.chat_id == STAFF_CHAT]
    told = [o for o in first if o.to.chat_id == chat.chat_id]
    assert reposted[0].reply.text.startswith("⏰ **Без відповіді вже 2 год 1 хв**")
    assert told[0].reply.text == texts.NOT_FORGOTTEN.format(number=1)

    clock.advance(hours=2, minutes=1)
    second = await chat.core.run_job(job)
    assert [o.to.chat_id for o in second] == [STAFF_CHAT]  # re-posted again, citizen not re-told


async def test_no_repost_outside_working_hours(chat: Chat, clock: FakeClock) -> None:
    clock.now = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # 16:00 in Kyiv
    await ask_from_menu(chat, "Вечірнє запитання")
    [job] = [j for j in chat.core.routes.features.jobs if j.name == "repost-overdue-tickets"]
    clock.now = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)  # 22:00, closed
    assert await chat.core.run_job(job) == []
    clock.now = datetime(2026, 11, 27, 7, 30, tzinfo=UTC)  # 9:30 next day: 2.5 working hours
    assert len(await chat.core.run_job(job)) == 2


async def test_draft_article_is_valid_once_moved_out_of_drafts(
    chat: Chat, db: Database, tmp_path: Path
) -> None:
    [card] = staff(await ask_from_menu(chat, "Чи можна принести свого ноутбука в читальну залу?"))
    [refused] = await chat.staff_press("tk:kb:1")
    assert refused.text == texts.DRAFT_NEEDS_ANSWER.format(number=1)
    await chat.staff_say("Так, у залі є розетки і Wi-Fi.", reply_to=card.message_id)
    [saved] = await chat.staff_press("tk:kb:1")
    draft = db.path.parent / "_drafts" / "librarian-answer-1.md"
    assert str(draft) in saved.text and draft.exists()

    # While in _drafts the loader skips it; moved out, it loads without errors.
    articles_dir = tmp_path / "published"
    articles_dir.mkdir()
    assert load_articles(db.path.parent).articles == []
    shutil.copy(draft, articles_dir / draft.name)
    loaded = load_articles(articles_dir)
    assert loaded.errors == []
    [article] = loaded.articles
    assert article.id == "librarian-answer-1"
    assert article.body.strip() == "Так, у залі є розетки і Wi-Fi."


async def test_an_answer_that_cannot_reach_the_citizen_is_shown_on_the_card(
    chat: Chat, clock: FakeClock
) -> None:
    [card] = staff(await ask_from_menu(chat, "Як зареєструватися на порталі?"))
    original_send = chat.sender.send

    async def blocked(chat_id: str, reply: Reply) -> str | None:
        if chat_id == chat.chat_id:
            raise Undeliverable("Forbidden: bot was blocked by the user")
        return await original_send(chat_id, reply)

    chat.sender.send = blocked  # type: ignore[method-assign]
    sent = await chat.staff_say("Ось інструкція.", reply_to=card.message_id)
    sent = chat.sender.sent[-1:]  # the card update queued by the failure
    assert "Відповідь не дійшла до користувача: Forbidden: bot was blocked" in sent[0].text
    assert sent[0].reply.edit == card.message_id


async def test_restart_between_question_and_answer(db: Database, clock: FakeClock) -> None:
    core, delivery, sender = make_core(db, clock)
    chat = Chat(core, delivery, sender)
    [card] = staff(await ask_from_menu(chat, "Як змінити тариф на газ?"))
    path = db.path
    await db.close()

    reopened = await Database.open(path)
    try:
        core, delivery, sender2 = make_core(reopened, clock)
        sender2.ids = sender.ids  # message ids go on where the messenger left them
        after = Chat(core, delivery, sender2)
        sent = await after.staff_say("Зверніться до постачальника газу.", reply_to=card.message_id)
        [answer] = citizen(after, sent)
        assert "Зверніться до постачальника газу." in answer.text
    finally:
        await reopened.close()


async def test_a_reply_to_a_bot_message_that_is_not_a_card_gets_a_hint(chat: Chat) -> None:
    [listing] = await chat.staff_say("/queue")

    [hint] = await chat.staff_say("а де запитання?", reply_to=listing.message_id)

    assert hint.chat_id == STAFF_CHAT and hint.text == texts.STAFF_REPLY_GOES_NOWHERE
    # Librarians replying to each other are not the bot's business.
    assert await chat.staff_say("так, бачу", reply_to="424242") == []


async def test_queue_in_a_librarians_private_chat_lists_the_questions(chat: Chat) -> None:
    await ask_from_menu(chat, "Як оформити субсидію?")
    librarian = Chat(chat.core, chat.delivery, chat.sender, user_id="9001", name="Ірина")

    [listing] = await librarian.send(text="/queue", is_staff=True)

    assert listing.chat_id == librarian.chat_id  # answered where it was asked
    assert "Як оформити субсидію?" in listing.text
    [reply] = await chat.say("/queue")  # a resident is no librarian
    assert reply.text == texts.UNKNOWN_COMMAND


# --- A typed follow-up ------------------------------------------------------------------


async def test_a_typed_message_after_a_librarians_answer_can_be_a_follow_up(chat: Chat) -> None:
    [card] = staff(await ask_from_menu(chat, "Де записатися на курси комп'ютерної грамотності?"))
    await chat.staff_say(
        "У центральній бібліотеці, вул. Потьомкінська, 143а.", reply_to=card.message_id
    )

    [question] = await chat.say("а в який день туди приходити?")
    assert question.text == texts.ASK_IS_FOLLOW_UP.format(number=1)
    assert question.labels == [texts.BTN_FOLLOW_UP_YES, texts.BTN_FOLLOW_UP_NO]

    sent = await chat.press(texts.BTN_FOLLOW_UP_YES)
    [to_librarians] = staff(sent)
    assert "а в який день туди приходити?" in to_librarians.text
    assert to_librarians.text.startswith("↩️ **Уточнення до запитання №1**")
    [accepted] = citizen(chat, sent)
    assert accepted.text == texts.FOLLOW_UP_ACCEPTED


async def test_no_means_a_new_question_for_the_reference(chat: Chat) -> None:
    await ask_from_menu(chat, "Питання, на яке ще немає відповіді")

    await chat.say("як передати показники лічильника води")
    [article] = await chat.say("ні")  # typed rather than pressed

    assert article.text.startswith("**Як передати показники лічильника води**")
    assert article.text.endswith(texts.KB_FEEDBACK)


async def test_a_day_after_the_answer_a_message_is_a_new_question(
    chat: Chat, clock: FakeClock
) -> None:
    [card] = staff(await ask_from_menu(chat, "Де записатися на курси?"))
    await chat.staff_say("У центральній бібліотеці.", reply_to=card.message_id)
    clock.advance(hours=25)

    [article] = await chat.say("як передати показники лічильника води")

    assert article.text.startswith("**Як передати показники лічильника води**")


async def test_a_photo_sent_with_a_question_reaches_the_card_with_its_caption(chat: Chat) -> None:
    await chat.say("/start")
    await chat.press("Запитати бібліотекаря")
    bill = Attachment("photo", "photo-file-1")
    letter = Attachment("document", "doc-file-2", file_name="лист.pdf")

    sent = await chat.send(text="Що означає цей рядок у рахунку?", attachments=(bill, letter))

    [card] = staff(sent)
    assert "Що означає цей рядок у рахунку?" in card.text
    assert texts.CARD_FILES.format(files="фото, лист.pdf") in card.text
    assert card.reply.attachments == (bill, letter)  # the files go with the card
    [accepted] = citizen(chat, sent)
    assert "№1" in accepted.text
    [listing] = await chat.staff_say("/queue")
    assert "Що означає цей рядок" in listing.text


async def test_a_photo_sent_as_a_follow_up_reaches_the_librarians(chat: Chat) -> None:
    [card] = staff(await ask_from_menu(chat, "Як заповнити цю заяву?"))
    await chat.staff_say("Надішліть, будь ласка, фото заяви.", reply_to=card.message_id)
    await chat.press("Уточнити")
    form = Attachment("photo", "AgACform")

    sent = await chat.send(text="Ось вона", attachments=(form,))

    [follow_up] = staff(sent)
    assert follow_up.text.startswith("↩️ **Уточнення до запитання №1**")
    assert "Ось вона" in follow_up.text and texts.CARD_FILES.format(files="фото") in follow_up.text
    assert follow_up.reply.attachments == (form,)
    assert citizen(chat, sent)[0].text == texts.FOLLOW_UP_ACCEPTED


async def test_a_draft_article_is_written_only_after_its_transaction_commits(
    db: Database, clock: FakeClock
) -> None:
    routes = build_routes()
    real = routes.features.staff_buttons[TicketPress]

    async def fails_after_the_work(ctx: Context, press: TicketPress) -> None:
        await real(ctx, press)
        if press.action == "kb":
            raise RuntimeError("database is locked")

    routes.features.staff_buttons[TicketPress] = fails_after_the_work
    chat = Chat(*make_core(db, clock, routes=routes))
    [card] = staff(await ask_from_menu(chat, "Чи можна принести свого ноутбука в читальну залу?"))
    await chat.staff_say("Так, у залі є розетки і Wi-Fi.", reply_to=card.message_id)

    [apology] = await chat.staff_press("tk:kb:1")
    assert apology.text == texts.INTERNAL_ERROR
    # Rolled back: no «saved» message, and no file either.
    assert not (db.path.parent / "_drafts" / "librarian-answer-1.md").exists()


async def test_a_draft_that_cannot_be_written_is_reported_to_the_librarians(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the drafts folder should be")
    chat = Chat(*make_core(db, clock, drafts_dir=blocked / "_drafts"))
    [card] = staff(await ask_from_menu(chat, "Чи можна принести свого ноутбука в читальну залу?"))
    await chat.staff_say("Так, у залі є розетки і Wi-Fi.", reply_to=card.message_id)

    saved, failed = await chat.staff_press("tk:kb:1")
    assert saved.text.startswith("📚 Чернетку статті")
    assert failed.text == texts.DRAFT_FAILED.format(number=1)


# --- Length, and text shown as typed ------------------------------------------------------

HUGE = "Допоможіть знайти книжку. " * 4_000  # about 100 KB


async def tickets_in(db: Database) -> list[int]:
    async with db.transaction() as conn:
        return [t.id for t in await TicketsRepo().open_tickets(conn)]


async def test_a_question_over_the_limit_is_refused_and_reaches_no_librarian(
    chat: Chat, db: Database
) -> None:
    sent = await ask_from_menu(chat, HUGE)
    assert staff(sent) == []
    [refusal] = citizen(chat, sent)
    assert refusal.text == texts.TOO_LONG.format(
        length=texts.count(len(HUGE.strip()), texts.CHARACTERS), limit=MAX_TEXT_LENGTH
    )
    assert refusal.labels == [texts.BTN_CANCEL]
    assert await tickets_in(db) == []
    # Still asking: a shorter question is taken.
    [card] = staff(await chat.say("Допоможіть знайти книжку про Миколаїв."))
    assert "Запитання №1" in card.text
    assert await tickets_in(db) == [1]


async def test_a_follow_up_over_the_limit_is_refused_and_nothing_is_stored(
    chat: Chat, db: Database
) -> None:
    [card] = staff(await ask_from_menu(chat, "Чи можна записатися на курси онлайн?"))
    await chat.staff_say("Так, через цей бот.", reply_to=card.message_id)
    await chat.press("Уточнити")
    async with db.transaction() as conn:
        before = await TicketsRepo().messages(conn, 1)
    sent = await chat.say(HUGE)
    assert staff(sent) == []
    assert citizen(chat, sent)[0].text.startswith("Повідомлення задовге")
    async with db.transaction() as conn:
        assert await TicketsRepo().messages(conn, 1) == before


async def test_a_follow_up_with_markup_reaches_the_librarians_as_typed(chat: Chat) -> None:
    [card] = staff(await ask_from_menu(chat, "Чи можна записатися на курси онлайн?"))
    await chat.staff_say("Так, через цей бот.", reply_to=card.message_id)
    await chat.press("Уточнити")
    typed = "# Важливо\n- [сюди](https://evil.example) **негайно**"
    [follow_up] = staff(await chat.say(typed))
    assert typed in render.to_plain(follow_up.text)
    html = render.to_html(follow_up.text)
    assert "<a " not in html and "<b>негайно" not in html and "•" not in html


# --- Long queues: a page at a time, one summary ------------------------------------------


async def open_many(db: Database, clock: FakeClock, count: int) -> None:
    """`count` questions from as many residents, a minute apart, oldest first (№1 …)."""
    async with db.transaction() as conn:
        for index in range(count):
            user = await UsersRepo().touch(
                conn,
                channel=TEST_CHANNEL,
                external_id=f"70{index:03d}",
                chat_id=f"70{index:03d}",
                display_name=None,
                now=clock.now,
            )
            await TicketsRepo().open(
                conn,
                user_id=user.id,
                question=f"Запитання мешканця {index + 1}",
                source="menu",
                candidates=[],
                query_id=None,
                now=clock.now + timedelta(minutes=index),
            )
    clock.advance(minutes=count)


def numbers(listing: Sent) -> list[int]:
    return [int(line.split(" · ")[0].removeprefix("- №")) for line in listing.text.splitlines()[1:]]


async def test_a_long_queue_is_one_page_with_counts_and_buttons_to_page_through(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await open_many(db, clock, 25)

    [listing] = await chat.staff_say("/queue")

    assert listing.text.splitlines()[0] == "**Відкриті запитання: 25** · сторінка 1 з 3"
    assert numbers(listing) == list(range(1, 11))  # the oldest first
    assert listing.labels == [texts.BTN_PAGE_NEXT]

    [second] = await chat.staff_press(
        chat_button(listing, texts.BTN_PAGE_NEXT), message_id=listing.message_id
    )
    assert second.reply.edit == listing.message_id  # the same message, not a new one
    assert second.text.splitlines()[0].endswith("сторінка 2 з 3")
    assert numbers(second) == list(range(11, 21))
    assert second.labels == [texts.BTN_PAGE_PREV, texts.BTN_PAGE_NEXT]

    [last] = await chat.staff_press(
        chat_button(second, texts.BTN_PAGE_NEXT), message_id=listing.message_id
    )
    assert numbers(last) == list(range(21, 26))
    assert last.labels == [texts.BTN_PAGE_PREV]  # nothing after the last page

    [back] = await chat.staff_press(
        chat_button(last, texts.BTN_PAGE_PREV), message_id=listing.message_id
    )
    assert numbers(back) == list(range(11, 21))


async def test_a_page_button_pressed_after_questions_were_closed_shows_what_is_left(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await open_many(db, clock, 25)
    [listing] = await chat.staff_say("/queue")
    [second] = await chat.staff_press(chat_button(listing, texts.BTN_PAGE_NEXT))
    assert second.reply.edit is None  # a press without its message: a new one
    to_third = chat_button(second, texts.BTN_PAGE_NEXT)
    for number in range(1, 13):
        await chat.staff_press(f"tk:closeok:{number}")

    [now] = await chat.staff_press(to_third, message_id=second.message_id)

    assert now.text.splitlines()[0] == "**Відкриті запитання: 13** · сторінка 2 з 2"
    assert numbers(now) == [23, 24, 25]
    assert now.labels == [texts.BTN_PAGE_PREV]
    for number in range(13, 26):
        await chat.staff_press(f"tk:closeok:{number}")
    [empty] = await chat.staff_press(to_third, message_id=second.message_id)
    assert empty.text == texts.QUEUE_EMPTY and empty.labels == []


async def test_in_a_private_chat_the_next_page_is_a_command(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await open_many(db, clock, 12)
    librarian = Chat(chat.core, chat.delivery, chat.sender, user_id="9001", name="Ірина")

    [first] = await librarian.send(text="/queue", is_staff=True)
    assert first.labels == []  # a press there could not be told from a resident's
    assert first.text.endswith(texts.QUEUE_NEXT_PAGE.format(page=2))
    [second] = await librarian.send(text="/queue 2", is_staff=True)
    assert numbers(second) == [11, 12]
    assert texts.QUEUE_NEXT_PAGE.format(page=3) not in second.text


def chat_button(sent: Sent, label: str) -> str:
    [payload] = [b.payload for row in sent.reply.buttons for b in row if b.label == label]
    assert payload is not None
    return payload


def overdue_job(chat: Chat) -> Job:
    [job] = [j for j in chat.core.routes.features.jobs if j.name == "repost-overdue-tickets"]
    return job


async def test_many_overdue_questions_make_one_summary_and_each_resident_is_told_once(
    chat: Chat, db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_staff, "REMIND_BATCH", 7)  # 30 residents: five transactions
    await open_many(db, clock, 30)
    clock.advance(hours=2)

    await chat.core.run_job(overdue_job(chat))
    await chat.delivery.flush()

    [summary] = staff(chat.sender.sent)
    lines = summary.text.splitlines()
    assert lines[0] == "⏰ **30 запитань чекають відповіді понад 2 години**"
    assert lines[2] == texts.QUEUE_OVERDUE_OLDEST
    assert [line.split(" · ")[0] for line in lines[3:]] == [f"- №{n}" for n in range(1, 6)]
    assert summary.labels == [texts.BTN_OPEN_QUEUE]
    told = [s for s in chat.sender.sent if s.chat_id.startswith("70")]
    assert sorted(s.text for s in told) == sorted(
        texts.NOT_FORGOTTEN.format(number=n) for n in range(1, 31)
    )
    assert len({s.chat_id for s in told}) == 30  # one each

    [queue] = await chat.staff_press(chat_button(summary, texts.BTN_OPEN_QUEUE))
    assert queue.reply.edit is None  # the summary stays; the queue comes under it
    assert numbers(queue) == list(range(1, 11))

    # Two working hours on: one summary again, nobody told twice.
    clock.advance(hours=2)
    before = len(chat.sender.sent)
    await chat.core.run_job(overdue_job(chat))
    await chat.delivery.flush()
    [again] = chat.sender.sent[before:]
    assert again.chat_id == STAFF_CHAT and again.text.startswith("⏰ **30 запитань")


async def test_a_resident_writing_while_residents_are_told_is_answered_between_batches(
    chat: Chat, db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_staff, "REMIND_BATCH", 7)
    await open_many(db, clock, 30)
    clock.advance(hours=2)

    await asyncio.gather(chat.core.run_job(overdue_job(chat)), chat.say("/start"))
    await chat.delivery.flush()

    order = [(s.chat_id, s.text) for s in chat.sender.sent]
    greeting = order.index((chat.chat_id, texts.GREETING))
    last_told = max(i for i, (chat_id, _) in enumerate(order) if chat_id.startswith("70"))
    assert greeting < last_told


@pytest.mark.parametrize(("overdue", "cards"), [(3, 3), (4, 0)])
async def test_a_few_overdue_questions_come_back_as_their_cards_more_as_a_summary(
    chat: Chat, db: Database, clock: FakeClock, overdue: int, cards: int
) -> None:
    await open_many(db, clock, overdue)
    clock.advance(hours=2)

    queued = await chat.core.run_job(overdue_job(chat))

    to_staff = [o.reply for o in queued if o.to.chat_id == STAFF_CHAT]
    reposted = [r for r in to_staff if r.ref is not None and r.ref.startswith("ticket:")]
    assert len(reposted) == cards
    assert len(to_staff) == (cards or 1)
    assert len([o for o in queued if o.to.chat_id != STAFF_CHAT]) == overdue
