"""Small talk, as a resident types it: greetings, thanks, «да»/«нет», «меню» — never a search
that finds nothing, never a ticket."""

from __future__ import annotations

import pytest

from handlers import texts
from tests.harness import MENU_LABELS, STAFF_CHAT, Chat


@pytest.mark.parametrize("greeting", ["привіт", "Добрий день!", "Здравствуйте!!!", "hello"])
async def test_a_greeting_gets_a_greeting_and_the_menu(chat: Chat, greeting: str) -> None:
    [reply] = await chat.say(greeting)

    assert reply.text == texts.SMALLTALK_GREETING
    assert reply.labels == MENU_LABELS


@pytest.mark.parametrize("thanks", ["дякую", "Спасибо большое 🙏", "ні, дякую"])
async def test_thanks_get_you_are_welcome_and_the_menu(chat: Chat, thanks: str) -> None:
    [reply] = await chat.say(thanks)

    assert reply.text == texts.SMALLTALK_THANKS
    assert reply.labels == MENU_LABELS


async def test_menu_words_and_goodbyes_lead_home(chat: Chat) -> None:
    for word in ("меню", "стоп"):
        [menu] = await chat.say(word)
        assert menu.text == texts.MENU and menu.labels == MENU_LABELS

    [goodbye] = await chat.say("До побачення")
    assert goodbye.text == texts.SMALLTALK_GOODBYE and goodbye.labels == MENU_LABELS


@pytest.mark.parametrize("word", ["нет", "ок", "1"])
async def test_a_lone_word_with_nothing_to_answer_asks_for_the_question(
    chat: Chat, word: str
) -> None:
    [reply] = await chat.say(word)

    assert reply.text == texts.SMALLTALK_NOT_A_QUESTION
    assert reply.labels == MENU_LABELS
    assert texts.BTN_HAND_OVER not in reply.labels  # nothing to hand over


async def test_russian_yes_and_no_answer_the_buttons_on_screen(chat: Chat) -> None:
    [article] = await chat.say("як передати показники лічильника води")
    assert texts.BTN_YES in article.labels

    [reply] = await chat.say("да")
    assert reply.text == texts.KB_THANKS

    await chat.say("як передати показники лічильника води")
    [reply] = await chat.say("нет")
    assert reply.text == texts.KB_NOT_HELPFUL


async def test_a_greeting_with_a_question_is_a_question(chat: Chat) -> None:
    [article] = await chat.say("Привіт! Як передати показники лічильника води?")

    assert article.text.startswith("**Як передати показники лічильника води**")


async def test_thanks_typed_for_a_librarian_never_becomes_a_ticket(chat: Chat) -> None:
    await chat.say("/start")
    await chat.press(texts.BTN_LIBRARIAN)

    [reply] = await chat.say("дякую")

    assert reply.text == texts.ASK_NOT_A_QUESTION
    assert all(sent.chat_id != STAFF_CHAT for sent in chat.sender.sent)
    # The question that follows is the one the librarian gets.
    sent = await chat.say("Де в Миколаєві можна роздрукувати документи безкоштовно?")
    [card] = [s for s in sent if s.chat_id == STAFF_CHAT]
    assert "роздрукувати документи" in card.text
