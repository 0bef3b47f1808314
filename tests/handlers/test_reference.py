from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

from bot import render
from handlers import payloads, texts
from handlers.messages import Event
from handlers.reference.payloads import Feedback
from knowledge_base.holder import KnowledgeBaseHolder, MeaningSettings
from storage.db import Database
from storage.kb_queries import KbQueriesRepo
from tests.fakes.embedder import CONCEPT_ARTICLES, TEST_EMBEDDER
from tests.harness import (
    STAFF_CHAT,
    TEST_CHANNEL,
    TEST_KB,
    Chat,
    FakeClock,
    make_core,
    write_articles,
)


async def kb_with_meaning(tmp_path: Path) -> KnowledgeBaseHolder:
    """The concept articles, their vectors ready, searched with the test model."""
    folder = write_articles(tmp_path / "articles", CONCEPT_ARTICLES)
    kb = KnowledgeBaseHolder.load(folder, MeaningSettings(tmp_path / "v.sqlite3", TEST_EMBEDDER))
    kb.start_embedding()
    await kb.wait_embedded()
    assert kb.embedder is not None
    return kb


async def chat_with_meaning(
    db: Database, clock: FakeClock, tmp_path: Path
) -> tuple[KnowledgeBaseHolder, Chat]:
    kb = await kb_with_meaning(tmp_path)
    return kb, Chat(*make_core(db, clock, kb=kb))


async def test_a_confident_answer_shows_the_article_links_and_asks_if_it_helped(
    chat: Chat,
) -> None:
    # One message: the article, its links and the question whether it helped, so the
    # links are on the last message, where Viber shows buttons.
    [article] = await chat.say("Добрий день! Як передати показники лічильника води?")
    assert article.text.startswith("**Як передати показники лічильника води**\n\n")
    assert "фотографуйте лічильник <щомісяця> & зберігайте фото" in article.text
    assert article.text.endswith(f"\n\n{texts.KB_FEEDBACK}")
    [link] = [b for row in article.reply.buttons for b in row if b.url]
    assert (link.label, link.url) == ("Міська рада", "https://mkrada.gov.ua")
    assert article.labels == ["Міська рада", texts.BTN_YES, texts.BTN_NO, texts.BTN_MENU]
    [thanks] = await chat.press("Так")
    assert thanks.text == texts.KB_THANKS


async def test_russian_question_finds_the_ukrainian_article(chat: Chat) -> None:
    [article] = await chat.say("как зайти в личный кабинет пенсионного фонда")
    assert article.text.startswith("**Особистий кабінет на порталі Пенсійного фонду**")


async def test_an_unsure_match_suggests_titles_and_a_librarian(chat: Chat) -> None:
    [reply] = await chat.say("бібліотека")
    assert reply.text == texts.KB_SUGGEST
    assert reply.labels[-2:] == [texts.BTN_NOT_LISTED, texts.BTN_MENU]
    assert set(reply.labels[:-2]) == {
        "Як записатися до бібліотеки",
        "Безкоштовний Wi-Fi і комп'ютери в бібліотеці",
    }
    [article] = await chat.press("Wi-Fi")
    assert article.text.startswith("**Безкоштовний Wi-Fi")
    assert article.text.endswith(texts.KB_FEEDBACK)


async def test_an_unknown_question_is_not_answered_but_offered_to_a_librarian(
    chat: Chat,
) -> None:
    [reply] = await chat.say("як виростити розсаду помідорів на балконі")
    assert reply.text == texts.KB_NONE
    assert reply.labels == [texts.BTN_HAND_OVER, texts.BTN_MENU]


async def test_browsing_by_category_reaches_an_article(chat: Chat) -> None:
    await chat.say("/start")
    [topics] = await chat.press("Довідка")
    assert topics.text == texts.KB_BROWSE
    assert topics.labels == ["Бібліотека", "Комунальні послуги", "Пенсія", texts.BTN_MENU]
    [category] = await chat.press("Бібліотека")
    assert category.text == texts.KB_CATEGORY.format(category="Бібліотека")
    [article] = await chat.press("Як записатися до бібліотеки")
    assert "Квиток безкоштовний" in article.text
    assert article.labels == [texts.BTN_LIBRARIAN, texts.BTN_TOPICS, texts.BTN_MENU]
    [prompt] = await chat.press(texts.BTN_LIBRARIAN)  # a way to a human from any article
    assert prompt.text == texts.ASK_PROMPT


