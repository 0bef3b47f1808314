from __future__ import annotations

from handlers import texts
from tests.harness import MENU_LABELS, Chat


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
