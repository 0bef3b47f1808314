"""A resident filing an appeal to the mayor, step by step, for the appeal tests."""

from __future__ import annotations

from handlers import texts
from tests.harness import STAFF_CHAT, Chat, Sent

BODY = (
    "Прошу відремонтувати тротуар біля будинку 5 на вулиці Садовій: "
    "там глибокі ями, люди похилого віку падають."
)
ADDRESS = "м. Миколаїв, вул. Садова, 5, кв. 12"


async def open_appeals(chat: Chat) -> list[Sent]:
    await chat.say("/start")
    return await chat.press(texts.BTN_APPEAL)


async def start_with_consent(chat: Chat) -> list[Sent]:
    await open_appeals(chat)
    await chat.press(texts.BTN_APPEAL_NEW)
    return await chat.press(texts.BTN_CONSENT_YES)


async def fill_to_review(chat: Chat, *, body: str = BODY, phone: str = "067 123 45 67") -> Sent:
    """Answer every question with valid data; return the review screen."""
    await start_with_consent(chat)
    await chat.say("Шевченко")
    await chat.say("Олена")
    await chat.say("Петрівна")
    await chat.say(ADDRESS)
    await chat.say(phone)
    await chat.press(texts.BTN_SKIP)
    await chat.press(texts.APPEAL_TOPICS["roads"])
    await chat.say(body)
    await chat.press(texts.BTN_NO_ATTACHMENTS)
    await chat.press(texts.BTN_CONFIDENTIAL_NO)
    [review] = await chat.press(texts.BTN_PRIORITY_NONE)
    return review


async def submit(chat: Chat, *, body: str = BODY, phone: str = "067 123 45 67") -> list[Sent]:
    await fill_to_review(chat, body=body, phone=phone)
    return await chat.press(texts.BTN_APPEAL_SEND)


def to_staff(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.chat_id == STAFF_CHAT]


def to_chat(sent: list[Sent], chat: Chat) -> list[Sent]:
    return [s for s in sent if s.chat_id == chat.chat_id]