async def test_feedback_on_someone_elses_question_is_ignored(chat: Chat) -> None:
    await chat.say("як передати показники лічильника води")
    stranger = Chat(chat.core, chat.delivery, chat.sender, user_id="2002", name="Інший")
    [reply] = await stranger.send(payload="kb:fb:1:n")
    assert reply.text == texts.KB_BROWSE  # no offer to hand over someone else's question


async def test_reload_reports_loaded_and_skipped_files(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(TEST_KB, folder)
    kb = KnowledgeBaseHolder.load(folder)
    core, delivery, sender = make_core(db, clock, kb=kb)
    chat = Chat(core, delivery, sender)

    (folder / "broken.md").write_text("---\nid: Погане Id\ntitle: x\n---\n", encoding="utf-8")
    (folder / "new.md").write_text(
        "---\nid: new-one\ntitle: Нова стаття про талони на харчування\ncategory: Інше\n"
        "questions:\n  - де взяти талони на харчування\n  - талони на їжу\n---\nТекст.\n",
        encoding="utf-8",
    )
    loaded, skipped = await chat.staff_say("/reload_kb")
    assert loaded.chat_id == STAFF_CHAT
    assert loaded.text == texts.KB_RELOADED.format(count=5)
    assert skipped.text.startswith("⚠️ Пропущено файлів з помилками: 1")
    assert "broken.md:" in skipped.text
    [_, error] = render.to_plain(skipped.text).split("\n")
    assert error.startswith("• /") and "broken.md:1:" in error  # a list; paths as written

    [article] = await chat.say("де взяти талони на харчування")
    assert article.text.startswith("**Нова стаття про талони на харчування**")


async def test_citizens_cannot_reload(chat: Chat) -> None:
    [reply] = await chat.say("/reload_kb")
    assert reply.text == texts.UNKNOWN_COMMAND


LONG_GUIDE = """---
id: long-guide
title: Як зареєструвати місце проживання онлайн
category: Документи
questions:
  - як зареєструвати місце проживання онлайн
  - прописка через інтернет
---
Зареєструвати місце проживання можна онлайн на порталі Дія з електронним підписом. Це
безкоштовно, а консультанти центрів у бібліотеках допоможуть заповнити заяву.

<!-- Персоналу: перевірити, чи послуга доступна для всіх громад. -->

{steps}
"""


def long_guide_chat(db: Database, clock: FakeClock, tmp_path: Path) -> Chat:
    """A resident, and a base of one article long enough to come in two parts."""
    steps = "\n\n".join(f"**Крок {i}.** " + "Заповніть поле заяви. " * 8 for i in range(1, 9))
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "guide.md").write_text(LONG_GUIDE.format(steps=steps), encoding="utf-8")
    core, delivery, sender = make_core(db, clock, kb=KnowledgeBaseHolder.load(folder))
    return Chat(core, delivery, sender)


