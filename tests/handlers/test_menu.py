from __future__ import annotations

import pytest

from handlers import texts
from storage.db import Database
from tests.harness import MENU_LABELS, STAFF_CHAT, Chat, FakeClock, make_core


async def test_start_greets_in_ukrainian_with_the_five_services(chat: Chat) -> None:
    [reply] = await chat.say("/start")
    assert reply.text.startswith("Вітаю!")
    assert "звернення до міського голови" in reply.text
    assert reply.labels == MENU_LABELS


async def test_menu_command_and_button_show_the_menu(chat: Chat) -> None:
    [reply] = await chat.say("/menu")
    assert reply.labels == MENU_LABELS
    await chat.press("Контакти")
    [reply] = await chat.press("До меню")
    assert reply.text == texts.MENU
    assert reply.labels == MENU_LABELS


async def test_contacts_give_the_central_library_address_and_phones(chat: Chat) -> None:
    await chat.say("/start")
    [reply] = await chat.press("Контакти")
    assert "вул. Потьомкінська, 143а" in reply.text
    assert "(0512) 24-01-10, 55-03-60, 24-70-28" in reply.text
    assert reply.labels == [texts.BTN_MENU]


async def test_help_lists_the_commands(chat: Chat) -> None:
    [reply] = await chat.say("/help")
    for command in ("/start", "/menu", "/cancel", "/help"):
        assert command in reply.text


async def test_unknown_command_explains_and_shows_the_menu(chat: Chat) -> None:
    [reply] = await chat.say("/foo")
    assert reply.text == texts.UNKNOWN_COMMAND
    assert reply.labels == MENU_LABELS


async def test_stale_button_falls_back_to_the_menu(chat: Chat) -> None:
    [reply] = await chat.send(payload="gone:42")
    assert reply.text == texts.UNKNOWN_BUTTON
    assert reply.labels == MENU_LABELS


async def test_sticker_gets_a_friendly_answer_not_silence(chat: Chat) -> None:
    [reply] = await chat.send(unsupported="sticker")
    assert "стікери" in reply.text
    assert "текстом" in reply.text


async def test_over_long_text_is_refused_with_the_limit(chat: Chat) -> None:
    [reply] = await chat.say("а" * 5000)
    assert "5000" in reply.text and "4096" in reply.text


async def test_cancel_with_nothing_to_cancel_says_so(chat: Chat) -> None:
    [reply] = await chat.say("/cancel")
    assert reply.text == texts.NOTHING_TO_CANCEL
    assert reply.labels == MENU_LABELS


async def test_staff_commands_only_for_staff(chat: Chat) -> None:
    assert await chat.staff_say("/help", is_staff=False) == []
    [reply] = await chat.staff_say("/help")
    assert reply.chat_id != chat.chat_id
    assert "/help" in reply.text


async def test_cancel_leaves_a_dialog_and_the_next_text_is_not_part_of_it(chat: Chat) -> None:
    await chat.say("/start")
    await chat.press("Запитати бібліотекаря")
    [reply] = await chat.say("/cancel")
    assert reply.text == texts.CANCELLED
    sent = await chat.say("дякую")
    assert all(s.chat_id == chat.chat_id for s in sent)  # nothing went to the librarians


async def test_a_too_long_message_states_its_length_in_correct_ukrainian(chat: Chat) -> None:
    [reply] = await chat.say("а" * 4102)

    assert reply.text.startswith("Повідомлення задовге: 4102 символи, а я можу прийняти")


def test_counts_take_the_ukrainian_plural_form() -> None:
    forms = texts.CHARACTERS
    shown = [texts.count(n, forms) for n in (1, 4, 5, 11, 12, 21, 22, 25, 101, 111, 4001)]
    assert shown == [
        "1 символ",
        "4 символи",
        "5 символів",
        "11 символів",
        "12 символів",
        "21 символ",
        "22 символи",
        "25 символів",
        "101 символ",
        "111 символів",
        "4001 символ",
    ]


# --- A bot that runs without librarians (LIBRARIANS=off) -------------------------------


@pytest.fixture
def alone(db: Database, clock: FakeClock) -> Chat:
    core, delivery, sender = make_core(db, clock, librarians=False)
    return Chat(core, delivery, sender)


async def test_without_librarians_no_librarian_nor_appeal_is_ever_offered(alone: Chat) -> None:
    [menu] = await alone.say("/start")
    assert texts.BTN_LIBRARIAN not in menu.labels and texts.BTN_APPEAL not in menu.labels
    assert texts.BTN_REFERENCE in menu.labels

    [suggest] = await alone.say("бібліотека")
    assert suggest.text == texts.KB_SUGGEST
    assert texts.BTN_NOT_LISTED not in suggest.labels and suggest.labels[-1] == texts.BTN_MENU

    [none] = await alone.say("як виростити розсаду помідорів на балконі")
    assert none.text == texts.KB_NONE_NO_LIBRARIANS
    assert none.labels == [texts.BTN_MENU]

    await alone.say("як передати показники лічильника води")
    [not_helpful] = await alone.press(texts.BTN_NO)
    assert not_helpful.text == texts.KB_NOT_HELPFUL_NO_LIBRARIANS
    assert not_helpful.labels == [texts.BTN_MENU]

    await alone.press(texts.BTN_REFERENCE)
    await alone.press("Бібліотека")
    [article] = await alone.press("Як записатися до бібліотеки")
    assert texts.BTN_LIBRARIAN not in article.labels

    # A button from before the switch leads home with a phone number, not to a dead end.
    for old_button in ("ask", "appeal", "ap:new"):
        [reply] = await alone.send(payload=old_button)
        assert reply.text == texts.NO_LIBRARIANS
    assert all(sent.chat_id != STAFF_CHAT for sent in alone.sender.sent)
