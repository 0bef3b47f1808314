"""Meaning search: article layout, fusion with the word search, the vector cache, and the
holder that lets the bot answer before (and without) the model."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from knowledge_base.holder import KnowledgeBaseHolder, MeaningSettings
from knowledge_base.loader import load_articles
from knowledge_base.meaning import CHUNK_CHARS, MeaningIndex, chunks, units
from knowledge_base.model import Article
from knowledge_base.search import KnowledgeBase, SearchResult
from storage.vector_cache import VectorCache
from tests.fakes import embedder as fakes
from tests.fakes.embedder import CONCEPT_ARTICLES, TEST_EMBEDDER, ConceptEmbedder
from tests.fakes.embedder import CONCEPT_ARTICLES as ARTICLES
from tests.harness import write_articles


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "kb", ARTICLES)


@pytest.fixture
def cache(tmp_path: Path) -> VectorCache:
    return VectorCache(tmp_path / "vectors.sqlite3")


def articles_in(folder: Path) -> list[Article]:
    result = load_articles(folder)
    assert result.errors == []
    return result.articles


def build(articles: list[Article], model: ConceptEmbedder, cache: VectorCache) -> MeaningIndex:
    built = MeaningIndex.build(articles, model, cache)
    assert built is not None
    return built[0]


def fused_search(articles: list[Article], cache: VectorCache, question: str) -> SearchResult:
    """The question searched by words and meaning, with the concept model."""
    model = ConceptEmbedder()
    kb = KnowledgeBase.build(articles)
    kb.attach_meaning(build(articles, model, cache))
    return kb.search(question, vector=model.queries([question])[0])


def test_an_article_is_embedded_whole_and_in_chunks_each_with_its_title(folder: Path) -> None:
    [hours] = [a for a in articles_in(folder) if a.id == "opening-hours"]
    whole, parts = units(hours)

    assert whole.startswith("Графік роботи бібліотеки\nЦентральна бібліотека")
    assert all(part.startswith("Графік роботи бібліотеки\n") for part in parts)
    long_body = "\n\n".join(f"**Крок {i}.** " + "Заповніть поле. " * 12 for i in range(12))
    pieces = chunks(long_body)
    assert len(pieces) > 3
    assert all(len(piece) <= CHUNK_CHARS for piece in pieces)
    assert "**" not in "".join(pieces)  # the model reads words, not markup


def test_meaning_finds_an_article_that_shares_no_word_with_the_question(
    folder: Path, cache: VectorCache
) -> None:
    articles = articles_in(folder)
    question = "о котрій ви зачиняєтеся"

    by_words = KnowledgeBase.build(articles).search(question)
    fused = fused_search(articles, cache, question)

    assert all(c.article.id != "opening-hours" for c in by_words.candidates)
    assert fused.candidates[0].article.id == "opening-hours"
    assert fused.decision in ("answer", "suggest")


def test_meaning_reorders_what_words_found(folder: Path, cache: VectorCache) -> None:
    # «бібліотека» ties the question to the hours article by words; «тополю» is about trees.
    question = "біля бібліотеки треба спиляти стару тополю"

    fused = fused_search(articles_in(folder), cache, question)

    assert fused.candidates[0].article.id == "tree-removal"


def test_an_unchanged_base_embeds_nothing_and_one_changed_article_only_itself(
    folder: Path, cache: VectorCache
) -> None:
    first = ConceptEmbedder()
    assert MeaningIndex.build(articles_in(folder), first, cache) is not None
    assert first.passages_embedded  # the first time, everything

    again = ConceptEmbedder()
    built = MeaningIndex.build(articles_in(folder), again, cache)
    assert built is not None and built[1].articles == 0
    assert again.passages_embedded == []

    hours = folder / "hours.md"
    hours.write_text(hours.read_text(encoding="utf-8") + "\nУ неділю вихідний.\n", "utf-8")
    changed = ConceptEmbedder()
    built = MeaningIndex.build(articles_in(folder), changed, cache)
    assert built is not None and built[1].articles == 1
    assert changed.passages_embedded
    assert all(text.startswith("Графік роботи бібліотеки") for text in changed.passages_embedded)


def test_another_model_never_reuses_the_vectors(folder: Path, cache: VectorCache) -> None:
    MeaningIndex.build(articles_in(folder), ConceptEmbedder(), cache)

    class Other(ConceptEmbedder):
        name = "another-model"

    other = Other()
    MeaningIndex.build(articles_in(folder), other, cache)
    assert other.passages_embedded


# The holder: what the bot uses


@pytest.fixture
def slow_gate() -> Iterator[None]:
    fakes.SLOW_GATE.clear()
    yield
    fakes.SLOW_GATE.set()


def holder_for(folder: Path, tmp_path: Path, model: str = TEST_EMBEDDER) -> KnowledgeBaseHolder:
    return KnowledgeBaseHolder.load(folder, MeaningSettings(tmp_path / "vectors.sqlite3", model))


async def embedded(folder: Path, tmp_path: Path, model: str = TEST_EMBEDDER) -> KnowledgeBaseHolder:
    """A holder whose vectors are ready (or whose model failed to load)."""
    holder = holder_for(folder, tmp_path, model)
    holder.start_embedding()
    await holder.wait_embedded()
    return holder


def model_of(holder: KnowledgeBaseHolder) -> ConceptEmbedder:
    """The test model a holder loaded: it records what it was asked to embed."""
    return cast(ConceptEmbedder, holder.embedder)


async def test_the_bot_answers_by_words_until_the_vectors_are_ready(
    folder: Path, tmp_path: Path, slow_gate: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    holder = holder_for(folder, tmp_path, "tests.fakes.embedder:SlowEmbedder")
    holder.start_embedding()

    # The model is still busy with the articles: the question is answered by words.
    result = await holder.search("як заплатити за воду")
    assert result.candidates[0].article.id == "water-bills"
    assert not holder.semantic_ready
    assert "answering by words until ready" in caplog.text

    fakes.SLOW_GATE.set()
    await holder.wait_embedded()
    assert holder.semantic_ready
    fused = await holder.search("о котрій ви зачиняєтеся")
    assert fused.candidates[0].article.id == "opening-hours"
    model = model_of(holder)
    assert model.queries_embedded == ["о котрій ви зачиняєтеся"]
    assert "meaning search ready: 3 articles, 3 embedded anew" in caplog.text
    await holder.close()


async def test_reload_embeds_only_the_article_that_changed(folder: Path, tmp_path: Path) -> None:
    holder = await embedded(folder, tmp_path)
    model = model_of(holder)
    model.passages_embedded.clear()

    (folder / "water.md").write_text(
        ARTICLES["water.md"].replace("застосунку банку", "відділенні банку"), "utf-8"
    )
    await holder.reload()
    await holder.wait_embedded()

    assert holder.semantic_ready
    assert model.passages_embedded
    assert all(text.startswith("Як оплатити рахунок за воду") for text in model.passages_embedded)
    await holder.close()


async def test_a_model_that_does_not_load_leaves_one_log_line_and_the_word_search(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    holder = await embedded(folder, tmp_path, "tests.fakes.embedder:BrokenEmbedder")

    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.startswith("meaning search is off: the model did not load")
    assert "model file not found" in line
    assert not holder.semantic_ready
    result = await holder.search("як заплатити за воду")
    assert result.candidates[0].article.id == "water-bills"
    await holder.close()


async def test_a_question_the_model_fails_on_is_answered_by_words(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    holder = await embedded(folder, tmp_path, "tests.fakes.embedder:FailingQueries")
    assert holder.semantic_ready
    question = "чи можна платити за воду в бібліотеці"  # the words alone are not sure
    assert holder.needs_model(question)

    result = await holder.search(question)

    assert result.candidates[0].article.id == "water-bills"
    assert "answering by words alone" in caplog.text
    await holder.close()


async def test_meaning_search_off_never_loads_a_model(folder: Path) -> None:
    holder = KnowledgeBaseHolder.load(folder, meaning=None)
    holder.start_embedding()
    await holder.wait_embedded()

    assert holder.embedder is None and not holder.semantic_ready
    assert (await holder.search("як заплатити за воду")).decision != "none"


def test_the_closest_in_meaning_is_found_even_far_down_the_word_ranking(
    tmp_path: Path, cache: VectorCache
) -> None:
    # Eighty articles have «довідка» in their title; the one about trees only in its body,
    # so by words it ranks below every one of them.
    many = {
        f"n{i}.md": f"---\nid: note-{i}\ntitle: Довідка номер {i}\ncategory: Інше\n"
        f"questions:\n  - довідка {i}\n  - де взяти довідку {i}\n---\nТекст {i}.\n"
        for i in range(80)
    }
    many["trees.md"] = CONCEPT_ARTICLES["trees.md"].replace(
        "Заяву про аварійне дерево", "Довідка не потрібна: заяву про аварійне дерево"
    )
    articles = articles_in(write_articles(tmp_path / "kb", many))

    fused = fused_search(articles, cache, "потрібна довідка щоб зрізати тополю")

    assert fused.candidates[0].article.id == "tree-removal"


async def test_a_question_asked_again_costs_no_model_time_until_the_base_changes(
    folder: Path, tmp_path: Path
) -> None:
    holder = await embedded(folder, tmp_path)
    model = model_of(holder)
    first = await holder.search("о котрій ви зачиняєтеся")
    again = await holder.search("  О котрій  ви зачиняєтеся ")  # the same, typed loosely
    assert again.candidates[0].article.id == first.candidates[0].article.id == "opening-hours"
    assert model.queries_embedded == ["о котрій ви зачиняєтеся"]
    await holder.reload()
    await holder.wait_embedded()
    await holder.search("о котрій ви зачиняєтеся")  # a new base: asked of the model again
    assert model.queries_embedded == ["о котрій ви зачиняєтеся"] * 2
    await holder.close()


async def test_a_question_the_words_are_sure_of_costs_no_model_time(
    folder: Path, tmp_path: Path
) -> None:
    holder = await embedded(folder, tmp_path)
    model = model_of(holder)

    # Word for word an example question of one article: the words need no help.
    assert not holder.needs_model("до котрої працює бібліотека")
    sure = await holder.search("до котрої працює бібліотека")
    assert sure.decision == "answer"
    assert sure.candidates[0].article.id == "opening-hours"
    # No word in common: only the model can tell.
    assert holder.needs_model("о котрій ви зачиняєтеся")
    await holder.search("о котрій ви зачиняєтеся")
    assert model.queries_embedded == ["о котрій ви зачиняєтеся"]
    await holder.close()


async def test_a_crowd_asking_the_same_question_at_once_costs_one_run_of_the_model(
    folder: Path, tmp_path: Path
) -> None:
    import asyncio
    import threading

    holder = await embedded(folder, tmp_path)
    model = model_of(holder)
    thinking, done_thinking = threading.Event(), threading.Event()
    real_queries = model.queries

    def slow_queries(questions):  # type: ignore[no-untyped-def]
        thinking.set()
        assert done_thinking.wait(10)
        return real_queries(questions)

    model.queries = slow_queries  # type: ignore[method-assign]
    question = "о котрій ви зачиняєтеся"
    first = asyncio.create_task(holder.search(question))
    assert await asyncio.to_thread(thinking.wait, 10)
    # Twenty more ask while the model works on the first (spacing and case differ).
    crowd = [asyncio.create_task(holder.search("  О котрій  ви зачиняєтеся ")) for _ in range(20)]
    await asyncio.sleep(0)  # one turn of the loop: each of them starts its search now
    done_thinking.set()
    results = await asyncio.gather(first, *crowd)
    assert len(model.queries_embedded) == 1
    assert {r.candidates[0].article.id for r in results} == {"opening-hours"}
    await holder.close()
