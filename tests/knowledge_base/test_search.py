from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from knowledge_base.analysis import Analyzer
from knowledge_base.loader import load_articles
from knowledge_base.search import FEATURES, KnowledgeBase
from tests.harness import write_articles

from .conftest import ARTICLES


def answer_id(kb: KnowledgeBase, question: str) -> str | None:
    result = kb.search(question)
    assert result.decision == "answer", (question, result)
    return result.candidates[0].article.id


@pytest.mark.parametrize(
    "question",
    [
        "як оплатити комунальні послуги",
        "Добрий день, підкажіть будь ласка, як оплатити комуналку?",
        "как оплатить коммуналку через интернет",
        "yak oplatyty komunalku",
        "kak oplatit kommunalku",
        "оплатитикомуналку онлайн",
        "як аплатити комуналку",
        "сплатити квартплату",
    ],
)
def test_utility_questions_in_any_spelling(kb: KnowledgeBase, question: str) -> None:
    assert answer_id(kb, question) == "utility-bills"


@pytest.mark.parametrize(
    "question",
    [
        "де взяти електронне пенсійне посвідчення",
        "где получить электронное пенсионное удостоверение",
        "de vzyaty elektronne pensiine posvidchennia",
    ],
)
def test_pension_questions(kb: KnowledgeBase, question: str) -> None:
    assert answer_id(kb, question) == "pension-certificate"


def test_look_alike_latin_letters(kb: KnowledgeBase) -> None:
    assert answer_id(kb, "як записатися в бiблiотеку") == "library-card"


def test_off_topic_question_offers_a_librarian(kb: KnowledgeBase) -> None:
    result = kb.search("яка погода завтра в Миколаєві")

    assert result.decision == "none"


def test_greeting_alone_finds_nothing(kb: KnowledgeBase) -> None:
    result = kb.search("Добрий день!")

    assert result.decision == "none"
    assert result.candidates == []


def test_unsure_match_suggests_up_to_three(kb: KnowledgeBase, analyzer: Analyzer) -> None:
    # Thresholds that never allow a sure answer leave only "did you mean".
    words = dataclasses.replace(kb.thresholds.words, answer=1.1, suggest=0.0)
    cautious = dataclasses.replace(kb.thresholds, words=words)
    strict = KnowledgeBase.build(kb.articles, cautious, analyzer)

    result = strict.search("бібліотека")

    assert result.decision == "suggest"
    top = {candidate.article.id for candidate in result.candidates[:3]}
    assert {"library-card", "library-wifi"} <= top


def test_candidates_are_ranked_with_scores(kb: KnowledgeBase) -> None:
    result = kb.search("пароль від вайфаю в бібліотеці", limit=2)

    assert len(result.candidates) <= 2
    assert result.candidates[0].article.id == "library-wifi"
    scores = [candidate.score for candidate in result.candidates]
    assert scores == sorted(scores, reverse=True)


def test_lookup_and_categories(kb: KnowledgeBase) -> None:
    assert kb.get("library-card") is not None
    assert kb.get("missing") is None
    categories = kb.categories()
    assert list(categories) == ["Бібліотека", "Комунальні послуги", "Пенсії"]
    titles = [article.title for article in categories["Бібліотека"]]
    assert titles == sorted(titles, key=str.casefold)


def test_load_returns_errors_beside_the_base(kb_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("---\nid: Bad\n---\n", encoding="utf-8")

    kb, errors = KnowledgeBase.load(tmp_path)

    assert kb.articles == []
    assert [error.path.name for error in errors] == ["bad.md"]
    assert kb.search("будь-що").decision == "none"


def uncovered(kb: KnowledgeBase, question: str) -> float:
    features = kb.features(question)[1]
    assert features is not None, question
    return features[FEATURES.index("uncovered")]


def test_place_names_tell_where_not_what(kb: KnowledgeBase) -> None:
    # A town or a street the base never mentions is not an off-topic subject.
    assert uncovered(kb, "як оплатити квартплату") == 0
    assert uncovered(kb, "як оплатити квартплату з Кишинева") == 0
    assert uncovered(kb, "Як оплатити квартплату на Соборній?") == 0
    # Written in lower case, an unknown adjective still counts.
    assert uncovered(kb, "як оплатити квартплату на соборній") > 0


def test_the_subject_outweighs_a_shared_verb(kb: KnowledgeBase, analyzer: Analyzer) -> None:
    # «записатися» is the library-card article's verb; «квартплата» is what is asked about.
    question = "як записатися на оплату квартплати"
    verbs_count_alike = dataclasses.replace(kb.thresholds, subject_emphasis=0.0)
    flat = KnowledgeBase.build(kb.articles, verbs_count_alike, analyzer).search(question)

    assert flat.candidates[0].article.id == "library-card"
    assert kb.search(question).candidates[0].article.id == "utility-bills"


def test_either_aspect_of_a_verb_finds_the_article(tmp_path: Path, analyzer: Analyzer) -> None:
    subsidy = """---
id: subsidy
title: Як оформити житлову субсидію
category: Соціальний захист
questions:
  - де подати заяву на субсидію
---
Заяву подають онлайн у Дії або в ЦНАПі.
"""
    articles = load_articles(write_articles(tmp_path, {**ARTICLES, "subsidy.md": subsidy}))
    kb = KnowledgeBase.build(articles.articles, analyzer=analyzer)

    # «оформлюють» and «оформляют» are the other aspect of the article's «оформити».
    for question in ("де оформлюють житлову субсидію", "где оформляют жилищную субсидию"):
        assert uncovered(kb, question) == 0, question
        assert answer_id(kb, question) == "subsidy"
