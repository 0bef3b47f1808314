from __future__ import annotations

from handlers import texts
from storage.db import Database
from tests.harness import STAFF_CHAT, Chat, FakeClock, make_core


async def test_question_for_a_librarian_reaches_the_staff_chat(chat: Chat) -> None:
    await chat.say("/start")
    [prompt] = await chat.press("Запитати бібліотекаря")
    assert prompt.text == texts.ASK_PROMPT
    sent = await chat.say("Де отримати довідку про склад сім'ї?")
    to_staff = [s for s in sent if s.chat_id == STAFF_CHAT]
    to_citizen = [s for s in sent if s.chat_id == chat.chat_id]
    assert "Де отримати довідку про склад сім'ї?" in to_staff[0].text
    assert "Олена" in to_staff[0].text
    assert to_citizen[0].text == texts.ASK_ACCEPTED


async def test_a_restart_mid_dialog_resumes_at_the_same_step(
    db: Database, clock: FakeClock, tmp_path
) -> None:
    core, delivery, sender = make_core(db, clock)
    first = Chat(core, delivery, sender)
    await first.say("/start")
    await first.press("Запитати бібліотекаря")
    path = db.path
    await db.close()

    # A new process: new database connection, new core, same file.
    reopened = await Database.open(path)
    try:
        core, delivery, sender = make_core(reopened, clock)
        second = Chat(core, delivery, sender)
        sent = await second.say("Чи працює бібліотека в неділю?")
        assert any(s.chat_id == STAFF_CHAT and "в неділю" in s.text for s in sent)
    finally:
        await reopened.close()