async def test_a_long_article_shows_its_short_answer_then_the_rest_on_request(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    chat = long_guide_chat(db, clock, tmp_path)

    [short] = await chat.say("як зареєструвати місце проживання онлайн")
    assert short.text.startswith("**Як зареєструвати місце проживання онлайн**\n\n")
    assert "порталі Дія" in short.text and "Крок 1" not in short.text
    assert short.text.endswith(texts.KB_FEEDBACK)
    assert short.labels == [texts.BTN_MORE, texts.BTN_YES, texts.BTN_NO, texts.BTN_MENU]

    [details] = await chat.press(texts.BTN_MORE)
    assert "**Крок 1.**" in details.text and "**Крок 8.**" in details.text
    assert "порталі Дія" not in details.text  # the short answer is not repeated
    # Read to the end, the answer can still be judged: on Viber the details' buttons are
    # the only ones on screen.
    assert details.text.endswith(texts.KB_FEEDBACK)
    assert details.labels == [texts.BTN_YES, texts.BTN_NO, texts.BTN_MENU]
    judged = payloads.parse(chat.button(texts.BTN_YES).payload)
    assert isinstance(judged, Feedback)
    [thanks] = await chat.press(texts.BTN_YES)
    assert thanks.text == texts.KB_THANKS
    async with db.transaction() as conn:
        assert await KbQueriesRepo().feedback_of(conn, judged.query) == "helpful"
    # A note for staff in the article's file is never shown to residents.
    assert all("Персоналу" not in sent.text for sent in chat.sender.sent)


async def test_a_long_article_found_by_browsing_offers_a_librarian_after_its_details(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    chat = long_guide_chat(db, clock, tmp_path)

    await chat.say("/start")
    await chat.press(texts.BTN_REFERENCE)
    await chat.press("Документи")
    [short] = await chat.press("Як зареєструвати місце проживання онлайн")
    assert short.labels == [
        texts.BTN_MORE,
        texts.BTN_LIBRARIAN,
        texts.BTN_TOPICS,
        texts.BTN_MENU,
    ]
    [details] = await chat.press(texts.BTN_MORE)
    assert "**Крок 8.**" in details.text and texts.KB_FEEDBACK not in details.text
    assert details.labels == [texts.BTN_LIBRARIAN, texts.BTN_TOPICS, texts.BTN_MENU]


async def test_with_meaning_search_a_paraphrase_reaches_the_article(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    kb, chat = await chat_with_meaning(db, clock, tmp_path)

    # No word of the question is in the article: the meaning is.
    [article] = await chat.say("о котрій ви зачиняєтеся")
    assert article.text.startswith("**Графік роботи бібліотеки**")
    assert article.text.endswith(texts.KB_FEEDBACK)
    # Nothing in the base is about the weather: an honest hand-over.
    [reply] = await chat.say("яка погода завтра")
    assert reply.text == texts.KB_NONE
    assert reply.labels == [texts.BTN_HAND_OVER, texts.BTN_MENU]
    await kb.close()


async def test_a_question_for_the_model_does_not_hold_back_other_residents(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    kb = await kb_with_meaning(tmp_path)
    model = kb.embedder
    assert model is not None
    thinking, done_thinking = threading.Event(), threading.Event()
    real_queries = model.queries

    def slow_queries(questions):  # type: ignore[no-untyped-def]
        thinking.set()  # a model busy with a long question, as under a crowd
        assert done_thinking.wait(10)
        return real_queries(questions)

    model.queries = slow_queries  # type: ignore[method-assign]
    core, delivery, sender = make_core(db, clock, kb=kb)
    asking = asyncio.create_task(Chat(core, delivery, sender).say("о котрій ви зачиняєтеся"))
    assert await asyncio.to_thread(thinking.wait, 10)

    # While the model works, another resident is answered: the database is not held.
    other = Event(TEST_CHANNEL, "2002", "2002", text="/start")
    [greeting] = await asyncio.wait_for(core.handle(other), 5)
    assert greeting.reply.text.startswith("Вітаю!")

    done_thinking.set()
    replies = await asyncio.wait_for(asking, 10)
    [article] = [r for r in replies if r.chat_id == "1001"]
    assert article.text.startswith("**Графік роботи бібліотеки**")
    assert article.text.endswith(texts.KB_FEEDBACK)
    assert len(model.queries_embedded) == 1  # searched once, before the transaction
    await kb.close()


async def test_a_question_for_a_librarian_names_articles_found_by_words_without_the_model(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    kb, chat = await chat_with_meaning(db, clock, tmp_path)
    await chat.say("/start")
    await chat.press(texts.BTN_LIBRARIAN)

    sent = await chat.say("Чи можна у вас заплатити за воду, якщо в мене немає картки банку?")

    [card] = [s for s in sent if s.chat_id == STAFF_CHAT]
    assert "Як оплатити рахунок за воду (water-bills)" in card.text
    # The resident asked for a person: the hints on the card cost no model time.
    assert kb.embedder.queries_embedded == []  # type: ignore[attr-defined]
    await kb.close()
